"""Two-factor sign-in: enrollment, the code stage, replay, backup codes, the required gate."""

import base64
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from accounts.lockout import user_is_locked
from accounts.models import AuthenticatorApp, LoginFailure
from accounts.signin import PENDING_SESSION_KEY
from tests.factories import UserFactory, security_official, set_up, staff_approver
from tests.registration import PASSWORD, enter_portal
from tests.two_factor import authenticator, code_for, enroll

pytestmark = pytest.mark.django_db

CHANGED_SUBJECT = "IACS two-factor sign-in changed"


@pytest.fixture
def user():
    return set_up(UserFactory(email="ines@example.org"))


def password_stage(client, user, password=PASSWORD):
    enter_portal(client)
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def code_stage(client, code):
    return client.post(reverse("accounts:login_code"), {"code": code})


def signed_in(client) -> bool:
    return client.get(reverse("accounts:my_profile")).status_code == 200


def changed_mails():
    return [m for m in mail.outbox if m.subject == CHANGED_SUBJECT]


def test_enrollment_shows_a_qr_code_and_the_key_and_confirms_with_a_first_code(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    enter_portal(client)
    assert "off" in client.get(reverse("accounts:two_factor")).content.decode()
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    device = AuthenticatorApp.objects.get(user=user)
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert 'src="data:image/svg+xml' in page
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert "The code is not correct" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0  # the wrong code throttled the next one by a second
    device.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert len(changed_mails()) == 1 and "was set up" in changed_mails()[0].body
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)


def test_sign_in_is_password_then_code_and_nobody_is_signed_in_between(client, user, clock):
    device = authenticator(user)
    response = password_stage(client, user)
    assert response.url == reverse("accounts:login_code")
    assert not signed_in(client)
    assert set(client.session[PENDING_SESSION_KEY]) == {"user_id", "at"}
    assert code_stage(client, code_for(device)).url == reverse("accounts:my_profile")
    assert signed_in(client)
    assert PENDING_SESSION_KEY not in client.session


def test_a_totp_code_is_accepted_once(client, user, clock):
    device = authenticator(user)
    code = code_for(device)
    password_stage(client, user)
    assert code_stage(client, code).status_code == 302
    client.logout()
    password_stage(client, user)
    refused = code_stage(client, code)
    assert refused.status_code == 200
    assert "The code is not correct" in refused.content.decode()
    assert not signed_in(client)


def test_the_code_page_after_signing_in_goes_to_my_profile_without_a_timeout_message(
    client, user, clock
):
    password_stage(client, user)
    code_stage(client, code_for(authenticator(user)))
    response = client.get(reverse("accounts:login_code"), follow=True)
    assert response.redirect_chain == [(reverse("accounts:my_profile"), 302)]
    assert "timed out" not in response.content.decode()
    client.logout()
    enter_portal(client)
    response = client.get(reverse("accounts:login_code"), follow=True)
    assert response.redirect_chain[0] == (reverse("accounts:login"), 302)
    assert "Your sign-in timed out" in response.content.decode()


@pytest.mark.parametrize(("seconds", "waits"), [(299, True), (301, False)])
def test_the_code_stage_waits_five_minutes(client, user, clock, seconds, waits):
    device = authenticator(user)
    password_stage(client, user)
    clock.shift(timedelta(seconds=seconds))
    response = code_stage(client, code_for(device))
    assert (response.url == reverse("accounts:my_profile")) is waits
    if not waits:
        assert response.url == reverse("accounts:login")


def test_wrong_codes_count_toward_the_lockout(client, user, clock):
    authenticator(user)
    password_stage(client, user)
    for _ in range(4):
        assert code_stage(client, "123456").status_code == 200
        clock.shift(timedelta(seconds=20))  # past django-otp's throttle
    user.refresh_from_db()
    assert not user_is_locked(user=user)
    response = code_stage(client, "123456")
    assert response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user_is_locked(user=user)
    assert PENDING_SESSION_KEY not in client.session


def test_signing_in_with_the_code_forgets_the_failures_before_it(client, user, clock):
    device = authenticator(user)
    password_stage(client, user, password="not-the-password")
    password_stage(client, user)
    assert code_stage(client, "123456").status_code == 200
    clock.shift(timedelta(seconds=20))  # past django-otp's throttle
    assert LoginFailure.objects.filter(user=user).count() == 2
    assert code_stage(client, code_for(device)).url == reverse("accounts:my_profile")
    assert not LoginFailure.objects.filter(user=user).exists()


