"""A signed-in user asks for more from My Profile (SPEC 1, 3): another role, then cancels the
pending request; a request left half-way, cancelled from the wizard; a surrogate User Group
Administrator's association with one more provider organization, approved by its Security
Official. The people start signed up, made by factories."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import AccessRequest
from organizations.roles import Role
from tests.factories import OrganizationFactory, UserFactory, UserGroupFactory, set_up

from .approvers import PASSWORD, role_holder
from .practitioner import practice_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def request_a_role(journey) -> None:
    """My Profile, Request an Additional Role, the community (the first is chosen): the roles."""
    journey.follow("Request an Additional Role")
    assert journey.sees_heading("Request a Role")
    journey.press("Next")
    assert journey.sees_heading("Choose your role")


def my_request(journey, tracking: str):
    """The row of My Profile's My Requests for ``tracking``."""
    requests = journey.page.get_by_role("region", name="My Requests")
    return requests.get_by_role("row").filter(has_text=tracking)


def test_signed_in_user_requests_a_role_cancels_it_and_abandons_another(journey):
    page = journey.page
    user = set_up(UserFactory(first_name="Katherine", last_name="Johnson"))
    journey.enter_portal()
    journey.sign_in(user.username, PASSWORD)

    request_a_role(journey)
    journey.press("Next")  # no role chosen
    journey.sees_error("Select a role.")
    journey.choose_role("Individual Practitioner")
    assert journey.sees_heading("Professional Contact Information")
    tracking = practice_submitted(journey, user)  # OK leads back to My Profile

    assert journey.sees_heading("My Profile")
    expect(my_request(journey, tracking)).to_contain_text("Pending approval")
    journey.follow(f"Cancel request {tracking}")
    assert journey.sees_heading(f"Cancel request {tracking}?")
    journey.follow("No, keep it")
    expect(my_request(journey, tracking)).to_contain_text("Pending approval")
    journey.follow(f"Cancel request {tracking}")
    journey.press("Yes, cancel this request")
    expect(page.get_by_role("status")).to_contain_text(f"Request {tracking} was cancelled.")
    expect(my_request(journey, tracking)).to_contain_text("Cancelled")
    expect(my_request(journey, tracking).get_by_role("link")).to_have_count(0)

    # Another request, left at its first step: Cancel asks, then deletes the draft.
    request_a_role(journey)
    journey.choose(page.get_by_role("radio", name=re.compile("^Individual Practitioner")))
    journey.press("Next")
    journey.follow("Cancel request")
    assert journey.sees_heading("Cancel your request?")
    journey.follow("No, go back to my request")
    assert journey.sees_heading("Individual Practitioner - Terms and Conditions")
    journey.follow("Cancel request")
    journey.press("Yes, cancel my request")
    assert journey.sees_heading("My Profile")
    expect(page.get_by_role("status")).to_contain_text(
        "Your request was cancelled and what you entered was deleted."
    )
    assert not AccessRequest.objects.filter(status=AccessRequest.Status.DRAFT).exists()
    journey.log_out()


def test_surrogate_uga_associates_with_another_organization_approved_by_its_so(journey):
    page = journey.page
    served = UserGroupFactory(
        surrogate=True,
        name="Harbor claims team",
        company_name="Harbor Billing LLC",
        organization=OrganizationFactory(legal_name="Severn River Cardiology", state="MD"),
    )
    uga = role_holder(Role.USER_GROUP_ADMINISTRATOR, group=served)
    magothy = OrganizationFactory(legal_name="Magothy Family Medicine", state="MD")
    so = role_holder(Role.SECURITY_OFFICIAL, organization=magothy)

    journey.enter_portal()
    journey.sign_in(uga.username, PASSWORD)
    journey.follow("Associate your surrogate user group with another provider organization")
    assert journey.sees_heading("Associate with Another Provider Organization")
    expect(page.get_by_role("main")).to_contain_text("Severn River Cardiology: Harbor claims team")
    journey.press("Start")
    journey.pick_organization(
        search="magothy", state="Maryland", choice="Magothy Family Medicine (Baltimore, MD)"
    )
    assert journey.sees_heading("New Surrogate User Group")
    # The same company as before, and its group's name, to change.
    assert page.get_by_label("Company address").input_value() == "9 Pier Road"
    page.get_by_label("User group name").fill("Harbor claims for Magothy")
    journey.press("Next")
    journey.sees_error("This field is required.", field="Description")
    page.get_by_label("Description").fill("Submits and follows up claims for the practice.")
    journey.press("Next")
    journey.justify("Magothy Family Medicine hired us for its Medicare billing.")
    assert journey.review_shows("User Group", "Company") == "Harbor Billing LLC"
    tracking = journey.submit()
    expect(my_request(journey, tracking)).to_contain_text("Pending approval")
    journey.log_out()

    journey.enter_portal()
    journey.approve(tracking, approver=so, password=PASSWORD)
    journey.enter_portal()
    journey.sign_in(uga.username, PASSWORD)
    groups = {role["User group"] for role in journey.my_roles()}
    assert groups == {
        "Harbor claims team (surrogate user group)",
        "Harbor claims for Magothy (surrogate user group)",
    }
