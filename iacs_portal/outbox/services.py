"""Writing the mail record (``OutgoingEmail``): called by ``accounts.mail`` around each send.

An attempt is recorded before the message is handed to the mail backend, so a worker that dies
mid-send leaves a row in "sending" rather than nothing. Each write commits on its own when no
transaction is open (Celery tasks): the record is not rolled back with the caller's work.
"""

import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutgoingEmail

ERROR_MAX_LENGTH = 1000


def _message_key(*, task_id: str, event: str, recipients: str, about: tuple[str, str]) -> str:
    """The same message sent again by the same Celery task (a retry) has the same key."""
    parts = [task_id, event, recipients, *about]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def outgoing_email_attempt_start(
    *,
    event: str,
    to: list[str],
    task_id: str = "",
    user_label: str = "",
    tracking_number: str = "",
) -> OutgoingEmail:
    """One more attempt at a message: a new row, or the task's earlier row with attempts + 1."""
    now = timezone.now()
    recipients = ", ".join(to)
    fields = {
        "event": event,
        "recipients": recipients,
        "task_id": task_id,
        "user_label": user_label[:255],
        "tracking_number": tracking_number[:20],
        "status": OutgoingEmail.Status.SENDING,
        "attempts": 1,
        "last_attempt_at": now,
    }
    if not task_id:  # sent outside a Celery task: nothing can retry it as the same message
        return OutgoingEmail.objects.create(**fields)
    key = _message_key(
        task_id=task_id, event=event, recipients=recipients, about=(user_label, tracking_number)
    )
    with transaction.atomic():
        email, created = OutgoingEmail.objects.select_for_update().get_or_create(
            message_key=key, defaults=fields
        )
        if not created:
            OutgoingEmail.objects.filter(pk=email.pk).update(
                attempts=F("attempts") + 1, status=OutgoingEmail.Status.SENDING, last_attempt_at=now
            )
            email.refresh_from_db()
    return email


def outgoing_email_mark_sent(*, email: OutgoingEmail, subject: str) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT,
        subject=subject[:255],
        sent_at=timezone.now(),
        last_error="",
    )


def outgoing_email_mark_failed(*, email: OutgoingEmail, subject: str, error: str) -> None:
    """``error`` must already be free of secrets: ``accounts.mail`` scrubs the context out.

    ``subject`` is empty when the email could not even be rendered; an earlier attempt's
    subject is then kept.
    """
    fields = {"status": OutgoingEmail.Status.FAILED, "last_error": error[:ERROR_MAX_LENGTH]}
    if subject:
        fields["subject"] = subject[:255]
    OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
