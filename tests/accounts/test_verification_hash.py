"""ADR 19: the verification code is stored as an HMAC bound to its row, not a password hash."""

from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import EmailVerification
from accounts.verification import (
    _ISSUED,
    CODE_HASH_PREFIX,
    CheckResult,
    _update_as_read,
    code_hash,
    email_verification_check,
    email_verification_issue_code,
)

pytestmark = pytest.mark.django_db

EMAIL = "barbara@example.org"


def issued() -> tuple[EmailVerification, str]:
    verification = EmailVerification.objects.create(email=EMAIL)
    return email_verification_issue_code(verification_id=verification.pk)


def check(verification: EmailVerification, code: str) -> CheckResult:
    return email_verification_check(verification=verification, code=code)


def test_code_is_stored_as_a_keyed_hash_and_checked_without_a_password_hasher():
    verification, code = issued()
    assert verification.code_hash.startswith(CODE_HASH_PREFIX)
    assert code not in verification.code_hash
    with mock.patch("accounts.verification.check_password", side_effect=AssertionError):
        assert check(verification, code) is CheckResult.VERIFIED


def test_a_hash_is_bound_to_its_row():
    first, code = issued()
    second, _ = issued()
    EmailVerification.objects.filter(pk=second.pk).update(code_hash=first.code_hash)
    assert check(second, code) is CheckResult.WRONG
    assert check(first, code) is CheckResult.VERIFIED


def test_the_same_code_hashes_differently_under_another_secret_key(settings):
    verification, code = issued()
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert check(verification, code) is CheckResult.WRONG


def test_a_code_issued_before_a_key_rotation_verifies_through_the_fallback(settings):
    verification, code = issued()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-" + "x" * 40
    assert check(verification, code) is CheckResult.VERIFIED


def test_a_code_hashed_by_the_earlier_argon2_scheme_still_verifies():
    verification, code = issued()
    EmailVerification.objects.filter(pk=verification.pk).update(code_hash=make_password(code))
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert check(verification, wrong) is CheckResult.WRONG
    assert check(verification, code) is CheckResult.VERIFIED


def test_issuing_a_code_writes_its_hash_and_reads_the_address_in_one_statement():
    verification = EmailVerification.objects.create(email=EMAIL)
    with CaptureQueriesContext(connection) as captured:
        issued_row, code = email_verification_issue_code(verification_id=verification.pk)
    [update] = (query["sql"] for query in captured.captured_queries)
    assert update.startswith('UPDATE "accounts_emailverification"')  # it locks the row
    assert update.endswith("RETURNING email")
    verification.refresh_from_db()
    assert (issued_row.email, issued_row.code_hash) == (EMAIL, verification.code_hash)
    assert code not in verification.code_hash and verification.failed_attempts == 0
    assert check(issued_row, code) is CheckResult.VERIFIED


def test_issuing_a_code_writes_and_answers_as_the_orms_update_and_read():
    by_orm, by_statement = (EmailVerification.objects.create(email=EMAIL) for _ in range(2))
    now = timezone.now()
    with (
        mock.patch("accounts.verification.secrets.randbelow", return_value=42),
        time_machine.travel(now, tick=False),
    ):
        issued_row, code = email_verification_issue_code(verification_id=by_statement.pk)
    EmailVerification.objects.filter(pk=by_orm.pk).update(
        code_hash=code_hash(by_orm.pk, code),
        sent_at=now,
        expires_at=now + settings.EMAIL_VERIFICATION_CODE_TTL,
        failed_attempts=0,
    )
    read = EmailVerification.objects.only("email").get(pk=by_statement.pk)

    assert code == "000042"
    written = EmailVerification.objects.filter(pk__in=[by_orm.pk, by_statement.pk]).order_by("pk")
    fields = ["email", "sent_at", "expires_at", "failed_attempts", "verified_at", "user_id"]
    assert len({tuple(row) for row in written.values_list(*fields)}) == 1  # the same rows
    assert issued_row.code_hash == code_hash(by_statement.pk, code) == written[1].code_hash
    assert EmailVerification.objects.filter(  # found by its times, as the ORM writes them
        pk=by_statement.pk, sent_at=now, expires_at=issued_row.expires_at
    ).exists()
    assert (issued_row.pk, issued_row.email) == (read.pk, read.email)
    assert issued_row.get_deferred_fields() == read.get_deferred_fields() - set(_ISSUED)


def test_issuing_a_code_for_a_verification_gone_fails_as_the_row_missing():
    with pytest.raises(EmailVerification.DoesNotExist):  # delivery: "no longer exists", final
        email_verification_issue_code(verification_id=0)


# What may have happened to the row between the step's read and its check (ADR 19, amended).
MEANWHILE = {
    "nothing": {},
    "a resend": {"code_hash": "", "sent_at": None, "expires_at": None, "failed_attempts": 0},
    "a new code": {"code_hash": CODE_HASH_PREFIX + "new", "expires_at": "later"},
    "a wrong try": {"failed_attempts": 2},
    "verified": {"verified_at": "now", "code_hash": ""},
}
OUTCOMES = {"verified": {"verified_at": "now", "code_hash": ""}, "wrong": {"failed_attempts": 2}}


@pytest.mark.parametrize("meanwhile", MEANWHILE)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_checks_compare_and_set_writes_and_answers_as_the_orms_update(meanwhile, outcome):
    now = timezone.now()
    times = {"now": now, "later": now + 2 * settings.EMAIL_VERIFICATION_CODE_TTL}
    twins = [EmailVerification.objects.create(email=EMAIL) for _ in range(2)]
    pks = [twin.pk for twin in twins]
    EmailVerification.objects.filter(pk__in=pks).update(  # the same row twice but for the id
        code_hash=CODE_HASH_PREFIX + "issued",
        sent_at=now,
        expires_at=now + settings.EMAIL_VERIFICATION_CODE_TTL,
        failed_attempts=1,
        created_at=now,
    )
    by_orm, by_statement = EmailVerification.objects.filter(pk__in=pks).order_by("pk")  # as read
    changes = {name: times.get(value, value) for name, value in MEANWHILE[meanwhile].items()}
    EmailVerification.objects.filter(pk__in=pks).update(**changes)
    fields = {name: times.get(value, value) for name, value in OUTCOMES[outcome].items()}

    orm_written = EmailVerification.objects.filter(
        pk=by_orm.pk,
        code_hash=by_orm.code_hash,
        expires_at=by_orm.expires_at,
        failed_attempts=by_orm.failed_attempts,
        verified_at__isnull=True,
    ).update(**fields)
    with CaptureQueriesContext(connection) as captured:
        written = _update_as_read(by_statement, **fields)

    assert written == orm_written == (meanwhile == "nothing")
    assert len(captured) == 1
    columns = [field.attname for field in EmailVerification._meta.concrete_fields][1:]
    rows = EmailVerification.objects.filter(pk__in=pks).order_by("pk").values_list(*columns)
    assert rows[0] == rows[1]  # the same row written, times included as the ORM stores them
    if written:  # found by the values written, as the ORM compares them
        assert EmailVerification.objects.filter(pk=by_statement.pk, **fields).exists()
