"""SPEC 9 lockout: 5 failed sign-ins within 120 minutes lock an account for 60 minutes."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.lockout import login_failure_record, user_is_locked, user_unlock
from accounts.models import LoginFailure, User
from iacs_portal.audit.models import AuditEvent
from tests.factories import UserFactory, set_up
from tests.registration import PASSWORD, enter_portal

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
WRONG = "not-the-password-at-all"
LOCKED_SUBJECT = "IACS account locked after failed sign-ins"


@pytest.fixture
def user():
    return set_up(UserFactory(username="ROSA42", email="rosa@example.org"))


def attempt(client, username, password):
    enter_portal(client)
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail(client, user, times):
    for _ in range(times):
        assert attempt(client, user.username, WRONG).status_code == 200


def signs_in(client, user) -> bool:
    client.logout()
    response = attempt(client, user.username, PASSWORD)
    return response.status_code == 302


def lock_mails():
    return [m for m in mail.outbox if m.subject == LOCKED_SUBJECT]


def test_four_failures_do_not_lock_and_the_fifth_does(client, user):
    fail(client, user, 4)
    user.refresh_from_db()
    assert not user_is_locked(user=user)
    fail(client, user, 1)
    user.refresh_from_db()
    assert user_is_locked(user=user)
    assert not signs_in(client, user)  # even with the right password


def test_a_successful_sign_in_clears_the_failures(client, user):
    fail(client, user, 4)
    assert signs_in(client, user)
    assert not LoginFailure.objects.filter(user=user).exists()
    client.logout()
    fail(client, user, 4)
    user.refresh_from_db()
    assert not user_is_locked(user=user)


@pytest.mark.parametrize(("minutes", "locks"), [(119, True), (120, False), (121, False)])
def test_only_failures_within_the_window_count(client, user, minutes, locks):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, user, 4)
        clock.move_to(START + timedelta(minutes=minutes))
        fail(client, user, 1)
        user.refresh_from_db()
        assert user_is_locked(user=user) is locks


@pytest.mark.parametrize(("minutes", "open_again"), [(59, False), (60, True), (61, True)])
def test_the_lock_lasts_sixty_minutes(client, user, minutes, open_again):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, user, 5)
        clock.move_to(START + timedelta(minutes=minutes))
        assert signs_in(client, user) is open_again


def test_settings_change_the_numbers(client, user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_DURATION = timedelta(minutes=5)
    with time_machine.travel(START, tick=False) as clock:
        fail(client, user, 2)
        assert not signs_in(client, user)
        clock.move_to(START + timedelta(minutes=5))
        assert signs_in(client, user)


def _normalised(response, typed: str) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return page.replace(typed, "TYPED")


def test_unknown_user_wrong_password_and_locked_account_get_the_same_page(client, user):
    unknown = _normalised(attempt(client, "NOBODY99", WRONG), "NOBODY99")
    wrong = _normalised(attempt(client, user.username, WRONG), user.username)
    fail(client, user, 4)
    locked = _normalised(attempt(client, user.username, PASSWORD), user.username)
    assert "or the account is locked" in unknown
    assert unknown == wrong == locked


def test_an_unknown_user_id_still_runs_the_password_hasher(client):
    with mock.patch.object(User, "set_password", autospec=True) as hashing:
        attempt(client, "NOBODY99", WRONG)
    hashing.assert_called_once()


def test_the_user_id_is_matched_in_any_case(client, user):
    assert attempt(client, "rosa42", PASSWORD).status_code == 302
    client.logout()
    fail_lower = attempt(client, "Rosa42", WRONG)
    assert fail_lower.status_code == 200
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_the_account_holder_is_emailed_once_when_the_account_locks(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fail(client, user, 5)
    assert len(lock_mails()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        fail(client, user, 3)  # while locked: not counted, no new email
    assert len(lock_mails()) == 1
    assert lock_mails()[0].to == ["rosa@example.org"]
    assert "60 minutes" in lock_mails()[0].body
    assert not LoginFailure.objects.filter(user=user).exists()


def test_locking_and_unlocking_are_audited_and_unlocking_opens_at_once(client, user):
    helper = UserFactory(is_staff=True)
    fail(client, user, 5)
    user_unlock(user=user, by=helper, reason="Caller verified by phone")
    assert signs_in(client, user)
    actions = list(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", "actor"))
    assert actions == [("account.locked", None), ("account.unlocked", helper.pk)]


def test_the_service_says_which_failure_locked(user):
    results = [login_failure_record(user=user) for _ in range(6)]
    assert results == [False, False, False, False, True, False]
