"""The mail outbox: one row per email, without its body (ADR 12, ADR 14).

A service that decides to send an email writes its row, ``queued``, in the same transaction as
the change that causes it (``services.email_enqueue``); Celery delivers it after commit
(``delivery``). The row holds what to send, never how it reads: the event (its templates),
``params`` (ids and plain values), the recipients. The body of several emails is a secret (a
temporary password, a verification code, a reset link), made only while the message is built.

The help desk reads it in the admin to answer "I never got the email": whether the portal sent
it, is still trying, gave up (and why), or never decided to send one.
"""

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"  # decided, not yet tried (or waiting to be tried again)
        SENDING = "sending", "Sending"  # an attempt started and has not ended (or crashed)
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # gave up; the help desk can retry

    UNSENT = (Status.QUEUED, Status.SENDING)

    event = models.CharField(
        max_length=100, help_text="The name of its template folder under templates/emails."
    )
    params = models.JSONField(
        default=dict,
        editable=False,
        help_text="What the email is built from: ids and plain values, never a secret.",
    )
    recipients = models.TextField(help_text="The To addresses, separated by commas.")
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        help_text="Sent only after this email (the User ID before the temporary password).",
    )
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times sending was tried: more than one means retries."
    )
    last_error = models.TextField(
        blank=True, help_text="Why the last attempt failed (the error's class and message)."
    )
    created_at = models.DateTimeField("created", default=timezone.now)
    next_attempt_at = models.DateTimeField(
        "next attempt", null=True, blank=True, help_text="When a queued email is due."
    )
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    # What the email is about, read from its template context when it is built (never a secret).
    user_label = models.CharField("about User ID", max_length=255, blank=True)
    tracking_number = models.CharField("about request", max_length=20, blank=True)

    class Meta:
        verbose_name = "email"
        verbose_name_plural = "sent mail"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="outgoing_email_created"),
            models.Index(fields=["status", "created_at"], name="outgoing_email_status"),
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due"),
        ]
        permissions = [("retry_outgoingemail", "Can retry a failed email")]

    def __str__(self) -> str:
        to = self.recipients or "recipients not known yet"
        return f"{self.event} to {to} ({self.get_status_display()})"
