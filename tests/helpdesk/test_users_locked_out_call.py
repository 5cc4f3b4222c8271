"""The common call "I'm locked out", end to end: the agent finds the caller by User ID, sees
the lock, unlocks with a reason, and the caller signs in with their own password."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.lockout import user_is_locked
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.helpdesk.users_support import act, audited_once, found, person, subjects_to
from tests.registration import PASSWORD, enter_portal

pytestmark = pytest.mark.django_db


def sign_in(browser, user, password):
    return browser.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )


def test_locked_out_caller_is_unlocked_and_signs_in(client):
    caller = person(username="ROSA42", first_name="Rosa", last_name="Delgado")
    browser = Client()
    enter_portal(browser)
    for _ in range(5):
        assert sign_in(browser, caller, "a wrong password, typed again").status_code == 200
    caller.refresh_from_db()
    assert user_is_locked(user=caller)
    assert sign_in(browser, caller, PASSWORD).status_code == 200  # locked: even the right one

    agent = staff_in_admin(client, "Help Desk")
    assert found(client, q="rosa42") == {"ROSA42"}
    page = client.get(change_url(caller)).content.decode()
    assert "<strong>Yes, until" in page  # the panel shows the lock
    assert action_url(caller, "unlock") in page
    response = act(client, caller, "unlock")
    assert response.status_code == 302

    audited_once(caller, "account.unlocked", agent)
    assert "Your IACS account was unlocked" in subjects_to(caller)
    response = sign_in(browser, caller, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:my_profile")
    assert browser.get(response.url).status_code == 200