def test_django_otp_throttles_guesses(client, user, clock):
    device = authenticator(user)
    password_stage(client, user)
    code_stage(client, "123456")
    assert code_stage(client, code_for(device)).status_code == 200  # within the throttle delay
    clock.shift(timedelta(seconds=2))
    assert code_stage(client, code_for(device)).url == reverse("accounts:my_profile")


def test_a_backup_code_works_once(client, user, clock):
    client.force_login(user)
    enter_portal(client)
    codes = enroll(client, user)
    client.logout()
    password_stage(client, user)
    assert code_stage(client, codes[0].lower()).url == reverse("accounts:my_profile")
    client.logout()
    password_stage(client, user)
    assert code_stage(client, codes[0]).status_code == 200
    clock.shift(timedelta(seconds=2))
    assert code_stage(client, codes[1]).url == reverse("accounts:my_profile")
    assert StaticToken.objects.filter(device__user=user).count() == 8


def test_a_security_official_must_enroll_before_anything_else_opens(client):
    so = security_official()
    response = password_stage(client, so)
    assert response.url == reverse("accounts:my_profile")  # no device yet: no code stage
    for name in ("accounts:my_profile", "approvals:queue", "registration:add-role"):
        assert client.get(reverse(name)).url == reverse("accounts:two_factor_setup"), name
    setup = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "Your role requires two-factor sign-in" in setup
    enroll(client, so)
    assert signed_in(client)
    client.logout()
    assert password_stage(client, so).url == reverse("accounts:login_code")


def test_staff_must_use_two_factor_and_the_admin_signs_in_through_the_portal(client):
    staff = staff_approver()
    password_stage(client, staff)
    assert client.get(reverse("admin:index")).url == reverse("accounts:two_factor_setup")
    client.logout()
    enter_portal(client)
    login = client.get("/admin/login/?next=/admin/")
    assert login.url == reverse("accounts:login") + "?next=/admin/"


def test_a_session_that_skipped_the_code_is_ended(client):
    so = security_official()
    authenticator(so)
    enter_portal(client)
    client.force_login(so)
    assert client.get(reverse("accounts:my_profile")).url == reverse("accounts:login")
    assert not signed_in(client)


def test_other_people_are_offered_two_factor_but_not_made_to(client, user):
    password_stage(client, user)
    profile = client.get(reverse("accounts:my_profile"))
    assert profile.status_code == 200
    assert reverse("accounts:two_factor") in profile.content.decode()


def test_removing_two_factor_needs_the_password_and_emails(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    enter_portal(client)
    enroll(client, user)
    mail.outbox.clear()
    url = reverse("accounts:two_factor_remove")
    refused = client.post(url, {"password": "not my password"})
    assert "Your password is not correct" in refused.content.decode()
    assert AuthenticatorApp.objects.filter(user=user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"password": PASSWORD}).url == reverse("accounts:two_factor")
    assert not AuthenticatorApp.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert len(changed_mails()) == 1 and "turned off" in changed_mails()[0].body


def test_replacing_the_app_needs_the_password(client, user, clock):
    client.force_login(user)
    enter_portal(client)
    enroll(client, user)
    old = AuthenticatorApp.objects.get(user=user, confirmed=True)
    client.get(reverse("accounts:two_factor_setup"))
    new = AuthenticatorApp.objects.get(user=user, confirmed=False)
    without = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(new)})
    assert "This field is required" in without.content.decode()
    clock.shift(timedelta(seconds=31))
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": code_for(new), "password": PASSWORD}
    )
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(AuthenticatorApp.objects.filter(user=user)) == [new]
    assert not AuthenticatorApp.objects.filter(pk=old.pk).exists()


def test_new_backup_codes_need_the_password_and_replace_the_old_ones(
    client, user, clock, django_capture_on_commit_callbacks
):
    client.force_login(user)
    enter_portal(client)
    old_codes = enroll(client, user)
    url = reverse("accounts:two_factor_backup_codes")
    assert "Your password is not correct" in client.post(url, {"password": "x"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        new_codes = client.post(url, {"password": PASSWORD}).context["codes"]
    assert not set(new_codes) & set(old_codes)
    assert "backup codes" in changed_mails()[-1].body
    client.logout()
    password_stage(client, user)
    assert code_stage(client, old_codes[0]).status_code == 200
    clock.shift(timedelta(seconds=2))
    assert code_stage(client, new_codes[0]).status_code == 302
