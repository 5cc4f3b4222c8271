"""Every role's registration through the test client: submitted, routed, approved or denied.

Each test drives the wizard as the applicant, then the approver SPEC 1 names decides from the
Pending Approvals page. What is checked: the rows the request proposes (organization, group),
the role granted and where, and every email sent, to whom.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import Organization, RoleAssignment, UserGroup
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    security_official,
    staff_approver,
)
from tests.registration import (
    NEW_ORGANIZATION,
    Person,
    decide,
    deny,
    mail_to,
    register_until_review,
    sign_in,
    ssa_person,
    submit_end_user_registration,
    submit_practitioner_registration,
    submit_so_registration,
    submit_uga_registration,
)
from tests.registration import (
    submit as submit_review,
)

pytestmark = pytest.mark.django_db(transaction=True)

USER_ID_SUBJECT = "FYI: User Creation Completed – Account ID Enclosed"
PASSWORD_SUBJECT = "FYI: User Creation Completed – Password Enclosed"
GRACE = ssa_person("Grace")


def received_subject(access_request) -> str:
    kind = "registration request" if access_request.is_registration else "request"
    return f"IACS {kind} received: tracking number {access_request.tracking_number}"


def awaiting_subject(access_request) -> str:
    return f"IACS request awaiting your approval: {access_request.tracking_number}"


def approver_notice(access_request):
    (notice,) = [m for m in mail.outbox if m.subject == awaiting_subject(access_request)]
    return notice


def assert_acknowledged(access_request, person: Person) -> None:
    (acknowledgement,) = [
        m for m in mail_to(person.email) if access_request.tracking_number in m.subject
    ]
    assert acknowledgement.subject == received_subject(access_request)
    assert access_request.tracking_number in acknowledgement.body


def assert_new_account(access_request, person: Person, role: str, **scope) -> User:
    """Approved: one account for the person, the role in that scope only, two credential emails."""
    user = User.objects.get(email=person.email)
    assert access_request.applicant == user and user.ssn_digest == access_request.ssn_digest
    assert user.must_change_password
    assignments = list(user.role_assignments.values_list("role", "organization", "group"))
    scope = {"organization": None, "group": None, **scope}
    assert assignments == [
        (role, getattr(scope["organization"], "pk", None), getattr(scope["group"], "pk", None))
    ]
    assert [m.subject for m in mail_to(person.email)][-2:] == [USER_ID_SUBJECT, PASSWORD_SUBJECT]
    id_mail, password_mail = mail_to(person.email)[-2:]
    assert user.username in id_mail.body and user.username not in password_mail.body
    return user


def assert_denied_by_email(access_request, person: Person, note: str) -> None:
    assert access_request.status == AccessRequest.Status.DENIED
    (message,) = [m for m in mail_to(person.email) if "denied" in m.subject]
    assert access_request.tracking_number in message.subject and note in message.body
    assert not User.objects.filter(email=person.email).exists()


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


# User Group Administrator: decided by the organization's SO or a BSO


@pytest.fixture
def organization():
    return OrganizationFactory(legal_name="Chesapeake Family Medicine")


def test_uga_creating_a_provider_group_is_approved_by_a_bso(client, organization):
    so, bso = security_official(organization), backup_security_official(organization)
    access_request = submit_uga_registration(
        client, organization=organization, action="create_provider", person=GRACE
    )

    group = access_request.group
    assert (group.organization, group.kind, group.status) == (
        organization, UserGroup.Kind.PROVIDER, UserGroup.Status.PENDING,
    )  # fmt: skip
    assert (group.name, group.company_name) == ("Billing", "")
    assert set(approver_notice(access_request).to) == {so.email, bso.email}
    assert_acknowledged(access_request, GRACE)

    decide(bso, access_request)
    group.refresh_from_db()
    assert group.status == UserGroup.Status.APPROVED and group.approved_at
    assert access_request.decided_by == bso
    assert_new_account(access_request, GRACE, "uga", organization=organization, group=group)


def test_the_approver_sees_who_asks_for_what_where_and_why(client, organization):
    bso = backup_security_official(organization)
    access_request = submit_uga_registration(
        client, organization=organization, action="create_provider", person=GRACE
    )
    approver = client.__class__()
    sign_in(approver, bso)
    queue = approver.get(reverse("approvals:queue")).content.decode()
    row = queue.split(access_request.tracking_number, 2)[2].split("</tr>")[0]
    expected = ["Grace Whitfield", "User Group Administrator", organization.legal_name]
    for text in [*expected, "Billing (new)"]:
        assert text in row
    detail = approver.get(reverse("approvals:detail", args=[access_request.tracking_number]))
    page = detail.content.decode()
    shown = ["Create a provider user group", "Provider user group", "Billing", "***-**-6783"]
    for text in [*shown, "Submits and follows up claims.", "I need this access for my duties."]:
        assert text in page
    assert "123-45-6783" not in page and "123456783" not in page


def test_uga_creating_a_surrogate_group_records_the_company(client, organization):
    so = security_official(organization)
    access_request = submit_uga_registration(
        client, organization=organization, action="create_surrogate", person=GRACE
    )

    group = access_request.group
    assert group.kind == UserGroup.Kind.SURROGATE and group.status == UserGroup.Status.PENDING
    assert group.company_values() == {
        "company_name": "Bay Billing Services", "company_ein": "317654321",
        "company_address_line1": "9 Pier Road", "company_city": "Towson",
        "company_state": "MD", "company_zip_code": "21204", "company_phone": "410-555-0199",
    }  # fmt: skip
    assert approver_notice(access_request).to == [so.email]

    decide(so, access_request)
    group.refresh_from_db()
    assert group.status == UserGroup.Status.APPROVED
    assert_new_account(access_request, GRACE, "uga", organization=organization, group=group)


def test_denying_a_new_group_marks_it_denied_and_frees_its_name(client, organization):
    so = security_official(organization)
    access_request = submit_uga_registration(
        client, organization=organization, action="create_surrogate", person=GRACE
    )
    deny(so, access_request, note="We do not work with this company.")

    assert UserGroup.objects.get().status == UserGroup.Status.DENIED
    assert_denied_by_email(access_request, GRACE, "We do not work with this company.")
    again = submit_uga_registration(
        client.__class__(),
        organization=organization,
        action="create_surrogate",
        person=ssa_person("Luis"),
    )
    assert again.group.name == "Bay Billing Services team"


def test_uga_joining_an_existing_group_creates_no_group(client, organization):
    so = security_official(organization)
    group = UserGroupFactory(organization=organization, name="Eligibility")
    access_request = submit_uga_registration(
        client, organization=organization, action="join", group=group, person=GRACE
    )

    assert access_request.group == group and UserGroup.objects.count() == 1
    assert approver_notice(access_request).to == [so.email]
    decide(so, access_request)
    assert_new_account(access_request, GRACE, "uga", organization=organization, group=group)


def test_a_group_named_while_the_uga_was_registering_sends_them_back(client, organization):
    other = client.__class__()
    for who, person in ((client, GRACE), (other, ssa_person("Luis"))):
        register_until_review(
            who, "uga", person=person, organization=organization, action="create_provider"
        )
    submit_review(client)
    response = other.post(reverse("registration:review"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("registration:user-group")
    assert "Choose another name" in response.content.decode()
    assert UserGroup.objects.count() == 1


def test_a_group_name_taken_in_the_organization_is_refused(client, organization):
    UserGroupFactory(organization=organization, name="Billing")
    with pytest.raises(AssertionError, match="user-group step refused"):
        submit_uga_registration(
            client, organization=organization, action="create_provider", person=GRACE
        )
    response = client.post(
        reverse("registration:user-group"), {"name": "  billing ", "description": "x"}
    )
    assert "already has a user group with this name" in response.content.decode()


# End User: decided by the group's UGA


def test_end_user_is_approved_into_the_chosen_group_by_its_uga(client, organization):
    group = UserGroupFactory(organization=organization, name="Billing")
    uga = group_administrator(group)
    access_request = submit_end_user_registration(client, group, person=GRACE)

    assert (access_request.organization, access_request.group) == (organization, group)
    assert approver_notice(access_request).to == [uga.email]
    assert_acknowledged(access_request, GRACE)

    decide(uga, access_request)
    assert access_request.status == AccessRequest.Status.APPROVED
    assert_new_account(access_request, GRACE, "end_user", organization=organization, group=group)


def test_end_user_joins_a_surrogate_group_too(client, organization):
    group = UserGroupFactory(organization=organization, surrogate=True)
    uga = group_administrator(group)
    access_request = submit_end_user_registration(client, group, person=GRACE)
    decide(uga, access_request)
    assert_new_account(access_request, GRACE, "end_user", organization=organization, group=group)


def test_denied_end_user_is_told_why(client, organization):
    group = UserGroupFactory(organization=organization)
    uga = group_administrator(group)
    access_request = submit_end_user_registration(client, group, person=GRACE)
    deny(uga, access_request, note="Not in our billing team.")
    assert_denied_by_email(access_request, GRACE, "Not in our billing team.")
    assert not RoleAssignment.objects.filter(role="end_user").exists()


def test_end_user_cannot_pick_a_pending_group(client, organization):
    pending = UserGroupFactory(organization=organization, status="pending", name="Pending team")
    with pytest.raises(AssertionError, match="user-group step refused"):
        submit_end_user_registration(client, pending, person=GRACE)
    page = client.get(reverse("registration:user-group")).content.decode()
    assert "Pending team" not in page
    assert "This organization has no approved user group yet" in page


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
