"""A User Group Administrator creates a provider user group, or a surrogate user group for
their company, in an approved organization; the organization's SO or BSO approves; the UGA
signs in and sees the group."""

import pytest

from organizations.models import UserGroup
from organizations.roles import Role
from tests.factories import OrganizationFactory
from tests.registration import ssa_person

from .approvers import PASSWORD, role_holder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_uga_creates_a_provider_group_is_approved_by_the_so_and_signs_in(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Patapsco Valley Pediatrics", state="MD")
    so = role_holder(Role.SECURITY_OFFICIAL, organization=organization)
    tomas = ssa_person("Tomas")

    journey.enter_portal()
    journey.start_registration("User Group Administrator")
    journey.enter_user_information(tomas)
    journey.verify_email(tomas)
    journey.enter_contact(
        tomas,
        company="Patapsco Valley Pediatrics",
        street="8 Frederick Road",
        city="Ellicott City",
        state="Maryland",
        zip_code="21043",
    )
    journey.pick_organization(
        search="patapsco", state="Maryland", choice="Patapsco Valley Pediatrics (Baltimore, MD)"
    )

    assert journey.sees_heading("User Group")
    journey.choose(page.get_by_role("radio", name="Create a provider user group"))
    journey.press("Next")
    assert journey.sees_heading("New Provider User Group")
    page.get_by_label("User group name").fill("Front Desk")
    page.get_by_label("Description").fill("Checks eligibility when patients arrive.")
    journey.press("Next")
    journey.justify("I run the front desk staff who check eligibility.")
    assert journey.review_shows("User Group", "Kind") == "Provider user group"
    tracking = journey.submit()
    assert UserGroup.objects.get().status == UserGroup.Status.PENDING

    journey.approve(tracking, approver=so, password=PASSWORD)
    assert UserGroup.objects.get().status == UserGroup.Status.APPROVED

    journey.first_sign_in(tomas)
    assert journey.my_roles() == [
        {
            "Role": "User Group Administrator",
            "Organization": "Patapsco Valley Pediatrics",
            "User group": "Front Desk (provider user group)",
            "Status": "Active",
        }
    ]
    journey.log_out()


def test_uga_creates_a_surrogate_group_is_approved_by_the_bso_and_signs_in(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Gunpowder Falls Orthopedics", state="MD")
    role_holder(Role.SECURITY_OFFICIAL, organization=organization)
    bso = role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    henry = ssa_person("Henry")

    journey.enter_portal()
    journey.start_registration("User Group Administrator")
    journey.enter_user_information(henry)
    journey.verify_email(henry)
    journey.enter_contact(
        henry,
        company="Bayside Billing Inc.",
        street="400 Light Street",
        city="Baltimore",
        state="Maryland",
        zip_code="21202",
    )
    journey.pick_organization(
        search="gunpowder", state="Maryland", choice="Gunpowder Falls Orthopedics (Baltimore, MD)"
    )

    # This time from the keyboard alone.
    journey.choose_by_keyboard("What do you want to do?", "Create a surrogate user group")
    journey.submit_with_enter()
    assert journey.sees_heading("New Surrogate User Group")
    assert page.get_by_label("Company name").input_value() == "Bayside Billing Inc."
    page.get_by_label("User group name").fill("Bayside claims team")
    page.get_by_label("Description").fill("Submits and follows up claims for the practice.")
    page.get_by_label("Company address").fill("400 Light Street")
    page.get_by_label("Company city").fill("Baltimore")
    page.get_by_label("Company state or territory").select_option(label="Maryland")
    page.get_by_label("Company ZIP code").fill("21202")
    page.get_by_label("Company phone").fill("410-555-0199")
    journey.press("Next")
    journey.justify("Our company does the orthopedic practice's Medicare billing.")
    assert journey.review_shows("User Group", "Kind") == "Surrogate user group"
    assert journey.review_shows("User Group", "Company") == "Bayside Billing Inc."
    tracking = journey.submit()

    journey.approve(tracking, approver=bso, password=PASSWORD)

    journey.first_sign_in(henry)
    assert journey.my_roles() == [
        {
            "Role": "User Group Administrator",
            "Organization": "Gunpowder Falls Orthopedics",
            "User group": "Bayside claims team (surrogate user group)",
            "Status": "Active",
        }
    ]
    assert page.get_by_role(
        "link", name="Associate your surrogate user group with another provider organization"
    ).is_visible()
    journey.log_out()
