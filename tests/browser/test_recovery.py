"""Recovery and My Profile in the browser: Forgot User ID, Forgot password through to signing
in with the new password, and My Profile's contact information and change of email."""

import re

import pytest

from tests.factories import UserFactory, set_up

from .approvers import PASSWORD
from .journey import CODE, NEW_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def grace(settings, live_server):
    """Grace has signed in before: her own password, two questions answered "answer"."""
    settings.PORTAL_BASE_URL = live_server.url  # where the emailed reset link points
    return set_up(UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.org"))


def test_forgot_user_id_then_forgot_password_then_sign_in(journey, grace):
    page = journey.page
    journey.enter_portal()
    journey.follow("My Profile")
    journey.follow("Forgot your User ID?")
    page.get_by_label("Email address").fill("GRACE@example.org")
    journey.press("Send My User ID")
    assert journey.sees_heading("Check Your Email")
    mail = journey.read_mail("FYI: Your IACS User ID", to=grace.email)
    user_id = re.search(r"User ID: (\S+)", mail).group(1)
    assert user_id == grace.username

    journey.open("/login/")
    journey.follow("Forgot your password?")
    page.get_by_label("User ID").fill(user_id.lower())
    page.get_by_label("Email address").fill(grace.email)
    journey.press("Send Reset Link")
    assert journey.sees_heading("Check Your Email")
    mail = journey.read_mail("Reset Your IACS Password", to=grace.email)
    link = re.search(r"(http\S+/recover/password/link/\S+/)", mail).group(1)

    journey.go(lambda: page.goto(link))
    assert journey.sees_heading("Answer Your Authentication Questions")
    assert "/link/" not in page.url  # the token left the address bar at once
    answers = page.get_by_role("textbox")
    assert answers.count() == 2
    for index in range(2):
        answers.nth(index).fill(" Answer ")
    journey.press("Next")
    assert journey.sees_heading("Choose a New Password")
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm New Password").fill(NEW_PASSWORD)
    journey.press("Change Password")
    assert journey.sees_heading("Password Changed")
    assert page.get_by_role("button", name="Logout").count() == 0  # not signed in

    journey.read_mail("FYI: Your IACS Password Was Changed", to=grace.email)
    journey.open("/account-management/")
    journey.sign_in(user_id, NEW_PASSWORD)
    assert journey.sees_heading("My Profile")


def test_my_profile_contact_information_and_email_change(journey, grace):
    page = journey.page
    journey.enter_portal()
    journey.sign_in(grace.username, PASSWORD)
    assert journey.sees_heading("My Profile")

    journey.follow("Update Professional Contact Information")
    page.get_by_label("Company name").fill("Naval Computing Lab")
    page.get_by_label("Address line 1").fill("1 Navy Yard")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("State or territory").select_option(label="Virginia")
    page.get_by_label("ZIP code").fill("22202")
    page.get_by_label("Work phone").fill("703 555 0142")
    page.get_by_label("Work email").fill("grace@navy.example")
    journey.press("Save")
    assert journey.sees_heading("My Profile")
    assert page.get_by_text("Your professional contact information was saved.").is_visible()

    journey.follow("Change Email Address")
    page.get_by_label("New email address", exact=True).fill("grace.hopper@example.net")
    page.get_by_label("Confirm new email address").fill("grace.hopper@example.net")
    page.get_by_label("Current Password").fill(PASSWORD)
    journey.press("Send Verification Code")
    assert journey.sees_heading("Verify Your New Email Address")
    verify_url = page.url
    mail = journey.read_mail("Email Address Verification", to="grace.hopper@example.net")
    code = CODE.search(mail).group(1)
    journey.go(lambda: page.goto(verify_url))
    page.get_by_label("Verification code").fill(code)
    journey.press("Verify")
    assert journey.sees_heading("My Profile")
    assert page.get_by_text("Your email address is now grace.hopper@example.net").is_visible()
    old = journey.read_mail("FYI: Your IACS Email Address Was Changed", to="grace@example.org")
    assert "grace.hopper@example.net" in old
