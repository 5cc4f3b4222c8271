"""The BSO registration with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to
act, arrow keys in radio groups and selects, typing into the focused field. No click, no fill,
no programmatic focus: the DOM is read only to know when Tab has reached the wanted control.

After each new step the focus must be on that step's h1; after a submission with errors it must
be on the error summary. axe checks every page reached (Journey.go).
"""

import re

import pytest

from organizations.roles import Role
from tests.factories import OrganizationFactory
from tests.registration import ssa_person

from .approvers import role_holder
from .journey import CODE, TRACKING_NUMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAB_LIMIT = 60  # more Tabs than any page here has stops before its controls


def focused(locator) -> bool:
    return locator.first.evaluate("el => el === document.activeElement")


def active(page) -> str:
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")


def tab_to(page, locator, *, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until ``locator`` has the focus."""
    for _ in range(TAB_LIMIT):
        if focused(locator):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {locator}; focus is on {active(page)}")


def type_into(page, label: str, text: str, **kwargs) -> None:
    tab_to(page, page.get_by_label(label, **kwargs))
    page.keyboard.type(text)


def arrow_to(page, label: str, option: str) -> None:
    """A select: Tab to it, then ArrowDown until ``option`` is the selected one."""
    select = page.get_by_label(label)
    tab_to(page, select)
    selected = "el => el.selectedOptions.length ? el.selectedOptions[0].text.trim() : ''"
    for _ in range(100):
        if select.evaluate(selected) == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"ArrowDown never selected {option} in {label}")


def activate(journey, locator, key: str = "Enter") -> None:
    """Tab to a link or button and press Enter: a new page loads and axe checks it."""
    page = journey.page
    tab_to(page, locator)

    def press():
        with page.expect_navigation():
            page.keyboard.press(key)

    journey.go(press)


def on_step(page, heading) -> None:
    h1 = page.get_by_role("heading", level=1, name=heading)
    assert focused(h1), f"focus is on {active(page)}, not the h1 {heading!r}"


def on_error_summary(page) -> None:
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert focused(summary), f"focus is on {active(page)}, not the error summary"


def accept_terms(journey, next_heading) -> None:
    page = journey.page
    tab_to(page, page.get_by_label("I Accept the above Terms and Conditions"))
    page.keyboard.press("Space")
    activate(journey, page.get_by_role("button", name="I Accept"))
    on_step(page, next_heading)


def test_bso_registers_with_the_keyboard_alone(journey):
    page = journey.page
    button = lambda name: page.get_by_role("button", name=name)  # noqa: E731
    link = lambda name: page.get_by_role("link", name=name)  # noqa: E731
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    role_holder(Role.SECURITY_OFFICIAL, organization=organization)  # organizations need an SO
    barbara = ssa_person("Barbara")

    journey.open("/")
    activate(journey, button("Enter CMS Applications Portal"))
    activate(journey, link("Account Management"))
    activate(journey, link("New User Registration"))
    on_step(page, "New User Registration")
    activate(journey, link("Provider/Supplier Community"))
    on_step(page, "Terms and Conditions")
    accept_terms(journey, "Choose your role")

    # Choose your role: Tab into the group, Space selects the first, arrows move the choice.
    wanted = page.get_by_role("radio", name=re.compile("^Backup Security Official"))
    tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("Space")
    for _ in range(page.get_by_role("radio").count()):
        if wanted.is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert wanted.is_checked()
    activate(journey, button("Next"))
    on_step(page, "Backup Security Official - Terms and Conditions")
    accept_terms(journey, "User Information")

    # User Information: Next with nothing typed, then the fields, Shift+Tab back up once.
    activate(journey, button("Next"))
    on_error_summary(page)
    assert page.title().startswith("Error: ")
    type_into(page, "First name", barbara.first_name)
    type_into(page, "Last name", barbara.last_name)
    type_into(page, "Date of birth", barbara.date_of_birth)
    type_into(page, "Social Security number", barbara.ssn)
    type_into(page, "Email address", barbara.email, exact=True)
    type_into(page, "Confirm email address", barbara.email)
    tab_to(page, page.get_by_label("First name"), key="Shift+Tab")
    assert page.get_by_label("First name").input_value() == barbara.first_name
    activate(journey, button("Next"))
    on_step(page, "Email Address Verification")

    # The inbox (the outbox page), read with the keyboard; back to the step by its address.
    wizard_url = page.url
    activate(journey, journey.mail_link("Email Address Verification", barbara.email))
    code = CODE.search(page.locator("pre").inner_text()).group(1)
    journey.go(lambda: page.goto(wizard_url))
    on_step(page, "Email Address Verification")
    type_into(page, "Verification code", code)
    page.keyboard.press("Tab")  # then Enter on the focused Next button, not in the field
    activate(journey, button("Next"))
    on_step(page, "Professional Contact Information")

    # Professional Contact Information: empty first (work email comes prefilled).
    activate(journey, button("Next"))
    on_error_summary(page)
    type_into(page, "Company name", "Chesapeake Family Medicine")
    type_into(page, "Address line 1", "100 Main Street")
    type_into(page, "City", "Baltimore")
    arrow_to(page, "State or territory", "Maryland")
    type_into(page, "ZIP code", "21201")
    type_into(page, "Work phone", "(410) 555-0100")
    activate(journey, button("Next"))
    on_step(page, "Organization Search")

    type_into(page, "Business name", "chesapeake fam")
    arrow_to(page, "State or territory", "Maryland")
    activate(journey, button("Search"))
    on_step(page, "Organization Search")
    arrow_to(page, "Organization(s)", "Chesapeake Family Medicine (Baltimore, MD)")
    activate(journey, button("Next"))
    on_step(page, "Justification for Action")

    activate(journey, button("Next"))
    on_error_summary(page)
    type_into(page, "Justification for Action", "I back up our Security Official.")
    activate(journey, button("Next"))
    on_step(page, "Review Registration Details")

    activate(journey, button("Submit"))
    on_step(page, "Registration Acknowledgement")
    assert TRACKING_NUMBER.fullmatch(page.locator(".tracking-number").inner_text())
