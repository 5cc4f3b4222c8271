"""Registrations a CMS approver decides, through the test client: Security Official (with the
organization it registers) and Individual Practitioner (with the practice); and the review page.

Each test drives the wizard as the applicant, then the approver SPEC 1 names decides from the
Pending Approvals page. What is checked: the rows the request proposes, the role granted and
where, and every email sent, to whom (tests/approvals/role_outcomes.py).
"""

import pytest
from django.urls import reverse

from approvals.models import AccessRequest
from organizations.models import Organization, UserGroup
from tests.approvals.role_outcomes import (
    GRACE,
    approver_notice,
    assert_acknowledged,
    assert_denied_by_email,
    assert_new_account,
)
from tests.factories import (
    OrganizationFactory,
    security_official,
    staff_approver,
)
from tests.registration import (
    NEW_ORGANIZATION,
    decide,
    deny,
    mail_to,
    register_until_review,
    ssa_person,
    submit_practitioner_registration,
    submit_so_registration,
)
from tests.registration import (
    submit as submit_review,
)

pytestmark = pytest.mark.django_db(transaction=True)


# Security Official: registers the organization; a CMS approver decides


@pytest.fixture
def cms_approver():
    return staff_approver(email="approver@cms.example.gov")


def test_so_registration_proposes_a_pending_organization_for_a_cms_approver(client, cms_approver):
    staff_without_permission = staff_approver(permission=False)
    other_so = security_official()
    access_request = submit_so_registration(client, person=GRACE)

    organization = access_request.organization
    assert organization.status == Organization.Status.PENDING
    assert (organization.legal_name, organization.ein, organization.npi, organization.ccn_ptan) == (
        "Severn River Medical Group", "521234567", "1234567893", "210001",
    )  # fmt: skip
    assert (organization.city, organization.state, organization.community.slug) == (
        "Annapolis", "MD", "provider-supplier",
    )  # fmt: skip
    assert access_request.role == "so" and access_request.group is None
    assert_acknowledged(access_request, GRACE)
    assert approver_notice(access_request).to == [cms_approver.email]
    for outsider in (staff_without_permission, other_so):
        assert not mail_to(outsider.email)


def test_acknowledgement_page_names_the_cms_approver(client, cms_approver):
    submit_so_registration(client, person=GRACE)
    page = client.get(reverse("registration:acknowledgement")).content.decode()
    assert "Severn River Medical Group" in page
    assert "a CMS approver at the help desk" in page


def test_approving_an_so_approves_the_organization_and_creates_the_account(client, cms_approver):
    access_request = submit_so_registration(client, person=GRACE)
    page = decide(cms_approver, access_request).content.decode()

    assert "will receive their User ID and a temporary password by email" in page
    assert access_request.status == AccessRequest.Status.APPROVED
    assert access_request.decided_by == cms_approver
    organization = Organization.objects.get()
    assert organization.status == Organization.Status.APPROVED and organization.approved_at
    assert_new_account(access_request, GRACE, "so", organization=organization)


def test_denying_an_so_marks_the_organization_denied_and_frees_its_ein(client, cms_approver):
    access_request = submit_so_registration(client, person=GRACE)
    deny(cms_approver, access_request, note="The EIN does not match the IRS record.")

    assert Organization.objects.get().status == Organization.Status.DENIED
    assert_denied_by_email(access_request, GRACE, "The EIN does not match the IRS record.")
    again = submit_so_registration(client.__class__(), person=ssa_person("Luis"))
    assert again.organization.status == Organization.Status.PENDING
    assert Organization.objects.filter(ein="521234567").count() == 2


@pytest.mark.parametrize(
    ("status", "words"),
    [("approved", "is already registered in IACS"), ("pending", "is waiting for CMS approval")],
)
def test_an_organization_already_registered_by_ein_is_refused(client, status, words):
    OrganizationFactory(ein="521234567", status=status)
    with pytest.raises(AssertionError, match="new-organization step refused"):
        register_until_review(client, "so", person=GRACE)  # typed as 52-1234567
    response = client.post(
        reverse("registration:new-organization"), {**NEW_ORGANIZATION, "ein": "521234567"}
    )
    page = response.content.decode()
    assert f"An organization with this EIN/TIN {words}" in page
    assert "register as a Backup Security Official or User Group Administrator" in page
    assert Organization.objects.count() == 1


def test_an_ein_registered_while_the_so_was_registering_sends_them_back(client):
    other = client.__class__()
    register_until_review(client, "so", person=GRACE)
    register_until_review(other, "so", person=ssa_person("Luis"))
    submit_review(client)
    response = other.post(reverse("registration:review"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("registration:new-organization")
    assert "was registered while you were completing this request" in response.content.decode()
    assert Organization.objects.count() == 1
    assert AccessRequest.objects.filter(status="draft").exists()


@pytest.fixture
def organization():
    return OrganizationFactory(legal_name="Chesapeake Family Medicine")


# Individual Practitioner: practice details; a CMS approver decides


def test_individual_practitioner_is_approved_by_a_cms_approver(client, cms_approver):
    daniel = ssa_person("Daniel")
    access_request = submit_practitioner_registration(client, person=daniel)

    assert access_request.organization is None and access_request.group is None
    assert access_request.details["practice"]["npi"] == "1234567893"
    assert access_request.details["practice"]["tin"] == "527777777"
    assert approver_notice(access_request).to == [cms_approver.email]
    assert_acknowledged(access_request, daniel)

    decide(cms_approver, access_request)
    assert access_request.status == AccessRequest.Status.APPROVED
    assert_new_account(access_request, daniel, "individual_practitioner")
    assert not Organization.objects.exists()


def test_individual_practitioner_denial_is_emailed(client, cms_approver):
    daniel = ssa_person("Daniel")
    access_request = submit_practitioner_registration(client, person=daniel)
    deny(cms_approver, access_request, note="The NPI belongs to someone else.")
    assert_denied_by_email(access_request, daniel, "The NPI belongs to someone else.")


def test_practice_npi_must_pass_its_check_digit(client):
    with pytest.raises(AssertionError, match="practice step refused"):
        submit_practitioner_registration(client, person=GRACE, npi="1234567890")
    response = client.post(reverse("registration:practice"), {"npi": "1234567890"})
    assert "its last digit does not match" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        ("so", None, ["Severn River Medical Group", "52-1234567", "1234567893", "210001",
                      "200 Harbor Drive, Annapolis, MD, 21401"]),
        ("individual_practitioner", None, ["Dr. Mwangi Family Practice", "1234567893",
                                           "527777777", "5 Elm Street, Frederick, MD, 21701"]),
        ("uga", "create_surrogate", ["Create a surrogate user group", "Surrogate user group",
                                     "Bay Billing Services team", "Bay Billing Services",
                                     "9 Pier Road, Towson, MD, 21204", "410-555-0199"]),
    ],
)  # fmt: skip
def test_review_shows_the_role_specific_details_before_anything_is_created(
    client, organization, role, action, expected
):
    register_until_review(client, role, person=GRACE, organization=organization, action=action)
    page = client.get(reverse("registration:review")).content.decode()
    for text in expected:
        assert text in page
    assert Organization.objects.count() == 1 and not UserGroup.objects.exists()
