from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import EmailVerification
from accounts.verification import (
    CheckResult,
    email_verification_check,
    email_verification_resend,
    email_verification_start,
)
from iacs_portal.outbox.models import OutgoingEmail
from tests.outbox.support import deliveries_published
from tests.registration import latest_code

pytestmark = pytest.mark.django_db(transaction=True)  # codes are mailed after commit

EMAIL = "barbara@example.org"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def started():
    verification = email_verification_start(email=EMAIL)
    verification.refresh_from_db()
    return verification, latest_code(EMAIL)


def test_code_email_has_the_guide_subject_and_a_six_digit_code(started):
    verification, code = started
    assert mail.outbox[-1].subject == "Email Address Verification"
    assert len(code) == 6 and code.isdigit()


def test_code_is_stored_only_as_a_hash(started):
    verification, code = started
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_emailverification")
        assert not any(code in str(value) for row in cursor.fetchall() for value in row)
    assert verification.code_hash and code not in verification.code_hash


def test_code_is_accepted_at_29_minutes_59_seconds(started):
    verification, code = started
    with time_machine.travel(verification.sent_at + timedelta(minutes=29, seconds=59)):
        assert (
            email_verification_check(verification=verification, code=code) is CheckResult.VERIFIED
        )


def test_code_is_refused_at_30_minutes_1_second(started):
    verification, code = started
    with time_machine.travel(verification.sent_at + timedelta(minutes=30, seconds=1)):
        assert email_verification_check(verification=verification, code=code) is CheckResult.EXPIRED


def test_lifetime_is_a_setting(settings):
    settings.EMAIL_VERIFICATION_CODE_TTL = timedelta(minutes=5)
    verification = email_verification_start(email=EMAIL)
    verification.refresh_from_db()
    with time_machine.travel(verification.sent_at + timedelta(minutes=5, seconds=1)):
        result = email_verification_check(verification=verification, code=latest_code(EMAIL))
    assert result is CheckResult.EXPIRED


def test_fifth_wrong_code_locks_and_sixth_try_is_refused_even_if_right(started):
    verification, code = started
    results = [
        email_verification_check(verification=verification, code=wrong(code)) for _ in range(5)
    ]
    assert results == [CheckResult.WRONG] * 4 + [CheckResult.LOCKED]
    assert email_verification_check(verification=verification, code=code) is CheckResult.LOCKED


def test_right_code_after_four_wrong_ones_is_accepted(started):
    verification, code = started
    for _ in range(4):
        email_verification_check(verification=verification, code=wrong(code))
    assert email_verification_check(verification=verification, code=code) is CheckResult.VERIFIED


def test_resend_replaces_the_old_code(started):
    verification, old_code = started
    email_verification_resend(verification=verification)
    new_code = latest_code(EMAIL)
    verification.refresh_from_db()
    if new_code != old_code:  # one chance in a million they coincide
        assert (
            email_verification_check(verification=verification, code=old_code) is CheckResult.WRONG
        )
    assert (
        email_verification_check(verification=verification, code=new_code) is CheckResult.VERIFIED
    )


def test_resend_gives_a_locked_verification_fresh_tries(started):
    verification, code = started
    for _ in range(5):
        email_verification_check(verification=verification, code=wrong(code))
    email_verification_resend(verification=verification)
    verification.refresh_from_db()
    assert (
        email_verification_check(verification=verification, code=latest_code(EMAIL))
        is CheckResult.VERIFIED
    )


def test_the_code_email_is_queued_with_the_verification_id_only(
    django_capture_on_commit_callbacks,
):
    with deliveries_published() as published, django_capture_on_commit_callbacks(execute=True):
        verification = email_verification_start(email=EMAIL)
    [email] = OutgoingEmail.objects.all()
    assert (email.event, email.params) == (
        "email_verification",
        {"verification_id": verification.pk},
    )
    assert published == [[email.pk]]
    verification.refresh_from_db()
    assert verification.code_hash == ""  # no code exists until the email is built


def test_a_check_of_the_row_as_read_writes_its_outcome_without_a_locking_read(started):
    verification, code = started
    for entered, outcome in ((wrong(code), CheckResult.WRONG), (code, CheckResult.VERIFIED)):
        with CaptureQueriesContext(connection) as captured:
            assert email_verification_check(verification=verification, code=entered) is outcome
        verbs = [query["sql"].split()[0] for query in captured.captured_queries]
        assert [verb for verb in verbs if verb in ("SELECT", "UPDATE")] == ["UPDATE"]
    row = EmailVerification.objects.get()
    assert (row.failed_attempts, row.code_hash) == (1, "") and row.verified_at is not None


def test_wrong_codes_checked_against_a_stale_copy_still_count_each_one(started):
    verification, code = started
    stale = EmailVerification.objects.get(pk=verification.pk)
    for _ in range(3):
        email_verification_check(verification=verification, code=wrong(code))
    assert email_verification_check(verification=stale, code=wrong(code)) is CheckResult.WRONG
    assert EmailVerification.objects.get().failed_attempts == stale.failed_attempts == 4
    assert email_verification_check(verification=stale, code=wrong(code)) is CheckResult.LOCKED
    assert email_verification_check(verification=verification, code=code) is CheckResult.LOCKED


def test_the_old_code_checked_against_a_copy_read_before_a_resend_is_not_accepted(started):
    verification, old_code = started
    stale = EmailVerification.objects.get(pk=verification.pk)
    email_verification_resend(verification=verification)
    new_code = latest_code(EMAIL)
    if new_code != old_code:  # one chance in a million they coincide
        assert email_verification_check(verification=stale, code=old_code) is not (
            CheckResult.VERIFIED
        )
    verification.refresh_from_db()
    assert email_verification_check(verification=verification, code=new_code) is (
        CheckResult.VERIFIED
    )
