"""Delivering a queued email at most once, and retrying until it goes or the limit is reached.

``outgoing_email_deliver`` is what the Celery task runs (ADR 14). Three short transactions:

1. *Claim*: lock the row, skipping it if another worker holds it (that one is sending it).
   Nothing to do if it is sent or failed, if the email it follows is not sent yet (it is
   dispatched again when that one is), or if it is ``sending`` since less than
   ``OUTBOX_SENDING_TIMEOUT`` (a worker is between two of these steps). Otherwise mark it
   ``sending`` and count the attempt, and commit: an attempt that never finishes (a worker
   killed) still counts, so an email that kills its worker every time ends ``failed`` instead
   of looping.
2. *Send*: lock the row again (waiting, if need be, for another worker's claim to see it is
   taken) and check the claim is still ours; build the message (a builder
   that makes a secret stores its hash here), hand it to the mail backend, mark it ``sent``,
   commit. The row stays locked while it is sent, so a second delivery of the same task skips
   it. If the worker dies here the database rolls all of it back, the new secret's hash
   included, and the row is left ``sending``: once ``OUTBOX_SENDING_TIMEOUT`` has passed the
   redispatch starts a new attempt, with a new secret.
3. *Failure*: the send transaction rolled back; the attempt's error (without secrets) is
   recorded in a transaction of its own, and the row goes back to ``queued`` with a backoff of
   ``OUTBOX_RETRY_BACKOFF * 2 ** (attempt - 1)``, or to ``failed`` after
   ``OUTBOX_MAX_ATTEMPTS``.

The only duplicate left is the one no database can prevent: the mail server accepted the
message and the worker died before step 2 committed. The next attempt then sends it again (for
a secret-bearing email, with a new secret; the first one never became valid).

The usual claim (a queued email, held by nobody, following nothing unsent), the send's lock
and the sent mark are statements written by hand (``statements``, issue 9): the claim one
UPDATE committed alone, instead of BEGIN, a locking read, the UPDATE and COMMIT.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import statements
from .models import OutgoingEmail
from .registry import EmailCancelled, builder_for
from .rendering import about, error_without_secrets, render_message, send_message
from .services import outgoing_email_dispatch

logger = logging.getLogger(__name__)

SENT = "sent"
RETRY = "retry"  # failed this time, queued again
FAILED = "failed"  # failed for good (the limit, or it must not go any more)
SKIPPED = "skipped"  # nothing to do: sent, failed, locked by another worker, or still waiting

REDISPATCH_BATCH = 1000
Status = OutgoingEmail.Status


def _after_failed_leader(leader: OutgoingEmail) -> str:
    return (
        f"Not sent: it is sent after email {leader.pk} ({leader.event}), which failed. Retry "
        "that one, and this one follows it."
    )


def _one(by_pk):
    """The row of a query by primary key, or None: unordered, where ``first()`` would compile
    and run an ORDER BY for the one row."""
    return next(iter(by_pk.order_by()[:1]), None)


def _claim(email_id: int) -> int | None:
    """Step 1: the attempt's number, or None when there is nothing to do now.

    The usual case (queued, following nothing unsent, held by nobody) is one UPDATE
    (``statements.claim_queued``); every other case is decided here on the row read locked.
    """
    attempt = statements.claim_queued(email_id, now=timezone.now())
    return attempt if attempt is not None else _claim_locked(email_id)


def _claim_locked(email_id: int) -> int | None:
    """Step 1 decided on the row read locked: every case, the unusual ones included."""
    with transaction.atomic():
        # None if another worker holds the row (it is sending it), or if it is gone.
        email = _one(OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id))
        if email is None or email.status not in OutgoingEmail.UNSENT:
            return None
        leader = email.follows
        if leader is not None and leader.status != Status.SENT:
            if leader.status == Status.FAILED:
                _finish(email, status=Status.FAILED, last_error=_after_failed_leader(leader))
            return None
        if email.status == Status.SENDING:
            started = email.last_attempt_at
            if started and started > timezone.now() - settings.OUTBOX_SENDING_TIMEOUT:
                return None  # its worker is between two steps (or just died: the redispatch)
            # Unlocked and old: the worker of that attempt is gone, and its lock with it.
            email.last_error = f"Attempt {email.attempts} did not finish (the worker stopped)."
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                _finish(email, status=Status.FAILED, last_error=email.last_error)
                return None
        email.status = Status.SENDING
        email.attempts += 1
        email.last_attempt_at = timezone.now()
        email.next_attempt_at = None
        email.save(
            update_fields=["status", "attempts", "last_attempt_at", "next_attempt_at", "last_error"]
        )
        return email.attempts


def _finish(email: OutgoingEmail, *, status: str, last_error: str, **fields) -> None:
    email.status, email.last_error, email.next_attempt_at = status, last_error, None
    for name, value in fields.items():
        setattr(email, name, value)
    email.save(update_fields=["status", "last_error", "next_attempt_at", *fields])


def _send(email_id: int, attempt: int, known: dict) -> bool:
    """Step 2: True once sent; False if another worker took the email over meanwhile.

    ``known`` collects what the failure record may keep (recipients, subject, what it is
    about, the context to scrub from the error).
    """
    with transaction.atomic():
        # Waits, if need be, for another worker's claim to see the row is ours and let go.
        locked = statements.lock_for_send(email_id, attempt)
        if locked is None:
            return False
        event, params, has_followers = locked
        to, context = builder_for(event)(params)
        known["context"] = context
        known["recipients"] = ", ".join(to)
        known["user_label"], known["tracking_number"] = about(context)
        if not to:
            raise EmailCancelled("Not sent: there is nobody to send it to.")
        message = render_message(event=event, to=to, context=context)
        known["subject"] = message.subject[:255]
        send_message(message)
        statements.mark_sent(
            email_id,
            sent_at=timezone.now(),
            recipients=known["recipients"],
            subject=known["subject"],
            user_label=known["user_label"],
            tracking_number=known["tracking_number"],
        )
        if has_followers:  # read with the row: most emails have none to hand over
            followers = OutgoingEmail.objects.filter(follows=email_id, status=Status.QUEUED)
            for follower in followers.values_list("pk", flat=True):
                transaction.on_commit(partial(outgoing_email_dispatch, email_id=follower))
    return True


def _record_failure(email_id: int, attempt: int, *, error: str, final: bool, known: dict) -> bool:
    """Step 3: True if the email is queued again, False if it failed for good (or is not ours)."""
    with transaction.atomic():
        email = _one(OutgoingEmail.objects.select_for_update().filter(pk=email_id))
        if email is None or email.status != Status.SENDING or email.attempts != attempt:
            return False
        final = final or attempt >= settings.OUTBOX_MAX_ATTEMPTS
        fields = {k: v for k, v in known.items() if k != "context" and v}
        if final:
            _finish(email, status=Status.FAILED, last_error=error, **fields)
            email.followers.filter(status=Status.QUEUED).update(
                status=Status.FAILED, last_error=_after_failed_leader(email)
            )
        else:
            _finish(email, status=Status.QUEUED, last_error=error, **fields)
            email.next_attempt_at = timezone.now() + retry_delay(attempt)
            email.save(update_fields=["next_attempt_at"])
    logger.warning(
        "Email %s (%s) attempt %s failed%s: %s",
        email_id,
        email.event,
        attempt,
        "; giving up" if final else f"; next attempt at {email.next_attempt_at:%H:%M:%S}",
        error,
    )
    return not final


def retry_delay(attempt: int):
    """How long after failed attempt number ``attempt`` the next one starts."""
    return settings.OUTBOX_RETRY_BACKOFF * 2 ** (attempt - 1)


def outgoing_email_deliver(*, email_id: int) -> str:
    """Send the email if it is due to be sent and nobody else is sending it; see the module."""
    attempt = _claim(email_id)
    if attempt is None:
        return SKIPPED
    known: dict = {}
    try:
        sent = _send(email_id, attempt, known)
    except EmailCancelled as cancelled:
        _record_failure(email_id, attempt, error=str(cancelled), final=True, known=known)
        return FAILED
    except ObjectDoesNotExist as error:  # what the email is about was deleted: it never will be
        error_text = f"Not sent: what it is about no longer exists ({type(error).__name__})."
        _record_failure(email_id, attempt, error=error_text, final=True, known=known)
        return FAILED
    except Exception as error:
        error_text = error_without_secrets(error, known.get("context"))
        if not _record_failure(email_id, attempt, error=error_text, final=False, known=known):
            return FAILED
        outgoing_email_dispatch(email_id=email_id, countdown=retry_delay(attempt).total_seconds())
        return RETRY
    return SENT if sent else SKIPPED


def outgoing_emails_redispatch(*, now=None) -> list[int]:
    """Hand to Celery again what should have been sent by now; return the ids.

    - queued and overdue by ``OUTBOX_REDISPATCH_AFTER`` (its task was lost: the broker was
      down, or a worker died holding it), unless it waits for an email not yet sent;
    - sending for longer than ``OUTBOX_SENDING_TIMEOUT`` (the worker died mid-send; its row
      lock went with its database connection).

    Handing one over twice is harmless: the deliver task's lock and status checks skip it.
    """
    now = now or timezone.now()
    overdue = Q(
        status=Status.QUEUED, next_attempt_at__lte=now - settings.OUTBOX_REDISPATCH_AFTER
    ) & ~Q(follows__status__in=OutgoingEmail.UNSENT)
    stuck = Q(status=Status.SENDING, last_attempt_at__lte=now - settings.OUTBOX_SENDING_TIMEOUT)
    ids = list(
        OutgoingEmail.objects.filter(overdue | stuck)
        .order_by("pk")
        .values_list("pk", flat=True)[:REDISPATCH_BATCH]
    )
    for email_id in ids:
        outgoing_email_dispatch(email_id=email_id)
    return ids
