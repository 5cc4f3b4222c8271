"""Registrations an organization's officials decide, through the test client: User Group
Administrator (decided by the SO or a BSO) and End User (decided by the group's UGA), checked
as test_roles_cms.py's docstring says, with the group in place of the organization.
"""

import pytest
from django.urls import reverse

from approvals.models import AccessRequest
from organizations.models import RoleAssignment, UserGroup
from tests.approvals.role_outcomes import (
    GRACE,
    approver_notice,
    assert_acknowledged,
    assert_denied_by_email,
    assert_new_account,
)
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    security_official,
)
from tests.registration import (
    decide,
    deny,
    register_until_review,
    sign_in,
    ssa_person,
    submit_end_user_registration,
    submit_uga_registration,
)
from tests.registration import (
    submit as submit_review,
)

pytestmark = pytest.mark.django_db(transaction=True)


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
