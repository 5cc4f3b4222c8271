"""Officials at work in headless Chromium: a Security Official filters Pending Approvals and
denies a request, the applicant looks its status up without signing in, and the SO removes a
User Group Administrator's role from Manage Roles. The mail is read from the outbox page and
axe checks every page visited for WCAG 2.1 A and AA violations."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import AccessRequest
from approvals.submitting import access_request_submit
from organizations.models import RoleAssignment
from organizations.roles import Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory, community

from .approvers import PASSWORD, UserGroupFactory, role_holder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAT = "pat.okafor@example.org"


def submitted(role: str, *, organization, group=None, **fields) -> AccessRequest:
    """A request as the wizard leaves it, submitted through the service (so its history has
    the submission, and the approvers are emailed)."""
    draft = AccessRequest.objects.create(
        community=community(),
        role=role,
        organization=organization,
        group=group,
        company_name=organization.legal_name,
        address_line1="100 Main Street",
        city="Baltimore",
        state="MD",
        zip_code="21201",
        work_phone="(410) 555-0100",
        **fields,
    )
    with transaction.atomic():
        return access_request_submit(access_request=draft)


def test_so_filters_the_queue_denies_a_request_and_the_applicant_checks_its_status(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    billing = UserGroupFactory(organization=organization, name="Billing")
    # Ten days ago Pat asked to register as the Backup Security Official ...
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        pat = submitted(
            Role.BACKUP_SECURITY_OFFICIAL,
            organization=organization,
            first_name="Pat",
            last_name="Okafor",
            date_of_birth=date(1984, 3, 12),
            ssn_last4="6781",
            email=PAT,
            work_email=PAT,
            justification="I back up our Security Official while she is on leave.",
        )
    # ... and since then two more requests came in for the SO to decide.
    submitted(
        Role.USER_GROUP_ADMINISTRATOR,
        organization=organization,
        group=billing,
        group_action=AccessRequest.GroupAction.JOIN,
        first_name="Quinn",
        last_name="Adebayo",
        email="quinn@example.org",
        justification="I will administer the Billing group.",
    )
    holder = UserFactory(first_name="Rosa", last_name="Baptiste")
    submitted(
        Role.USER_GROUP_ADMINISTRATOR,
        kind=AccessRequest.Kind.ADDITIONAL_ROLE,
        applicant=holder,
        organization=organization,
        group=billing,
        group_action=AccessRequest.GroupAction.JOIN,
        first_name=holder.first_name,
        last_name=holder.last_name,
        email=holder.email,
        justification="I am taking over Billing.",
    )
    so = role_holder(Role.SECURITY_OFFICIAL, organization=organization)

    journey.enter_portal()
    journey.sign_in(so.username, PASSWORD)
    assert journey.sees_heading("My Profile")
    pending = page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name=re.compile("^Pending Approvals")
    )
    expect(pending).to_have_accessible_name("Pending Approvals 3 pending")

    # The queue, narrowed to new registrations waiting for more than a week: Pat's alone.
    journey.go(pending.click)
    assert journey.sees_heading("Pending Approvals")
    queue = page.get_by_role("table")
    expect(queue.locator("caption")).to_contain_text("3 requests waiting for your decision")
    page.get_by_label("Request", exact=True).select_option(label="New user registration")
    page.get_by_label("Waiting").select_option(label="More than 7 days")
    journey.press("Apply")
    expect(queue.locator("caption")).to_contain_text(
        "1 request waiting for your decision that matches the filters"
    )
    rows = queue.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Pat Okafor")
    expect(rows.first).to_contain_text("Backup Security Official")
    assert page.get_by_label("Waiting").input_value() == "7"  # the filters stay as chosen

    # The request's page: who asks, the SSN masked, why, and what has happened so far.
    journey.follow(pat.tracking_number)
    assert journey.sees_heading(f"Request {pat.tracking_number}")
    assert journey.review_shows("User Information", "Social Security number") == "***-**-6781"
    assert journey.review_shows("Justification for Action", "Justification") == (
        "I back up our Security Official while she is on leave."
    )
    history = page.get_by_role("region", name="History").get_by_role("table")
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr").first).to_contain_text("Submitted")

    # Deny with neither a reason nor an explanation: both are asked for.
    journey.choose(page.get_by_role("radio", name="Deny"))
    journey.press("Record decision")
    assert page.title().startswith("Error:")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Choose a reason for denying the request.")
    expect(summary).to_contain_text("Explain why the request is denied.")
    reason = page.get_by_label("Reason for denial")
    explanation = page.get_by_label("Explanation")
    expect(reason).to_have_accessible_description(
        re.compile("Choose a reason for denying the request.")
    )
    expect(explanation).to_have_accessible_description(
        re.compile("Explain why the request is denied.")
    )
    assert page.get_by_role("radio", name="Deny").is_checked()  # the choice is kept

    reason.select_option(label="The applicant does not work for this organization")
    explanation.fill("Nobody named Pat Okafor is on our staff list.")
    journey.press("Record decision")
    assert journey.sees_heading("Pending Approvals")
    expect(page.get_by_role("status")).to_contain_text(
        f"Request {pat.tracking_number} was denied. The applicant will receive the reason by email."
    )
    expect(pending).to_have_accessible_name("Pending Approvals 2 pending")
    expect(page.get_by_role("link", name=pat.tracking_number)).to_have_count(0)
    journey.log_out()

    # Pat's inbox: the denial, with the reason and the explanation.
    mail = journey.read_mail(
        f"IACS registration request denied: tracking number {pat.tracking_number}", to=PAT
    )
    assert "Reason: The applicant does not work for this organization" in mail
    assert "Nobody named Pat Okafor is on our staff list." in mail

    # Pat checks the request without signing in. A wrong email reveals nothing.
    cache.clear()  # the lookup's per-address attempt counter
    journey.enter_portal()
    journey.follow("Check Request Status")
    assert journey.sees_heading("Check the status of a request")
    page.get_by_label("Tracking number").fill(pat.tracking_number)
    page.get_by_label("Email address").fill("someone.else@example.org")
    journey.press("Check status")
    alert = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(alert).to_contain_text("No request matches that tracking number and email address.")
    wrong_email = page.locator("main").inner_text()
    for secret in ("Denied", "Backup Security Official", "Chesapeake", "Okafor"):
        assert secret not in wrong_email
    # ... and is answered exactly as a tracking number that does not exist.
    page.get_by_label("Tracking number").fill("IR-00000-00000")
    page.get_by_label("Email address").fill(PAT)
    journey.press("Check status")
    assert page.locator("main").inner_text() == wrong_email

    page.get_by_label("Tracking number").fill(pat.tracking_number.lower().replace("-", " "))
    page.get_by_label("Email address").fill(PAT.upper())
    journey.press("Check status")
    assert journey.sees_heading(f"Request {pat.tracking_number}")
    assert journey.review_shows(f"Request {pat.tracking_number}", "Status") == "Denied"
    assert journey.review_shows(f"Request {pat.tracking_number}", "Role asked for") == (
        "Backup Security Official"
    )
    assert journey.review_shows(f"Request {pat.tracking_number}", "What happens next") == (
        "Nobody needs to act. The decision and its reason were sent to you by email. "
        "You may submit a new request."
    )
    assert len(journey.axe.checked) > 15


def test_so_removes_a_user_group_administrators_role(journey):
    page = journey.page
    organization = OrganizationFactory(legal_name="Severn River Medical Group", state="MD")
    billing = UserGroupFactory(organization=organization, name="Billing")
    so = role_holder(Role.SECURITY_OFFICIAL, organization=organization)
    ingrid = RoleAssignmentFactory(
        user=UserFactory(first_name="Ingrid", last_name="Novak"),
        role=Role.USER_GROUP_ADMINISTRATOR,
        organization=organization,
        group=billing,
    )
    RoleAssignmentFactory(
        user=UserFactory(first_name="Kenji", last_name="Watanabe"),
        role=Role.END_USER,
        organization=organization,
        group=billing,
    )
    elsewhere = RoleAssignmentFactory(  # another organization's: not the SO's to remove
        user=UserFactory(first_name="Chloe", last_name="Bernard"), role=Role.END_USER
    )

    journey.enter_portal()
    journey.sign_in(so.username, PASSWORD)
    journey.follow("Manage Roles")
    assert journey.sees_heading("Manage Roles")
    roles = page.get_by_role("table", name="Roles you may remove")
    expect(roles.locator("tbody tr")).to_have_count(2)
    expect(roles).not_to_contain_text("Chloe Bernard")

    journey.follow("Remove the role User Group Administrator of Ingrid Novak")
    assert journey.sees_heading("Remove a role")
    assert journey.review_shows("Role to remove", "Name") == "Ingrid Novak"
    assert journey.review_shows("Role to remove", "User group") == "Billing (provider user group)"

    # No reason: asked for one; nothing is removed.
    journey.press("Remove role")
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Give the reason for removing the role."
    )
    ingrid.refresh_from_db()
    assert ingrid.status == RoleAssignment.Status.ACTIVE

    page.get_by_label("Reason for removing the role").fill("Ingrid moved to the front desk.")
    journey.press("Remove role")
    assert journey.sees_heading("Manage Roles")
    expect(page.get_by_role("status")).to_contain_text(
        f"The role User Group Administrator of Ingrid Novak (User ID {ingrid.user.username}) "
        "was removed. They will be told by email, with your reason."
    )
    expect(roles.locator("tbody tr")).to_have_count(1)
    expect(roles).to_contain_text("Kenji Watanabe")
    ingrid.refresh_from_db()
    elsewhere.refresh_from_db()
    assert ingrid.status != RoleAssignment.Status.ACTIVE
    assert elsewhere.status == RoleAssignment.Status.ACTIVE
    journey.log_out()

    mail = journey.read_mail("IACS role removed: User Group Administrator", to=ingrid.user.email)
    assert f"User ID {ingrid.user.username}" in mail
    assert "Reason given: Ingrid moved to the front desk." in mail
