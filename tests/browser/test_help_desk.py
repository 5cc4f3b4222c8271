"""The help desk resolves the common calls from the admin, in headless Chromium (issue 6).

An agent of the "Help Desk" group signs in through /admin/ (the portal's sign-in, then the
authenticator code) and, with the mouse and keyboard only: unlocks a locked-out caller, resets
a forgotten password, finds the emails a caller says never came and resends the User ID, and
answers "who approves my request?". A "CMS Approver" approves a Security Official's request.
The caller works in a browser of their own, reading their mail from the outbox page. axe checks
every page both of them see (WCAG 2.1 A and AA), and no admin page may raise a CSP violation.
"""

import re

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from approvals.models import AccessRequest
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    security_official,
    set_up,
    staff_member,
)
from tests.helpdesk.requests_support import so_request
from tests.registration import BARBARA

from .approvers import PASSWORD
from .help_desk_support import Desk, second_browser, temporary_password
from .journey import NEW_PASSWORD
from .test_lockout import REFUSED, WRONG, log_in, refusal
from .test_officials import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSA = "rosa.delgado@example.org"
UNLOCK_REASON = "Ticket 5521: caller gave her User ID, email and year of birth."
RESET_REASON = "Ticket 5522: caller forgot her password and her answers."
RESEND_REASON = "Ticket 5523: caller never got her User ID."
LOCKED_SUBJECT = "IACS account locked after failed sign-ins"
UNLOCKED_SUBJECT = "Your IACS account was unlocked"
PASSWORD_SUBJECT = "Your new IACS temporary password"
USER_ID_SUBJECT = "Your IACS User ID"


@pytest.fixture
def caller(chromium, live_server, desk, axe):
    """The caller's own browser, next to the agent's."""
    journey = second_browser(chromium, live_server.url, axe)
    yield journey
    journey.page.context.close()


def mail_rows(desk: Desk, address: str) -> list[str]:
    """Sent mail, searched by the address: each row as "subject | status", newest first."""
    desk.open_list("Sent mail")
    desk.search(address)
    table = desk.page.locator("#result_list")
    subjects = table.locator("tbody td.field-subject").all_inner_texts()
    statuses = table.locator("tbody td.field-status").all_inner_texts()
    return [f"{subject} | {status}" for subject, status in zip(subjects, statuses, strict=True)]


def who_decides(desk: Desk) -> list[list[str]]:
    """The "who may decide it now" table of a request's page: name, User ID, email."""
    table = desk.page.locator(".who-decides").get_by_role("table", name="Who may decide it now")
    return [row.get_by_role("cell").all_inner_texts() for row in table.locator("tbody tr").all()]


def test_locked_out_forgot_password_and_never_got_the_email(desk, caller):
    page = desk.page
    rosa = set_up(
        UserFactory(username="ROSA42", first_name="Rosa", last_name="Delgado", email=ROSA)
    )
    agent = staff_member("Help Desk")

    # Rosa locks herself out: five wrong passwords, then even the right one is refused.
    caller.enter_portal()
    caller.follow("My Profile")
    for _ in range(5):
        log_in(caller, "ROSA42", WRONG)
        assert refusal(caller) == REFUSED
    log_in(caller, "ROSA42", PASSWORD)
    assert refusal(caller) == REFUSED

    # "I'm locked out." The agent finds her by User ID and sees the lock.
    desk.sign_in_to_admin(agent)
    desk.open_list("Users")
    desk.search("rosa42")
    assert len(desk.rows()) == 1
    desk.follow("ROSA42")
    assert desk.sees_heading("ROSA42")
    assert desk.shown("Locked").startswith("Yes, until")

    # Unlock without a reason: the error is in the summary and next to the field.
    desk.follow("Unlock")
    assert desk.sees_heading("Unlock: ROSA42")
    desk.press("Unlock")
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the error below.")
    reason = page.get_by_label("Reason")
    expect(reason).to_have_accessible_description(re.compile("Enter the reason for this action."))
    summary.get_by_role("link", name="Reason: Enter the reason for this action.").click()
    expect(reason).to_be_focused()  # the summary's link leads to the field
    rosa.refresh_from_db()
    assert rosa.locked_until is not None  # nothing was done
    reason.fill(UNLOCK_REASON)
    desk.press("Unlock")
    assert desk.messages() == [
        "ROSA42 is unlocked and can log in with their password now. They were emailed."
    ]
    assert desk.shown("Locked") == "No"

    # Rosa is told, and signs in with her own password.
    assert "The help desk unlocked your IACS account, User ID ROSA42." in caller.read_mail(
        UNLOCKED_SUBJECT, to=ROSA
    )
    caller.enter_portal()
    caller.sign_in("ROSA42", PASSWORD)
    assert caller.sees_heading("My Profile")
    caller.log_out()

    # "I forgot my password." A reset: her password stops working at once, and the new
    # temporary one is emailed to her.
    assert desk.act("Reset password", RESET_REASON) == [
        "ROSA42's password was reset: a new temporary password is being emailed to them."
    ]
    assert desk.shown("Temporary password").startswith("Sent; expires at")
    assert desk.shown("First sign-in") == "Not done: must change the temporary password"
    caller.enter_portal()
    caller.follow("My Profile")
    log_in(caller, "ROSA42", PASSWORD)
    assert refusal(caller) == REFUSED
    temporary = temporary_password(caller.read_mail(PASSWORD_SUBJECT, to=ROSA))
    caller.enter_portal()
    caller.sign_in("ROSA42", temporary)
    assert caller.sees_heading("Change Password")
    caller.open("/profile/")
    assert caller.sees_heading("Change Password")  # nothing else opens until she changes it
    page_of_caller = caller.page
    page_of_caller.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page_of_caller.get_by_label("Confirm New Password").fill(NEW_PASSWORD)
    caller.press("Change Password")
    assert caller.sees_heading("My Profile")
    caller.log_out()

    # "I never got the email." Sent mail, searched by her address: each email and its status.
    assert mail_rows(desk, ROSA) == [
        "FYI: Your IACS Password Was Changed | Sent",
        f"{PASSWORD_SUBJECT} | Sent",
        f"{UNLOCKED_SUBJECT} | Sent",
        f"{LOCKED_SUBJECT} | Sent",
    ]
    # From an email's page to the account it was about, and the User ID sent again.
    row = page.locator("#result_list tbody tr").filter(has_text=PASSWORD_SUBJECT)
    desk.go(row.get_by_role("link").first.click)
    assert desk.sees_heading(re.compile("^View email"))
    desk.follow("ROSA42")
    assert desk.act("Resend User ID", RESEND_REASON) == [
        "ROSA42's User ID is being emailed to them."
    ]
    assert mail_rows(desk, ROSA)[:2] == [
        f"{USER_ID_SUBJECT} | Sent",
        "FYI: Your IACS Password Was Changed | Sent",
    ]
    assert "Your User ID is: ROSA42" in caller.read_mail(USER_ID_SUBJECT, to=ROSA)

    # Nothing the agent saw held the temporary password; Rosa's own new password works.
    assert desk.never_showed(temporary)
    caller.enter_portal()
    caller.sign_in("ROSA42", NEW_PASSWORD)
    assert caller.sees_heading("My Profile")
    assert len(desk.axe.checked) > 30


