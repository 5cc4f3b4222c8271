"""Email address verification: SPEC 4.8 and the numbers of SPEC 9.

A code is valid for ``EMAIL_VERIFICATION_CODE_TTL`` from the moment it is sent, accepts at most
``EMAIL_VERIFICATION_MAX_ATTEMPTS`` wrong tries, and a resent code replaces the old one.

The code is stored as a keyed hash (ADR 19): HMAC-SHA256 under a key derived from
``SECRET_KEY`` and bound to the verification's id, so a code's hash is useless for any other
row and cannot be brute-forced from the database alone. ``SECRET_KEY_FALLBACKS`` are tried
too, so a key rotation does not void the codes outstanding. Rows hashed by the earlier Argon2
scheme still verify, through Django's password hashers, until they expire.
"""

import enum
import functools
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from iacs_portal.field_values import values_for_save
from iacs_portal.outbox.services import email_enqueue, email_enqueue_about

from .models import EmailVerification


class CheckResult(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


CODE_HASH_PREFIX = "hmac-sha256$"
_KEY_SALT = "accounts.verification.EmailVerification.code"


def _code_digest(verification_id: int, code: str, secret: str) -> str:
    return salted_hmac(
        _KEY_SALT, f"{verification_id}:{code}", secret=secret, algorithm="sha256"
    ).hexdigest()


def code_hash(verification_id: int, code: str) -> str:
    """The stored form of ``code`` for the verification ``verification_id``."""
    return CODE_HASH_PREFIX + _code_digest(verification_id, code, settings.SECRET_KEY)


def code_matches(verification_id: int, code: str, stored: str) -> bool:
    """Whether ``code`` is the one whose hash is ``stored``, under any current or fallback key."""
    if not stored:
        return False
    if not stored.startswith(CODE_HASH_PREFIX):
        return check_password(code, stored)  # a code issued before ADR 19 (Argon2)
    digest = stored.removeprefix(CODE_HASH_PREFIX)
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Every key is tried, so the time taken does not tell which one matched.
    results = [
        constant_time_compare(_code_digest(verification_id, code, secret), digest)
        for secret in secrets_
    ]
    return any(results)


def _schedule_code_email(verification: EmailVerification) -> None:
    """The code is made by the email's builder, when it is sent (accounts/emails.py)."""
    email_enqueue(
        event="email_verification",
        to=[verification.email],
        params={"verification_id": verification.pk},
    )


def email_verification_start(*, email: str) -> EmailVerification:
    # create() and the code's email in one statement (outbox email_enqueue_about): the wizard's
    # user information step, an email change in My Profile.
    verification = EmailVerification(email=email)
    email_enqueue_about(
        verification, event="email_verification", param="verification_id", to=[email]
    )
    return verification


def email_verification_resend(*, verification: EmailVerification) -> None:
    """Invalidate the current code at once; a new one is generated and mailed by the task."""
    EmailVerification.objects.filter(pk=verification.pk).update(
        code_hash="", sent_at=None, expires_at=None, failed_attempts=0
    )
    _schedule_code_email(verification)


# The new code's hash written and the address read in one statement; the UPDATE locks the row
# as SELECT ... FOR UPDATE did. Written by hand: Django's update() returns no column.
_ISSUE_CODE = (
    "UPDATE {table} SET code_hash = %s, sent_at = %s, expires_at = %s, failed_attempts = %s"
    " WHERE id = %s RETURNING email"
)
_ISSUED = ("code_hash", "sent_at", "expires_at", "failed_attempts")  # in its SET's order


def email_verification_issue_code(*, verification_id: int) -> tuple[EmailVerification, str]:
    """Generate, store (hashed) and return a fresh code. Only the email's builder calls this.

    The verification comes back as ``only("email")`` would read it, with the new fields set.
    """
    digits = settings.EMAIL_VERIFICATION_CODE_DIGITS
    code = f"{secrets.randbelow(10**digits):0{digits}d}"
    now = timezone.now()
    fields = {
        "code_hash": code_hash(verification_id, code),  # bound to the id: nothing to read first
        "sent_at": now,
        "expires_at": now + settings.EMAIL_VERIFICATION_CODE_TTL,
        "failed_attempts": 0,
    }
    # Each value as the ORM stores it (a datetime is text on SQLite); only a quoted name goes in.
    values = values_for_save(
        EmailVerification, {name: fields[name] for name in _ISSUED}, connection
    )
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(EmailVerification._meta.db_table)
        cursor.execute(_ISSUE_CODE.format(table=table), [*values, verification_id])
        row = cursor.fetchone()
    if row is None:
        raise EmailVerification.DoesNotExist(f"No email verification {verification_id}.")
    verification = EmailVerification.from_db(
        connection.alias, ["id", "email"], [verification_id, *row]
    )
    for name, value in fields.items():
        setattr(verification, name, value)
    return verification, code


def attempts_left(verification: EmailVerification) -> int:
    return max(settings.EMAIL_VERIFICATION_MAX_ATTEMPTS - verification.failed_attempts, 0)


def _decide(row: EmailVerification, code: str, write) -> CheckResult | None:
    """The check of ``code`` against ``row``, its outcome written by ``write(**fields)``, which
    says how many rows it changed: None when that is none (the row changed since it was read).
    """
    if row.is_verified:
        return CheckResult.VERIFIED
    if row.failed_attempts >= settings.EMAIL_VERIFICATION_MAX_ATTEMPTS:
        return CheckResult.LOCKED
    if row.expires_at is None or timezone.now() > row.expires_at:
        return CheckResult.EXPIRED
    if code_matches(row.pk, code, row.code_hash):
        fields, result = {"verified_at": timezone.now(), "code_hash": ""}, CheckResult.VERIFIED
    else:
        failed = row.failed_attempts + 1
        locked = failed >= settings.EMAIL_VERIFICATION_MAX_ATTEMPTS
        fields, result = (
            {"failed_attempts": failed},
            (CheckResult.LOCKED if locked else CheckResult.WRONG),
        )
    if not write(**fields):
        return None
    for name, value in fields.items():
        setattr(row, name, value)
    return result


# The check's compare-and-set: the outcome written only while the row is as the step read it.
# Written by hand (only quoted names go in): compiling the ORM's filtered update() cost more
# CPU than PostgreSQL's work for it. ``_AS_READ`` are compared with ``=``: the row is only ever
# written after it was read unverified and with an expiry (``_decide``).
_AS_READ = ("id", "code_hash", "expires_at", "failed_attempts")


@functools.cache
def _update_as_read_sql(names: tuple[str, ...], vendor: str) -> str:
    """The UPDATE setting ``names`` where the row is as read (``vendor`` keys the cache)."""
    meta, quote = EmailVerification._meta, connection.ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in (*names, *_AS_READ)}
    sets = ", ".join(f"{column[name]} = %s" for name in names)
    compared = " AND ".join(f"{column[name]} = %s" for name in _AS_READ)
    verified = quote(meta.get_field("verified_at").column)
    return (
        f"UPDATE {quote(meta.db_table)} SET {sets}"  # noqa: S608  # nosec B608
        f" WHERE {compared} AND {verified} IS NULL"
    )


