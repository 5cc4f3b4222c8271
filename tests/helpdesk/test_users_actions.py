"""Each help desk action on an account works, emails the person and is audited with the reason."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.inactivity import users_disable_inactive
from accounts.lockout import user_is_locked
from accounts.models import AuthenticatorApp, LoginFailure
from accounts.services import user_create, user_issue_temporary_password
from accounts.two_factor import backup_codes_regenerate
from iacs_portal.audit.models import AuditEvent
from tests.factories import security_official
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.helpdesk.users_support import (
    REASON,
    act,
    audited_once,
    events,
    lock,
    mail_to,
    person,
    signed_in,
    subjects_to,
)
from tests.registration import PASSWORD, enter_portal, enter_signed_in
from tests.two_factor import authenticator

pytestmark = pytest.mark.django_db

TEMPORARY_PASSWORD = re.compile(r"^    (\S+)$", re.MULTILINE)


@pytest.fixture
def agent(client):
    return staff_in_admin(client, "Help Desk")


@pytest.fixture
def approver(client):
    return staff_in_admin(client, "CMS Approver")


def browser_of(user) -> Client:
    """The person, signed in in their own browser."""
    browser = Client()
    enter_signed_in(browser, user)
    assert signed_in(browser)
    return browser


def log_in(user, password: str):
    """The person at the real sign-in form, in a fresh browser."""
    browser = Client()
    enter_portal(browser)
    response = browser.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    return browser, response


def opens_on_change_password(browser, response) -> bool:
    """Signed in with a temporary password: every page leads to choosing a new one."""
    assert response.status_code == 302, response.content.decode()
    return browser.get(response.url).url == reverse("accounts:change_password")


def done(client, response, message: str):
    """The action redirected back to the person's page, which says it was done."""
    assert response.status_code == 302, response.content.decode()
    page = client.get(response.url).content.decode()
    assert message in page
    return page


def test_unlock(client, agent):
    rosa = lock(person())
    LoginFailure.objects.create(user=rosa)
    assert action_url(rosa, "unlock") in client.get(change_url(rosa)).content.decode()
    response = act(client, rosa, "unlock")
    done(client, response, "is unlocked and can log in with their password now")
    rosa.refresh_from_db()
    assert not user_is_locked(user=rosa)
    assert not LoginFailure.objects.filter(user=rosa).exists()
    event = audited_once(rosa, "account.unlocked", agent)
    assert (event.from_state, event.to_state) == ("locked", "unlocked")
    [message] = mail_to(rosa)
    assert message.subject == "Your IACS account was unlocked"
    assert rosa.username in message.body


def test_reset_password(client, agent):
    rosa = person()
    browser = browser_of(rosa)
    lock(rosa)
    response = act(client, rosa, "reset-password")
    page = done(client, response, "a new temporary password is being emailed to them")

    [message] = mail_to(rosa)
    assert message.subject == "Your new IACS temporary password"
    password = TEMPORARY_PASSWORD.search(message.body)[1]
    rosa.refresh_from_db()
    assert rosa.check_password(password) and not rosa.check_password(PASSWORD)
    assert rosa.must_change_password
    expected = timezone.now() + settings.TEMPORARY_PASSWORD_TTL
    assert abs(rosa.temporary_password_expires_at - expected) < timedelta(minutes=1)
    assert not user_is_locked(user=rosa)  # the person proves themselves by reading the email
    audited_once(rosa, "account.password_reset", agent)
    audited_once(rosa, "account.unlocked", agent)
    assert not signed_in(browser)  # the old password's sessions ended
    # Staff never see it: not on the page, not in the audit trail.
    assert password not in page
    assert password not in client.get(change_url(rosa)).content.decode()
    assert not [e for e in AuditEvent.objects.all() if password in e.canonical()]
    # It opens the account once, straight to choosing a new password.
    assert log_in(rosa, PASSWORD)[1].status_code == 200
    assert opens_on_change_password(*log_in(rosa, password))


def test_resend_credentials_before_first_sign_in(client, agent):
    newcomer = user_create(
        first_name="Nadia",
        middle_name="",
        last_name="Brooks",
        suffix="",
        email="nadia@example.org",
        contact={},
    )
    _, lost = user_issue_temporary_password(user_id=newcomer.pk)  # the email that never arrived
    response = act(client, newcomer, "resend-credentials")
    done(client, response, "User ID and a new temporary password are being emailed to them")

    assert subjects_to(newcomer) == ["Your IACS User ID", "Your new IACS temporary password"]
    user_id_mail, password_mail = mail_to(newcomer)
    assert f"Your User ID is: {newcomer.username}" in user_id_mail.body
    password = TEMPORARY_PASSWORD.search(password_mail.body)[1]
    assert newcomer.username not in password_mail.body  # one email alone does not sign in
    newcomer.refresh_from_db()
    assert not newcomer.check_password(lost)
    audited_once(newcomer, "account.credentials_resent", agent)
    assert opens_on_change_password(*log_in(newcomer, password))


