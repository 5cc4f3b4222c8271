"""Deciding to send an email, handing it to Celery, and the help desk's retry (ADR 14).

``email_enqueue`` writes the row in the caller's transaction: the email exists if and only if
the change that causes it commits. After commit (in a request, once its response is sent:
``handoff``) it is handed to Celery (``outgoing_email_dispatch``), which never blocks or fails the
page: with the broker down the row stays queued and the periodic redispatch
(``delivery.outgoing_emails_redispatch``) sends it later.
"""

import logging
import re
from collections.abc import Sequence
from functools import cache, partial
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Model, signals
from django.utils import timezone

from iacs_portal.audit.services import audit_record
from iacs_portal.compiled_writes import insert, inserting, prepared_values, send_save_signal

from .handoff import after_response
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


class EmailToQueue(NamedTuple):
    """One email for ``emails_enqueue``: what ``email_enqueue`` takes, without ``follows``."""

    event: str
    params: dict
    to: list[str] | None = None


def _queued_row(
    *, event: str, params: dict, to: list[str] | None, follows: OutgoingEmail | None = None
) -> OutgoingEmail:
    """The unsaved row of an email decided now; an unknown event or a refused param raises."""
    builder_for(event)  # an unknown event fails here, in the caller's transaction
    if refusal := _params_refusal(params):
        raise ValueError(f"Email {event!r}: {refusal}.")
    return OutgoingEmail(
        event=event,
        params=params,
        recipients=", ".join(to or []),
        follows=follows,
        status=OutgoingEmail.Status.QUEUED,
        next_attempt_at=timezone.now(),
    )


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
    email = _queued_row(event=event, params=params, to=to, follows=follows)
    # save(force_insert=True), its INSERT written once (compiled_writes), not compiled each time
    insert([email], using=router.db_for_write(OutgoingEmail), signals_sent=True)
    if follows is None or follows.status not in OutgoingEmail.UNSENT:
        _dispatch_on_commit([email.pk])
    return email


def email_enqueue_about(
    instance: Model, *, event: str, param: str, to: list[str] | None = None
) -> OutgoingEmail:
    """Insert ``instance``, a new row, as its ``save()`` would, and decide to send ``event``
    about it, with its id as the email's parameter ``param``: ``email_enqueue`` after the
    INSERT, on PostgreSQL in the same statement (the row's INSERT a ``WITH`` part, ADR 23), one
    round trip fewer. The email is handed to Celery on commit, as ``email_enqueue``'s."""
    using = router.db_for_write(OutgoingEmail)
    connection = connections[using]
    if connection.vendor != "postgresql" or router.db_for_write(type(instance)) != using:
        insert([instance], using=router.db_for_write(type(instance)), signals_sent=True)
        return email_enqueue(event=event, params={param: instance.pk}, to=to)
    email = _queued_row(event=event, params={param: 0}, to=to)  # refused as the id would be
    email.params = {}  # the id is added by the statement
    fields = [f for f in OutgoingEmail._meta.local_concrete_fields if not f.primary_key]
    values = prepared_values(email, fields, add=True, connection=connection)
    send_save_signal(signals.pre_save, email, using, update_fields=None)
    at = [field.name for field in fields].index("params") + 1  # the name goes after the params
    with inserting(instance, using=using) as (made, made_params), connection.cursor() as cursor:
        made_pk = type(instance)._meta.pk.column
        sql = _about_sql(made, made_pk, tuple(field.name for field in fields), using)
        cursor.execute(sql, [*made_params, *values[:at], param, *values[at:]])
        email.pk, instance.pk = cursor.fetchone()
    email.params = {param: instance.pk}
    email._state.adding, email._state.db = False, using
    send_save_signal(signals.post_save, email, using, created=True, update_fields=None)
    _dispatch_on_commit([email.pk])
    return email