def test_who_approves_my_request_and_a_cms_approver_approves_one(desk, caller):
    page = desk.page
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    so = security_official(organization)
    lena = submitted(  # Lena asks to be the Backup Security Official of a clinic with an SO
        Role.BACKUP_SECURITY_OFFICIAL,
        organization=organization,
        first_name="Lena",
        last_name="Moreau",
        email="lena.moreau@example.org",
        justification="I cover for our Security Official.",
    )
    # Barbara registers an organization, as its Security Official, through the wizard (whose
    # test client reads her verification code from Django's test mailbox).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        barbara = so_request()
    approver = staff_member("CMS Approver", first_name="Hana", last_name="Diaz")

    # "Who approves my request?" Lena gives her tracking number; the panel names the SO.
    desk.sign_in_to_admin(staff_member("Help Desk"))
    desk.open_list("Access requests")
    desk.search(lena.tracking_number)
    assert len(desk.rows()) == 1
    desk.follow(lena.tracking_number)
    assert desk.sees_heading(lena.tracking_number)
    assert who_decides(desk) == [[so.full_name, so.username, so.email]]
    expect(page.locator(".who-decides")).to_contain_text(
        "A Backup Security Official request is decided by the Security Official of "
        "Chesapeake Family Medicine."
    )
    # Barbara's is for a CMS approver, and the help desk has no button to decide it.
    desk.open_list("Access requests")
    desk.search(barbara.tracking_number)
    desk.follow(barbara.tracking_number)
    assert who_decides(desk) == [["Hana Diaz", approver.username, approver.email]]
    expect(page.get_by_role("link", name="Approve")).to_have_count(0)
    expect(page.get_by_role("link", name="Resend acknowledgement")).to_have_count(1)
    desk.sign_out_of_admin()

    # The CMS approver approves it, with a reason.
    desk.sign_in_to_admin(approver)
    desk.open_list("Access requests")
    desk.search(barbara.tracking_number)
    desk.follow(barbara.tracking_number)
    assert desk.act("Approve", "Checked the IRS letter of the organization, ticket 4411.") == [
        f"Request {barbara.tracking_number} was approved. Barbara Okafor receives a User ID "
        "and a temporary password by email."
    ]
    expect(page.locator(".who-decides")).to_contain_text(
        f"Nobody: the request is approved since {timezone.localdate():%m/%d/%Y}, by Hana Diaz "
        f"({approver.username})."
    )
    barbara.refresh_from_db()
    assert barbara.status == AccessRequest.Status.APPROVED

    # Barbara's inbox: her User ID, then her temporary password, which no admin page showed.
    user_id = User.objects.get(email=BARBARA.email).username
    id_mail = caller.read_mail("FYI: User Creation Completed – Account ID Enclosed", BARBARA.email)
    assert f"User ID is: {user_id}" in id_mail
    password = temporary_password(
        caller.read_mail("FYI: User Creation Completed – Password Enclosed", BARBARA.email)
    )
    assert desk.never_showed(password)
    assert not desk.never_showed(barbara.tracking_number)  # the pages were kept
