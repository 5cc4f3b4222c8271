"""An Individual Practitioner registers their practice, without an organization; a CMS
approver approves; the practitioner signs in and sees the personal role."""

import pytest

from tests.registration import ssa_person

from .approvers import PASSWORD, staff_approver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_individual_practitioner_registers_is_approved_by_cms_and_signs_in(journey):
    page = journey.page
    approver = staff_approver()
    grace = ssa_person("Grace")

    journey.enter_portal()
    journey.start_registration("Individual Practitioner")
    journey.enter_user_information(grace)
    journey.verify_email(grace)
    journey.enter_contact(
        grace,
        company="Grace Whitfield MD",
        street="7 Church Circle",
        city="Frederick",
        state="Maryland",
        zip_code="21701",
    )

    assert journey.sees_heading("Practice Information")
    assert page.get_by_label("Practice name").input_value() == "Grace Whitfield MD"
    page.get_by_label("NPI", exact=True).fill("1234567893")
    journey.press("Next")
    journey.justify("I bill Medicare for my own patients.")
    assert journey.review_shows("Practice", "NPI") == "1234567893"
    tracking = journey.submit()

    journey.approve(tracking, approver=approver, password=PASSWORD)

    journey.first_sign_in(grace)
    assert journey.my_roles() == [
        {
            "Role": "Individual Practitioner",
            "Organization": "None (personal)",
            "User group": "—",
            "Status": "Active",
        }
    ]
    journey.log_out()
