"""The whole BSO path in headless Chromium, reading the mail from the outbox page, with axe
checking every page visited for WCAG 2.1 A and AA violations."""

import pytest

from organizations.roles import Role
from tests.factories import OrganizationFactory
from tests.registration import ssa_person

from .approvers import PASSWORD, role_holder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bso_registers_is_approved_by_the_so_and_signs_in(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    so = role_holder(Role.SECURITY_OFFICIAL, organization=organization)
    barbara = ssa_person("Barbara")

    journey.enter_portal()
    journey.start_registration("Backup Security Official")

    # User Information, first with a mistake: the error summary and inline error appear.
    page.get_by_label("First name").fill(barbara.first_name)
    page.get_by_label("Last name").fill(barbara.last_name)
    page.get_by_label("Date of birth").fill(barbara.date_of_birth)
    page.get_by_label("Social Security number").fill(barbara.ssn)
    page.get_by_label("Email address", exact=True).fill(barbara.email)
    page.get_by_label("Confirm email address").fill("barbara@example.com")
    journey.press("Next")
    assert journey.sees_heading("There is a problem")
    assert page.get_by_label("First name").input_value() == "Barbara"
    assert page.get_by_label("Social Security number").input_value() == ""
    journey.enter_user_information(barbara)
    journey.verify_email(barbara)

    journey.enter_contact(
        barbara,
        company="Chesapeake Family Medicine",
        street="100 Main Street",
        city="Baltimore",
        state="Maryland",
        zip_code="21201",
    )
    journey.pick_organization(
        search="chesapeake fam",
        state="Maryland",
        choice="Chesapeake Family Medicine (Baltimore, MD)",
    )
    journey.justify("I back up our Security Official.")

    assert journey.review_shows("User Information", "Social Security number") == "***-**-6781"
    journey.follow("Edit Professional Contact Information")
    page.get_by_label("City").fill("Towson")
    journey.press("Next")
    assert "Towson" in journey.review_shows("Professional Contact Information", "Address")
    tracking = journey.submit()

    journey.approve(tracking, approver=so, password=PASSWORD)

    journey.first_sign_in(barbara)
    assert journey.my_roles() == [
        {
            "Role": "Backup Security Official",
            "Organization": "Chesapeake Family Medicine",
            "User group": "—",
            "Status": "Active",
        }
    ]
    journey.log_out()
    assert len(journey.axe.checked) > 30
