"""In the browser: five wrong passwords lock an account for 60 minutes (SPEC 9). Every refusal,
the one of the right password while locked too, shows the same message; the account holder is
emailed; an hour later the account opens by itself.

The clock stands still (time-machine patches the clock of the whole process, so the live
server's thread sees it too) and is moved on by hand, so the hour passes at once and exactly.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.lockout import user_is_locked
from tests.factories import UserFactory, set_up

from .approvers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "not-the-password-at-all"
REFUSED = (
    "The User ID or password is not correct, or the account is locked. Passwords are "
    "case-sensitive. After 5 failed attempts an account is locked for 60 minutes; the help desk "
    "can unlock it sooner."
)


def log_in(journey, user_id: str, password: str) -> None:
    journey.page.get_by_label("User ID").fill(user_id)
    journey.page.get_by_label("Password").fill(password)
    journey.press("Login")


def refusal(journey) -> str:
    """The error summary's one message; the page stays the login page and says it has an error."""
    page = journey.page
    assert journey.sees_heading("Login to IACS")
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    return summary.get_by_role("listitem").inner_text()


def test_five_wrong_passwords_lock_the_account_for_an_hour(journey):
    rosa = set_up(UserFactory(username="ROSA42", first_name="Rosa", email="rosa@example.org"))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        journey.enter_portal()
        journey.follow("My Profile")
        for attempt in range(1, 6):
            log_in(journey, "ROSA42", WRONG)
            assert refusal(journey) == REFUSED
            rosa.refresh_from_db()
            assert user_is_locked(user=rosa) is (attempt == 5)

        log_in(journey, "ROSA42", PASSWORD)  # the right password, while locked
        assert refusal(journey) == REFUSED

        mail = journey.read_mail("IACS account locked after failed sign-ins", to=rosa.email)
        assert "User ID ROSA42, was locked after 5 failed sign-in attempts" in mail
        assert "opens again by itself in 60 minutes" in mail

        clock.move_to(start + timedelta(minutes=59, seconds=59))
        journey.open("/login/")
        log_in(journey, "ROSA42", PASSWORD)
        assert refusal(journey) == REFUSED

        clock.move_to(start + timedelta(minutes=60))
        log_in(journey, "ROSA42", PASSWORD)
        assert journey.sees_heading("My Profile")