@cache
def _about_sql(made: str, made_pk: str, names: tuple[str, ...], using: str) -> str:
    """``made`` (an INSERT returning its row's ``made_pk``) in a ``WITH``, then the email's
    INSERT, its params with that id added under a name (a parameter), returning both ids. Only
    quoted names go into the text."""
    quote, meta = connections[using].ops.quote_name, OutgoingEmail._meta
    columns = [quote(meta.get_field(name).column) for name in names]
    made_id = f"{quote('made')}.{quote(made_pk)}"
    values = [
        f"(%s || jsonb_build_object(%s::text, {made_id}))" if name == "params" else "%s"
        for name in names
    ]
    return (
        f"WITH {quote('made')} AS ({made})"  # noqa: S608  # nosec B608
        f" INSERT INTO {quote(meta.db_table)} ({', '.join(columns)})"
        f" SELECT {', '.join(values)} FROM {quote('made')}"
        f" RETURNING {quote(meta.pk.column)}, (SELECT {made_id} FROM {quote('made')})"
    )


def emails_enqueue(*, emails: Sequence[EmailToQueue]) -> list[OutgoingEmail]:
    """Decide to send several emails at once: ``email_enqueue`` for each, in fewer round trips.

    The rows are written in one INSERT (as ``bulk_create``, its text written once for each
    number of rows: ``compiled_writes``), and handed to Celery on commit in one message
    (``outgoing_emails_dispatch``): one publish instead of one an email. Each email is still
    delivered, retried and failed on its own.
    """
    rows = [_queued_row(event=e.event, params=e.params, to=e.to) for e in emails]
    if not rows:
        return []
    insert(rows, using=router.db_for_write(OutgoingEmail))  # one by one on an SQLite < 3.35
    _dispatch_on_commit([row.pk for row in rows])
    return rows


def _dispatch_on_commit(email_ids: list[int]) -> None:
    """Hand the emails to Celery once the transaction commits, and, in a request, once its
    response is sent (``handoff``): the page never waits on the broker."""
    dispatch = partial(outgoing_emails_dispatch, email_ids=email_ids)
    transaction.on_commit(partial(after_response, dispatch))


def _publish(task, argument: int | list[int], *, countdown: float | None = None) -> bool:
    """Hand ``task`` (its one argument: an email's id, or a list of them) to Celery; see below."""
    if task.app.conf.task_always_eager:
        if countdown:
            return False
        task.apply_async(args=[argument])
        return True
    try:
        task.apply_async(args=[argument], countdown=countdown, retry=False)
    except Exception as error:  # the broker is down or refuses: the rows wait for the redispatch
        logger.warning(
            "Email %s could not be handed to Celery (%s); it stays queued for the redispatch.",
            argument,
            error_without_secrets(error),
        )
        return False
    return True


def outgoing_email_dispatch(*, email_id: int, countdown: float | None = None) -> bool:
    """Hand the email to Celery now (or in ``countdown`` seconds); False if it could not be.

    It never raises for the broker and returns at once when the broker is down (the settings
    turn publish retries off): the row stays queued and the redispatch sends it. With
    ``CELERY_TASK_ALWAYS_EAGER`` (development, tests) the email is delivered here, now; a
    delayed retry then waits for the redispatch.
    """
    from .tasks import outgoing_email_deliver

    return _publish(outgoing_email_deliver, email_id, countdown=countdown)


def outgoing_emails_dispatch(*, email_ids: list[int]) -> bool:
    """Hand several emails to Celery in one message (``outgoing_email_dispatch`` for each).

    One task delivers them one after the other (``tasks.outgoing_emails_deliver``); should the
    publish fail, every one of them stays queued for the redispatch.
    """
    if len(email_ids) == 1:
        return outgoing_email_dispatch(email_id=email_ids[0])
    from .tasks import outgoing_emails_deliver

    return _publish(outgoing_emails_deliver, email_ids)


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
        _dispatch_on_commit([locked.pk])
    email.refresh_from_db()
    return email
