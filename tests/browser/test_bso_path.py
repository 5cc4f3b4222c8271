"""The whole BSO path in headless Chromium, reading the mail from the outbox page, with axe
checking every page visited for WCAG 2.1 A and AA violations."""

import re

import pytest

from tests.factories import DEMO_PERSON, OrganizationFactory, security_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"
    settings.OUTBOX_DIR = tmp_path
    settings.OUTBOX_PAGE_ENABLED = True


def read_mail(page, base: str, subject: str, axe) -> str:
    """Open the newest message with this subject on the outbox page and return its text."""
    page.goto(f"{base}/outbox/")
    axe.check(page)
    page.get_by_role("link", name=subject).first.click()
    axe.check(page)
    return page.locator("pre").inner_text()


def go(page, axe, action) -> None:
    action()
    page.wait_for_load_state()
    axe.check(page)


def test_bso_registers_is_approved_and_signs_in(live_server, browser_page, outbox, axe):
    page, base = browser_page, live_server.url
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    so = security_official(organization)

    page.goto(base + "/")
    axe.check(page)
    go(page, axe, lambda: page.get_by_role("button", name="Enter CMS Applications Portal").click())
    go(page, axe, lambda: page.get_by_role("link", name="Account Management").first.click())
    assert page.get_by_role("heading", name="Help Resources").is_visible()
    go(page, axe, lambda: page.get_by_role("link", name="New User Registration").click())
    go(page, axe, lambda: page.get_by_role("link", name="Provider/Supplier Community").click())

    accept = page.get_by_role("button", name="I Accept")
    assert accept.is_disabled()  # until the box is checked
    page.locator("label[for=id_accept]").click()
    go(page, axe, accept.click)
    page.locator("label[for=id_role_1]").click()
    assert page.get_by_role("radio", name=re.compile("^Backup Security Official")).is_checked()
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())
    page.locator("label[for=id_accept]").click()
    go(page, axe, lambda: page.get_by_role("button", name="I Accept").click())

    # User Information, first with a mistake: the error summary and inline error appear.
    page.get_by_label("First name").fill(DEMO_PERSON["first_name"])
    page.get_by_label("Last name").fill(DEMO_PERSON["last_name"])
    page.get_by_label("Date of birth").fill(DEMO_PERSON["date_of_birth"])
    page.get_by_label("Social Security number").fill(DEMO_PERSON["ssn"])
    page.get_by_label("Email address", exact=True).fill("barbara@example.org")
    page.get_by_label("Confirm email address").fill("barbara@example.com")
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_label("First name").input_value() == "Barbara"
    assert page.get_by_label("Social Security number").input_value() == ""
    page.get_by_label("Social Security number").fill(DEMO_PERSON["ssn"])
    page.get_by_label("Confirm email address").fill("barbara@example.org")
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())
    assert page.get_by_role("heading", name="Email Address Verification").is_visible()
    wizard_url = page.url

    code = re.search(
        r"\b(\d{6})\b", read_mail(page, base, "Email Address Verification", axe)
    ).group(1)
    page.goto(wizard_url)
    page.get_by_label("Verification code").fill(code)
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())

    page.get_by_label("Company name").fill("Chesapeake Family Medicine")
    page.get_by_label("Address line 1").fill("100 Main Street")
    page.get_by_label("City").fill("Baltimore")
    page.get_by_label("State or territory").select_option(label="Maryland")
    page.get_by_label("ZIP code").fill("21201")
    page.get_by_label("Work phone").fill("(410) 555-0100")
    assert page.get_by_label("Work email").input_value() == "barbara@example.org"
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())

    page.get_by_label("Business name").fill("chesapeake fam")
    page.get_by_label("State or territory").select_option(label="Maryland")
    go(page, axe, lambda: page.get_by_role("button", name="Search").click())
    page.get_by_label("Organization(s)").select_option(
        label="Chesapeake Family Medicine (Baltimore, MD)"
    )
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())
    page.get_by_label("Justification for Action").fill("I back up our Security Official.")
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())

    assert page.get_by_role("heading", name="Review Registration Details").is_visible()
    assert page.get_by_text("***-**-6781").is_visible()
    go(
        page,
        axe,
        lambda: page.get_by_role("link", name="Edit Professional Contact Information").click(),
    )
    page.get_by_label("City").fill("Towson")
    go(page, axe, lambda: page.get_by_role("button", name="Next").click())
    assert page.get_by_text("Towson").first.is_visible()
    go(page, axe, lambda: page.get_by_role("button", name="Submit").click())

    tracking = page.locator(".tracking-number").inner_text()
    assert re.fullmatch(r"IR-\d{5}-\d{5}", tracking)
    go(page, axe, lambda: page.get_by_role("button", name="OK").click())

    # The SO approves in Pending Approvals.
    go(page, axe, lambda: page.get_by_role("link", name="My Profile").first.click())
    page.get_by_label("User ID").fill(so.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple-9")
    go(page, axe, lambda: page.get_by_role("button", name="Login").click())
    go(
        page,
        axe,
        lambda: page.get_by_role("link", name=re.compile("Pending Approvals")).first.click(),
    )
    go(page, axe, lambda: page.get_by_role("link", name=tracking).click())
    page.locator("label[for=id_decision_0]").click()
    go(page, axe, lambda: page.get_by_role("button", name="Record decision").click())
    assert page.get_by_text(f"Request {tracking} was approved").is_visible()
    go(page, axe, lambda: page.get_by_role("button", name="Logout").first.click())

    # The new BSO reads both emails, signs in, changes the password and answers questions.
    id_mail = read_mail(page, base, "FYI: User Creation Completed – Account ID Enclosed", axe)
    user_id = re.search(r"User ID is: (\S+)", id_mail).group(1)
    pw_mail = read_mail(page, base, "FYI: User Creation Completed – Password Enclosed", axe)
    password = re.search(r"^\s+(\S{20})\s*$", pw_mail, re.MULTILINE).group(1)

    page.goto(base + "/")
    go(page, axe, lambda: page.get_by_role("button", name="Enter CMS Applications Portal").click())
    go(page, axe, lambda: page.get_by_role("link", name="Account Management").first.click())
    go(page, axe, lambda: page.get_by_role("link", name="My Profile").first.click())
    page.get_by_label("User ID").fill(user_id)
    page.get_by_label("Password").fill(password)
    go(page, axe, lambda: page.get_by_role("button", name="Login").click())
    assert page.get_by_role("heading", name="Change Password").is_visible()
    page.get_by_label("New Password", exact=True).fill("blue heron kayak sunrise")
    page.get_by_label("Confirm New Password").fill("blue heron kayak sunrise")
    go(page, axe, lambda: page.get_by_role("button", name="Change Password").click())
    assert page.get_by_role(
        "heading", name="Change Answers to Authentication Questions"
    ).is_visible()
    page.get_by_label("What was the name of your first pet?").fill("Rex")
    page.get_by_label("What was the make of your first car?").fill("Ford")
    go(page, axe, lambda: page.get_by_role("button", name="Save").click())
    go(page, axe, lambda: page.get_by_role("link", name="OK").click())
    assert page.get_by_role("heading", name="My Profile").is_visible()
    assert page.get_by_text(user_id).first.is_visible()
    go(page, axe, lambda: page.get_by_role("button", name="Logout").last.click())
    assert len(axe.checked) > 30
