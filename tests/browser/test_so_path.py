"""A Security Official registers their organization; a CMS approver at the help desk approves
both in the same Pending Approvals queue; the SO signs in and sees the organization."""

import pytest

from organizations.models import Organization
from tests.registration import ssa_person

from .approvers import PASSWORD, staff_approver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_so_registers_an_organization_is_approved_by_cms_and_signs_in(journey):
    page = journey.page
    approver = staff_approver()
    luis = ssa_person("Luis")

    journey.enter_portal()
    journey.start_registration("Security Official")
    journey.enter_user_information(luis)
    journey.verify_email(luis)
    journey.enter_contact(
        luis,
        company="Harbor Point Cardiology",
        street="20 Pratt Street",
        city="Annapolis",
        state="Maryland",
        zip_code="21401",
    )

    # The organization starts from the contact details; the SO adds its identifiers.
    assert journey.sees_heading("Organization Information")
    assert page.get_by_label("Legal business name").input_value() == "Harbor Point Cardiology"
    assert page.get_by_label("City").input_value() == "Annapolis"
    page.get_by_label("Legal business name").fill("Harbor Point Cardiology LLC")
    page.get_by_label("EIN/TIN").fill("52-1234567")
    page.get_by_label("NPI").fill("1234567893")
    journey.press("Next")
    journey.justify("I am the practice manager and will run our CMS access.")
    assert journey.review_shows("Organization", "EIN/TIN") == "52-1234567"
    assert journey.review_shows("Organization", "NPI") == "1234567893"
    tracking = journey.submit()
    assert Organization.objects.get().status == Organization.Status.PENDING

    journey.approve(tracking, approver=approver, password=PASSWORD)
    assert Organization.objects.get().status == Organization.Status.APPROVED

    journey.first_sign_in(luis)
    assert journey.my_roles() == [
        {
            "Role": "Security Official",
            "Organization": "Harbor Point Cardiology LLC",
            "User group": "—",
            "Status": "Active",
        }
    ]
    journey.log_out()
