"""The delivery's statements on its own row, written by hand (issue 9, ADR 14).

Each does what the ORM code it replaced did, in one statement and without compiling a query:
an email's delivery ran Django's query compiler about ten times, more of the worker's CPU than
building and sending the message. ``tests/outbox/test_statements.py`` holds each equal to the
ORM's answer (the ORM's versions are kept there, and for ``claim_queued``, in ``delivery``, for
the cases it leaves).

The row locks are PostgreSQL's (``FOR UPDATE``); on SQLite, the development default, which has
none and locks the whole database while it writes, they are left out, as the ORM leaves them.
"""

from functools import cache

from django.db import connection

from .models import OutgoingEmail

Status = OutgoingEmail.Status
_params_field = OutgoingEmail._meta.get_field("params")

# The usual claim: a queued email that follows none, or one already sent, and that no other
# transaction holds (one holding it is claiming or sending it: skipped, as the ORM's
# SELECT ... FOR UPDATE SKIP LOCKED skipped it). Alone, in autocommit, it commits at once.
_CLAIM = """
UPDATE {table} SET status = %s, attempts = attempts + 1, last_attempt_at = %s,
    next_attempt_at = NULL
WHERE id = (SELECT email.id FROM {table} email
    WHERE email.id = %s AND email.status = %s
    AND (email.follows_id IS NULL OR EXISTS (SELECT 1 FROM {table} leader
        WHERE leader.id = email.follows_id AND leader.status = %s))
    {lock})
RETURNING attempts
"""

# The send's lock, waiting for another worker's claim if one holds the row that instant; the
# row only if this attempt still owns it. With it: whether emails wait to follow it.
_LOCK = """
SELECT email.event, email.params, EXISTS (SELECT 1 FROM {table} follower
    WHERE follower.follows_id = email.id AND follower.status = %s)
FROM {table} email
WHERE email.id = %s AND email.status = %s AND email.attempts = %s
{lock}
"""

# next_attempt_at is not written: the claim set it to NULL, and nothing sets it while the
# attempt owns the row (its failure record, which does, never runs after this).
_SENT = """
UPDATE {table} SET status = %s, last_error = '', sent_at = %s, recipients = %s, subject = %s,
    user_label = %s, tracking_number = %s
WHERE id = %s
"""


@cache
def _statement(template: str, lock: str, vendor: str) -> str:
    """``template`` for this database: the table's name quoted, the lock clause where it has row
    locks (``vendor`` keys the cache). Only a quoted name goes in; every value is a parameter."""
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    lock = lock if connection.features.has_select_for_update_of else ""
    statement = template.format(table=table, lock=lock)
    return " ".join(statement.split())  # on one line in logs; no value is written in it


def claim_queued(email_id: int, *, now) -> int | None:
    """The attempt's number once a queued email is claimed (``sending``, attempts + 1); None
    when it is not the usual case (``delivery._claim`` then decides, reading the row locked)."""
    with connection.cursor() as cursor:
        claim = _statement(_CLAIM, "FOR UPDATE OF email SKIP LOCKED", connection.vendor)
        now = connection.ops.adapt_datetimefield_value(now)  # as the ORM stores it (SQLite)
        cursor.execute(claim, [Status.SENDING, now, email_id, Status.QUEUED, Status.SENT])
        row = cursor.fetchone()
    return None if row is None else row[0]


def lock_for_send(email_id: int, attempt: int) -> tuple[str, dict, bool] | None:
    """(event, params, whether queued emails follow it), the row locked until the transaction
    ends; None if the email is no longer this attempt's (taken over, finished, gone)."""
    with connection.cursor() as cursor:
        lock = _statement(_LOCK, "FOR UPDATE OF email", connection.vendor)
        cursor.execute(lock, [Status.QUEUED, email_id, Status.SENDING, attempt])
        row = cursor.fetchone()
    if row is None:
        return None
    event, params, has_followers = row
    return event, _params_field.from_db_value(params, None, connection), has_followers


def mark_sent(
    email_id: int, *, sent_at, recipients: str, subject: str, user_label: str, tracking_number: str
) -> None:
    sent_at = connection.ops.adapt_datetimefield_value(sent_at)
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(_SENT, "", connection.vendor),
            [Status.SENT, sent_at, recipients, subject, user_label, tracking_number, email_id],
        )
