"""An End User picks an organization and one of its user groups; the group's User Group
Administrator approves; the end user signs in and sees the group."""

import pytest

from organizations.roles import Role
from tests.factories import OrganizationFactory
from tests.registration import ssa_person

from .approvers import PASSWORD, UserGroupFactory, role_holder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_end_user_joins_a_group_is_approved_by_its_uga_and_signs_in(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Severn River Dialysis", state="MD")
    group = UserGroupFactory(organization=organization, name="Eligibility")
    UserGroupFactory(
        organization=organization,
        kind="surrogate",
        name="Claims",
        company_name="Bayside Billing Inc.",
    )
    uga = role_holder(Role.USER_GROUP_ADMINISTRATOR, group=group)
    aisha = ssa_person("Aisha")

    journey.enter_portal()
    journey.start_registration("End User")
    journey.enter_user_information(aisha)
    journey.verify_email(aisha)
    journey.enter_contact(
        aisha,
        company="Severn River Dialysis",
        street="3 Ritchie Highway",
        city="Severna Park",
        state="Maryland",
        zip_code="21146",
    )
    journey.pick_organization(
        search="severn", state="Maryland", choice="Severn River Dialysis (Baltimore, MD)"
    )

    assert journey.sees_heading("Choose a User Group")
    group_list = page.get_by_label("User group")
    assert group_list.locator("option").all_inner_texts() == [
        "- Select a user group -",
        "Eligibility (Provider user group)",
        "Claims (Surrogate user group, run by Bayside Billing Inc.)",
    ]
    group_list.select_option(label="Eligibility (Provider user group)")
    journey.press("Next")
    journey.justify("I check patients' Medicare eligibility before treatment.")
    assert journey.review_shows("User Group", "User group") == "Eligibility"
    tracking = journey.submit()

    journey.approve(tracking, approver=uga, password=PASSWORD)

    journey.first_sign_in(aisha)
    assert journey.my_roles() == [
        {
            "Role": "End User",
            "Organization": "Severn River Dialysis",
            "User group": "Eligibility (provider user group)",
            "Status": "Active",
        }
    ]
    journey.log_out()
