"""My Profile's own changes in the browser, each with a mistake first: Change Password,
Change Answers to Authentication Questions, and two-factor sign-in turned on, given new backup
codes (an earlier one then refused at sign-in, a new one accepted), moved to a new phone and
turned off. The people are made by factories: none of this is about registering."""

import time

import pytest
from playwright.sync_api import expect

from accounts.models import AuthenticatorApp
from tests.factories import UserFactory, set_up

from .approvers import PASSWORD
from .journey import NEW_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ada(journey):
    """Ada has signed in before (two questions answered) and is signed in now, on My Profile."""
    user = set_up(UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org"))
    journey.enter_portal()
    journey.sign_in(user.username, PASSWORD)
    assert journey.sees_heading("My Profile")
    return user


def test_change_password_then_answers_from_my_profile(journey, ada):
    page = journey.page
    journey.follow("Change Password")
    assert journey.sees_heading("Change Password")
    page.get_by_label("Current Password").fill("not-my-password-at-all")
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm New Password").fill(NEW_PASSWORD)
    journey.press("Change Password")
    journey.sees_error("Your current password is not correct.", field="Current Password")

    page.get_by_label("Current Password").fill(PASSWORD)
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm New Password").fill(NEW_PASSWORD)
    journey.press("Change Password")
    assert journey.sees_heading("My Profile")  # still signed in
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()

    journey.follow("Change Answers to Authentication Questions")
    answers = page.get_by_role("textbox")
    answers.first.fill("Rex")  # one answer is not enough
    journey.press("Save")
    journey.sees_error("Answer at least 2 of the")
    page.get_by_label("What was the name of your first pet?").fill("Rex")
    page.get_by_label("What was the make of your first car?").fill("Ford")
    journey.press("Save")
    assert journey.sees_heading("Change Answers Results")
    saved = page.get_by_role("main").get_by_role("listitem")
    expect(saved).to_have_text(
        ["What was the name of your first pet?", "What was the make of your first car?"]
    )
    journey.follow("OK")
    assert journey.sees_heading("My Profile")
    journey.log_out()

    journey.read_mail("FYI: Your IACS Password Was Changed", to=ada.email)
    journey.read_mail("FYI: Your IACS Authentication Answers Were Changed", to=ada.email)
    journey.enter_portal()
    journey.sign_in(ada.username, NEW_PASSWORD)
    assert journey.sees_heading("My Profile")


def back_to_two_factor(journey) -> None:
    """From the backup codes, via My Profile, to the Two-Factor Authentication page."""
    journey.follow("I Have Saved My Codes")
    assert journey.sees_heading("My Profile")
    journey.follow("Two-Factor Authentication")
    expect(journey.page.get_by_role("main")).to_contain_text("Two-factor sign-in is on")


def wrong_password_then_right(journey, button: str) -> None:
    """A page guarded by the password: a wrong one is refused, the right one goes through."""
    page = journey.page
    page.get_by_label("Your password").fill("not-my-password-at-all")
    journey.press(button)
    journey.sees_error("Your password is not correct.", field="Your password")
    page.get_by_label("Your password").fill(PASSWORD)
    journey.press(button)


def test_two_factor_from_my_profile_on_new_codes_new_phone_and_off(journey, ada):
    page = journey.page
    journey.follow("Two-Factor Authentication")
    assert journey.sees_heading("Two-Factor Authentication")
    expect(page.get_by_role("main")).to_contain_text("Two-factor sign-in is off")
    journey.follow("Set Up Two-Factor Sign-In")
    first_codes = journey.set_up_two_factor()
    first_key = journey.authenticator_key
    back_to_two_factor(journey)

    journey.follow("Make New Backup Codes")
    assert journey.sees_heading("Make New Backup Codes")
    wrong_password_then_right(journey, "Make New Codes")
    assert journey.sees_heading("Your Backup Codes")
    new_codes = page.get_by_role("list", name="Backup codes").get_by_role("listitem")
    assert new_codes.count() == 10
    assert not set(new_codes.all_inner_texts()) & set(first_codes)
    backup_code = new_codes.first.inner_text()

    # Signing in again: an earlier backup code no longer works; a new one does.
    journey.follow("I Have Saved My Codes")
    journey.log_out()
    journey.enter_portal()
    journey.follow("My Profile")
    page.get_by_label("User ID").fill(ada.username)
    page.get_by_label("Password").fill(PASSWORD)
    journey.press("Login")
    assert journey.sees_heading("Enter Your Code")
    journey.enter_code(first_codes[0])
    journey.sees_error("The code is not correct.", field="Code")
    time.sleep(1.1)  # django-otp throttles the next guess by a second
    journey.enter_code(backup_code)
    assert journey.sees_heading("My Profile")
    journey.follow("Two-Factor Authentication")

    # A new phone: the old app is replaced once the new one's first code is entered.
    journey.follow("Replace Authenticator App")
    page.get_by_label("Your password").fill(PASSWORD)
    journey.set_up_two_factor()
    assert journey.authenticator_key != first_key
    device = AuthenticatorApp.objects.get(user=ada, confirmed=True)
    assert device.bin_key == journey.authenticator_key
    back_to_two_factor(journey)

    journey.follow("Turn Off Two-Factor Sign-In")
    assert journey.sees_heading("Turn Off Two-Factor Sign-In")
    wrong_password_then_right(journey, "Turn Off")
    assert journey.sees_heading("Two-Factor Authentication")
    expect(page.get_by_role("main")).to_contain_text("Two-factor sign-in is turned off.")
    expect(page.get_by_role("main")).to_contain_text("Two-factor sign-in is off")
    assert not AuthenticatorApp.objects.filter(user=ada).exists()
