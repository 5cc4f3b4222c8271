"""Deciding to send an email, handing it to Celery, and the help desk's retry (ADR 14).

``email_enqueue`` writes the row in the caller's transaction: the email exists if and only if
the change that causes it commits. After commit it is handed to Celery
(``outgoing_email_dispatch``), which never blocks or fails the page: with the broker down the row
stays queued and the periodic redispatch (``delivery.outgoing_emails_redispatch``) sends it later.
"""

import logging
import re
from functools import partial

from django.db import transaction
from django.utils import timezone

from iacs_portal.audit.services import audit_record

from .models import OutgoingEmail
from .registry import BUILDERS, builder_for
from .rendering import error_without_secrets

logger = logging.getLogger(__name__)

# params hold ids and plain words, never a secret nor free text (which could be personal data).
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_WORD = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SECRET_NAMES = re.compile(r"pass|code|token|secret|key|link|otp|ssn|answer")
LIST_MAX = 100


def _params_refusal(params) -> str:
    if not isinstance(params, dict):
        return "params must be a dict"
    for name, value in params.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            return f"{name!r} is not a plain parameter name"
        if _SECRET_NAMES.search(name):
            return f"{name!r} names a secret: make secrets in the email's builder"
        if isinstance(value, bool | int):
            continue
        if isinstance(value, str) and _WORD.fullmatch(value):
            continue
        if (
            isinstance(value, list)
            and len(value) <= LIST_MAX
            and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
        ):
            continue
        return f"{name!r} must be an int, a bool, a short lower-case word or a list of ints"
    return ""


def email_enqueue(
    *,
    event: str,
    params: dict,
    to: list[str] | None = None,
    follows: OutgoingEmail | None = None,
) -> OutgoingEmail:
    """Decide to send ``event``: a queued row in the caller's transaction, dispatched on commit.

    ``params`` are what the event's builder needs (ids, plain words); ``to`` the recipients as
    the caller knows them, shown to the help desk until the builder says whom it went to.
    ``follows``: send only after that email is sent (the User ID before the password). Such an
    email is handed to Celery when that one is sent (``delivery``), not on this commit, where its
    task could only find it waiting; should that one be sent meanwhile, the redispatch sends it.
    """
    builder_for(event)  # an unknown event fails here, in the caller's transaction
    if refusal := _params_refusal(params):
        raise ValueError(f"Email {event!r}: {refusal}.")
    email = OutgoingEmail.objects.create(
        event=event,
        params=params,
        recipients=", ".join(to or []),
        follows=follows,
        status=OutgoingEmail.Status.QUEUED,
        next_attempt_at=timezone.now(),
    )
    if follows is None or follows.status not in OutgoingEmail.UNSENT:
        transaction.on_commit(partial(outgoing_email_dispatch, email_id=email.pk))
    return email


def outgoing_email_dispatch(*, email_id: int, countdown: float | None = None) -> bool:
    """Hand the email to Celery now (or in ``countdown`` seconds); False if it could not be.

    It never raises for the broker and returns at once when the broker is down (the settings
    turn publish retries off): the row stays queued and the redispatch sends it. With
    ``CELERY_TASK_ALWAYS_EAGER`` (development, tests) the email is delivered here, now; a
    delayed retry then waits for the redispatch.
    """
    from .tasks import outgoing_email_deliver

    if outgoing_email_deliver.app.conf.task_always_eager:
        if countdown:
            return False
        outgoing_email_deliver.apply_async(args=[email_id])
        return True
    try:
        outgoing_email_deliver.apply_async(args=[email_id], countdown=countdown, retry=False)
    except Exception as error:  # the broker is down or refuses: the row waits for the redispatch
        logger.warning(
            "Email %s could not be handed to Celery (%s); it stays queued for the redispatch.",
            email_id,
            error_without_secrets(error),
        )
        return False
    return True


# The help desk's retry


class RetryRefused(Exception):
    """The email cannot be retried now; the message says why, to the staff member."""


def retry_refusal(email: OutgoingEmail) -> str:
    """Why the help desk cannot retry ``email`` now, or "" if it can."""
    if email.status != OutgoingEmail.Status.FAILED:
        return (
            f"Only an email that failed can be retried: this one is "
            f"{email.get_status_display().lower()}."
        )
    if not email.params or email.event not in BUILDERS:
        return (
            "This email was recorded before the portal kept what to send, so it cannot be "
            "retried here: use the action on the person's account or request instead."
        )
    leader = email.follows
    if leader is not None and leader.status == OutgoingEmail.Status.FAILED:
        return (
            f"It is sent after email {leader.pk} ({leader.event}), which failed: retry that "
            "one, and this one follows it."
        )
    return ""


def _requeue(emails, now) -> None:
    OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=now
    )


def outgoing_email_retry(*, email: OutgoingEmail, by, reason: str) -> OutgoingEmail:
    """Queue a failed email again, with a fresh set of attempts, and the emails that wait for it.

    The message is built again: a temporary password or code in it is a new one (ADR 3).
    Audited with the staff member and the reason.
    """
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if refusal := retry_refusal(locked):
            raise RetryRefused(refusal)
        waiting = list(locked.followers.filter(status=OutgoingEmail.Status.FAILED))
        _requeue([locked, *waiting], timezone.now())
        audit_record(
            action="email.retried",
            target=locked,
            actor=by,
            from_state=OutgoingEmail.Status.FAILED,
            to_state=OutgoingEmail.Status.QUEUED,
            reason=reason,
        )
        transaction.on_commit(partial(outgoing_email_dispatch, email_id=locked.pk))
    email.refresh_from_db()
    return email