def _update_as_read(verification: EmailVerification, **fields) -> int:
    """``fields`` written if the row is still as ``verification`` was read (and unverified),
    as ``EmailVerification.objects.filter(<those>).update(**fields)``: the rows written."""
    as_read = {name: getattr(verification, name) for name in _AS_READ}
    values = values_for_save(EmailVerification, fields, connection)
    # Each compared value prepared as the ORM's filter prepares it (the same, for these fields).
    compared = values_for_save(EmailVerification, as_read, connection)
    with connection.cursor() as cursor:
        cursor.execute(_update_as_read_sql(tuple(fields), connection.vendor), values + compared)
        return cursor.rowcount


def email_verification_check(*, verification: EmailVerification, code: str) -> CheckResult:
    """Check ``code`` against ``verification`` as the caller read it (with the draft, unlocked),
    its outcome written only if the row is still as read: one statement instead of a locking
    read and a write. A row changed meanwhile (a resend, another try) is read again, locked,
    and decided on as it is now: every wrong try counts once."""
    # No savepoint: nothing here is caught and carried on from, so inside a request's
    # transaction an error rolls all of it back anyway (two statements fewer per check).
    with transaction.atomic(savepoint=False):
        write = functools.partial(_update_as_read, verification)
        if (result := _decide(verification, code, write)) is not None:
            return result
        current = EmailVerification.objects.select_for_update().get(pk=verification.pk)
        result = _decide(current, code, EmailVerification.objects.filter(pk=current.pk).update)
        verification.failed_attempts = current.failed_attempts
        verification.verified_at, verification.code_hash = current.verified_at, current.code_hash
        return result
