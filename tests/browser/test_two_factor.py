"""A Security Official without an authenticator app is made to set one up at sign-in, then
signs in with password and code from then on."""

import base64
import re
import time

import pytest
from django_otp.oath import hotp

from accounts.models import AuthenticatorApp
from tests.factories import security_official

from .approvers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_security_official_sets_up_two_factor_then_signs_in_with_a_code(journey):
    page = journey.page
    so = security_official()

    journey.enter_portal()
    journey.sign_in(so.username, PASSWORD)
    # No app yet: nothing opens but the setup, with the QR code and the key to type.
    assert journey.sees_heading("Set Up Two-Factor Sign-In")
    assert page.get_by_text("Your role requires two-factor sign-in").is_visible()
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    journey.open("/approvals/")
    assert journey.sees_heading("Set Up Two-Factor Sign-In")

    key_text = page.locator(".manual-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", key_text), key_text
    key = base64.b32decode(key_text.replace(" ", "") + "=" * (-len(key_text.replace(" ", "")) % 8))
    page.get_by_label("Code from your app").fill("000000")
    journey.press("Confirm")
    assert page.get_by_text("The code is not correct").first.is_visible()
    time.sleep(1.1)  # django-otp throttles the next guess by a second
    page.get_by_label("Code from your app").fill(f"{hotp(key, int(time.time()) // 30):06d}")
    journey.press("Confirm")

    assert journey.sees_heading("Your Backup Codes")
    codes = page.get_by_role("list", name="Backup codes").get_by_role("listitem")
    assert codes.count() == 10
    journey.follow("I Have Saved My Codes")
    assert journey.sees_heading("My Profile")
    journey.log_out()

    journey.enter_portal()
    journey.follow("My Profile")
    page.get_by_label("User ID").fill(so.username.lower())  # any case
    page.get_by_label("Password").fill(PASSWORD)
    journey.press("Login")
    assert journey.sees_heading("Enter Your Code")
    device = AuthenticatorApp.objects.get(user=so, confirmed=True)
    step = max(int(time.time()) // 30, device.last_t + 1)  # each code is accepted once
    journey.enter_code(f"{hotp(key, step):06d}")
    assert journey.sees_heading("My Profile")
    journey.log_out()
