"""A person's page: the account's state for the help desk, and nothing secret or in full."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import AuthenticatorApp, LoginFailure
from accounts.two_factor import backup_code_digest, manual_key
from organizations.roles import Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, submitted_request
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.helpdesk.users_support import DATE_OF_BIRTH, SSN, person
from tests.pii import forms_of
from tests.registration import PASSWORD

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def panel(client, user) -> str:
    response = client.get(change_url(user))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="account-state"')
    return text(html[start : html.index("</fieldset>", start)])


@pytest.fixture
def agent(client):
    return staff_in_admin(client, "Help Desk")


def test_sign_in_state(client, agent):
    now = timezone.now()
    rosa = person(last_login=now - timedelta(days=2), locked_until=now + timedelta(minutes=42))
    LoginFailure.objects.create(user=rosa, at=now - timedelta(minutes=5))
    LoginFailure.objects.create(user=rosa, at=now - timedelta(minutes=30))
    LoginFailure.objects.create(user=rosa, at=now - timedelta(minutes=121))  # outside the window
    shown = panel(client, rosa)
    assert "Status Active" in shown
    assert f"Last sign-in {timezone.localtime(rosa.last_login):%Y-%m-%d %H:%M}" in shown
    assert f"Locked Yes, until {timezone.localtime(rosa.locked_until):%Y-%m-%d %H:%M}" in shown
    assert "Failed sign-ins 2 in the last 120 minutes (the account locks at 5)" in shown
    assert "First sign-in Done" in shown
    assert "Temporary password None" in shown


def test_a_new_account_awaiting_first_sign_in(client, agent):
    expires = timezone.now() + timedelta(hours=20)
    newcomer = person(must_change_password=True, temporary_password_expires_at=expires)
    newcomer.authentication_answers.all().delete()
    shown = panel(client, newcomer)
    assert "Last sign-in Never" in shown
    assert (
        "First sign-in Not done: must change the temporary password and answer the "
        "authentication questions" in shown
    )
    assert f"Temporary password Sent; expires at {timezone.localtime(expires):%Y-%m-%d %H:%M}" in (
        shown
    )


def test_expired_temporary_password_and_a_lock_that_ended(client, agent):
    past = timezone.now() - timedelta(hours=1)
    user = person(must_change_password=True, temporary_password_expires_at=past, locked_until=past)
    shown = panel(client, user)
    assert f"Temporary password Expired at {timezone.localtime(past):%Y-%m-%d %H:%M}" in shown
    assert "Locked No (the last lock ended" in shown


def test_disabled_for_inactivity(client, agent):
    user = person(is_active=False, disabled_for_inactivity_at=timezone.now())
    assert "Status Disabled for inactivity since" in panel(client, user)


def test_two_factor_devices_without_their_secrets(client, agent):
    rosa = person()
    app = AuthenticatorApp.objects.create(user=rosa, name="Authenticator app", confirmed=True)
    app.set_last_used_timestamp()
    static = StaticDevice.objects.create(user=rosa, name="Backup codes", confirmed=True)
    codes = ["ABCDE23456", "FGHJK78923", "LMNPQ34567"]
    for code in codes:
        StaticToken.objects.create(device=static, token=backup_code_digest(code))
    shown = panel(client, rosa)
    assert f"Set up {timezone.localtime(app.created_at):%Y-%m-%d %H:%M}" in shown
    assert f"last used {timezone.localtime(app.last_used_at):%Y-%m-%d %H:%M}" in shown
    assert "Backup codes 3 unused" in shown
    html = client.get(change_url(rosa)).content.decode()
    secrets = [app.key, manual_key(app), manual_key(app).replace(" ", ""), app.config_url]
    secrets += [backup_code_digest(code) for code in codes] + codes
    assert [secret for secret in secrets if secret in html] == []


def test_no_two_factor(client, agent):
    shown = panel(client, person())
    assert "Authenticator app Not set up" in shown and "Backup codes None" in shown


def test_roles_and_requests_with_links(client, agent):
    rosa = person()
    clinic = OrganizationFactory(legal_name="Harbor Clinic", ein="123456789")
    RoleAssignmentFactory(user=rosa, organization=clinic)
    request = submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=clinic)
    request.applicant = rosa
    request.save()
    html = client.get(change_url(rosa)).content.decode()
    shown = panel(client, rosa)
    assert "Security Official Harbor Clinic (EIN/TIN 123456789) - Active" in shown
    request_url = reverse("admin:approvals_accessrequest_change", args=[request.pk])
    assert f'<a href="{request_url}">{request.tracking_number}</a>' in html
    assert f"{request.tracking_number} Backup Security Official Pending approval" in shown


def no_personal_data_or_secret(html: str, user) -> bool:
    shown = [form for form in forms_of(ssn=SSN, date_of_birth=DATE_OF_BIRTH) if form in html]
    shown += [form for form in ["July 4, 1980", "Jul. 4, 1980", user.password] if form in html]
    return shown == [] and 'name="password"' not in html and "md5$" not in html


def test_ssn_last_four_and_year_of_birth_only_and_no_password(client, agent):
    rosa = person()
    pages = [
        change_url(rosa),
        reverse("admin:accounts_user_changelist") + "?q=***-**-4321",
        action_url(rosa, "reset-password"),
        reverse("admin:accounts_user_history", args=[rosa.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert rosa.username in html, url
        assert no_personal_data_or_secret(html, rosa), url
    html = client.get(change_url(rosa)).content.decode()
    assert "***-**-4321" in html and "**/**/1980" in html
    staff_in_admin(client, None, is_superuser=True)  # who sees the most
    html = client.get(change_url(rosa)).content.decode()
    assert "***-**-4321" in html and no_personal_data_or_secret(html, rosa)


def test_help_desk_sees_a_read_only_page_without_staff_fields(client, agent):
    rosa = person()
    response = client.get(change_url(rosa))
    html = response.content.decode()
    assert '<input type="text" name="first_name"' not in html
    assert "Staff (administrators only)" not in html and "is_superuser" not in html
    assert client.post(change_url(rosa), {"first_name": "Changed"}).status_code == 403
    rosa.refresh_from_db()
    assert rosa.first_name != "Changed"


def test_superuser_sees_and_edits_staff_fields_but_not_the_status(client):
    staff_in_admin(client, None, is_superuser=True)
    html = client.get(change_url(person())).content.decode()
    assert "Staff (administrators only)" in html
    assert 'name="is_superuser"' in html and 'name="groups"' in html
    assert 'name="is_active"' not in html  # disabled and enabled only through the actions


def test_superuser_makes_someone_help_desk_staff(client):
    staff_in_admin(client, None, is_superuser=True)
    dana = person(username="DANA07", first_name="Dana", last_name="Reyes")
    help_desk = Group.objects.get(name="Help Desk")
    data = {
        "username": "DANA07",
        "first_name": "Dana",
        "last_name": "Reyes",
        "email": dana.email,
        "country": "US",
        "is_staff": "on",
        "groups": [help_desk.pk],
    }
    response = client.post(change_url(dana), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dana.refresh_from_db()
    assert dana.is_staff and list(dana.groups.all()) == [help_desk]
    assert dana.is_active and dana.check_password(PASSWORD)  # untouched
    assert dana.ssn_last4 == "4321" and dana.date_of_birth == DATE_OF_BIRTH


def test_nobody_sets_a_password_in_the_admin(client):
    staff_in_admin(client, None, is_superuser=True)
    rosa = person()
    url = reverse("admin:auth_user_password_change", args=[rosa.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 404


def test_only_superusers_add_accounts(client, agent):
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    staff_in_admin(client, None, is_superuser=True)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_backup_code_devices_have_no_admin_of_their_own():
    assert not admin.site.is_registered(StaticDevice)
    with pytest.raises(NoReverseMatch):
        reverse("admin:otp_static_staticdevice_changelist")


@pytest.mark.parametrize("group", ["Help Desk", "CMS Approver"])
def test_authentication_questions_are_for_superusers_only(client, group):
    changelist = reverse("admin:accounts_authenticationquestion_changelist")
    staff_in_admin(client, group)
    assert client.get(changelist).status_code == 403
    assert "Authentication questions" not in client.get(reverse("admin:index")).content.decode()
    staff_in_admin(client, None, is_superuser=True)
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:accounts_authenticationquestion_add")).status_code == 200