def test_resend_user_id(client, agent):
    rosa = person()
    response = act(client, rosa, "resend-user-id")
    done(client, response, "User ID is being emailed to them")
    [message] = mail_to(rosa)
    assert message.subject == "Your IACS User ID"
    assert f"Your User ID is: {rosa.username}" in message.body
    rosa.refresh_from_db()
    assert rosa.check_password(PASSWORD) and not rosa.must_change_password  # nothing else
    audited_once(rosa, "account.user_id_resent", agent)


def test_disable_ends_every_session_now(client, approver):
    rosa = person()
    browser = browser_of(rosa)
    other_browser = browser_of(rosa)
    session_keys = [browser.session.session_key, other_browser.session.session_key]
    bystander = browser_of(person(username="OTHR01", ssn="111-22-3333"))

    response = act(client, rosa, "disable")
    done(client, response, "is disabled and was signed out everywhere")
    rosa.refresh_from_db()
    assert not rosa.is_active
    assert not any(SessionStore().exists(key) for key in session_keys)
    assert not signed_in(browser) and not signed_in(other_browser)
    assert signed_in(bystander)  # nobody else's sessions
    event = audited_once(rosa, "account.disabled", approver)
    assert (event.from_state, event.to_state) == ("active", "disabled")
    assert subjects_to(rosa) == ["Your IACS account was disabled"]
    assert log_in(rosa, PASSWORD)[1].status_code == 200  # the sign-in form refuses


def test_enable_an_account_disabled_for_inactivity(client, approver):
    long_ago = timezone.now() - settings.ACCOUNT_INACTIVITY_LIMIT - timedelta(days=5)
    rosa = person(last_login=long_ago)
    assert users_disable_inactive() == [rosa.pk]
    response = act(client, rosa, "enable")
    done(client, response, "is enabled and can log in again")
    rosa.refresh_from_db()
    assert rosa.is_active and rosa.disabled_for_inactivity_at is None
    event = audited_once(rosa, "account.enabled", approver)
    assert (event.from_state, event.to_state) == ("disabled", "active")
    assert subjects_to(rosa)[-1] == "Your IACS account was enabled"
    # The daily task gives the person the whole limit from now to sign in.
    assert rosa.pk not in users_disable_inactive(now=timezone.now() + timedelta(days=1))
    later = timezone.now() + settings.ACCOUNT_INACTIVITY_LIMIT + timedelta(days=1)
    assert rosa.pk in users_disable_inactive(now=later)


def test_enabled_person_signs_in_with_their_password(client, approver):
    rosa = person(is_active=False)
    act(client, rosa, "enable")
    assert log_in(rosa, PASSWORD)[1].status_code == 302


def test_reset_two_factor(client, agent):
    so = security_official()
    authenticator(so)
    backup_codes_regenerate(user=so)
    browser = browser_of(so)
    response = act(client, so, "reset-two-factor")
    done(client, response, "authenticator app and backup codes were removed")
    assert not AuthenticatorApp.objects.filter(user=so).exists()
    assert not StaticDevice.objects.filter(user=so).exists()
    assert not signed_in(browser)
    event = audited_once(so, "account.two_factor_reset", agent)
    assert event.to_state == "no_two_factor"
    [changed] = mail_to(so)
    assert changed.subject == "IACS two-factor sign-in changed"
    assert "The help desk reset two-factor sign-in on your IACS account" in changed.body
    assert "set up an authenticator app again when you next sign in" in changed.body
    # Next sign-in: the password, then the gate asks for a new app.
    browser, response = log_in(so, PASSWORD)
    assert response.status_code == 302
    assert browser.get(response.url).url == reverse("accounts:two_factor_setup")


def test_each_action_is_one_audit_event_with_the_reason_and_nothing_else_changes(client, agent):
    rosa = person()
    before = AuditEvent.objects.count()
    act(client, rosa, "resend-user-id", reason="  Ticket   99:\ncaller asked.  ")
    [event] = events(rosa, "account.user_id_resent")
    assert event.reason == "Ticket 99: caller asked."
    assert AuditEvent.objects.count() == before + 1
    assert REASON not in event.reason
