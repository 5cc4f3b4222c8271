"""What the portal sent: one row per email, without its body (docs/decisions/0012-mail-record.md).

The help desk reads it in the admin to answer "I never got the email": whether the portal sent
it, failed to, or never tried. It holds the event, the recipients, the subject, the status and
how many times sending was tried, never the body or a template value: the body of several
emails is a secret (a temporary password, a verification code, a reset link).
"""

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        # Issue 7 adds QUEUED: a row written in the transaction that decides to send.
        SENDING = "sending", "Sending"  # an attempt started and has not ended (or crashed)
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    event = models.CharField(
        max_length=100, help_text="The name of its template folder under templates/emails."
    )
    recipients = models.TextField(help_text="The To addresses, separated by commas.")
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.SENDING)
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times sending was tried: more than one means retries."
    )
    last_error = models.TextField(
        blank=True, help_text="The exception of the last failed attempt (its class and message)."
    )
    created_at = models.DateTimeField("created", default=timezone.now)
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    # What the email is about, when its template context says so (never a secret).
    user_label = models.CharField("about User ID", max_length=255, blank=True)
    tracking_number = models.CharField("about request", max_length=20, blank=True)
    # The Celery task that sends it. A retry or redelivery runs the same task id again, so the
    # same message keeps its row and only its attempts grow (accounts.mail.message_key).
    task_id = models.CharField("Celery task", max_length=255, blank=True)
    message_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "email"
        verbose_name_plural = "sent mail"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="outgoing_email_created"),
            models.Index(fields=["status", "created_at"], name="outgoing_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipients} ({self.get_status_display()})"
