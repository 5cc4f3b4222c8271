"""Surrogate user groups (SPEC 3): one per provider organization served, one User ID throughout.

A company working for several organizations asks each for its own surrogate group; each is
decided by that organization's SO or BSO only. An organization not yet approved cannot be
associated with, and the search says why.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import UserGroup
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    security_official,
    set_up,
)
from tests.registration import (
    CONTACT,
    PASSWORD,
    add_role_until_review,
    associate_until_review,
    decide,
    granted_subject,
    mail_to,
    prove_identity,
    sign_in,
    ssa_person,
    start_registration,
    subjects_to,
    submit,
    submit_uga_registration,
)

pytestmark = pytest.mark.django_db(transaction=True)

GRACE = ssa_person("Grace")


def activate(user: User) -> User:
    """The first login done (tests/approvals/test_full_flow.py walks it through the pages)."""
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    return set_up(user)


def search_organizations(client, name: str):
    return client.get(
        reverse("registration:organization"), {"name": name, "country": "US", "state": "MD"}
    )


def test_surrogate_uga_serves_three_organizations_under_one_user_id(client):
    a, b, c = (
        OrganizationFactory(legal_name=f"{name} Health") for name in ("Amber", "Birch", "Cedar")
    )
    a_so, b_so, b_bso, c_so = (
        security_official(a), security_official(b), backup_security_official(b), security_official(c),
    )  # fmt: skip

    first = submit_uga_registration(client, organization=a, action="create_surrogate", person=GRACE)
    decide(a_so, first)
    user = activate(User.objects.get(email=GRACE.email))
    sign_in(client, user)
    assert (
        reverse("registration:associate")
        in client.get(reverse("accounts:my_profile")).content.decode()
    )

    for organization, approver, outsiders in [
        (b, b_bso, [a_so, c_so]),
        (c, c_so, [a_so, b_so, b_bso]),
    ]:
        mail.outbox.clear()
        associate_until_review(client, organization)
        review = client.get(reverse("registration:review")).content.decode()
        assert "Bay Billing Services" in review and organization.legal_name in review
        access_request = submit(client)
        assert access_request.kind == AccessRequest.Kind.ASSOCIATION
        assert access_request.applicant == user and access_request.organization == organization
        assert access_request.group.kind == UserGroup.Kind.SURROGATE
        assert access_request.group.status == UserGroup.Status.PENDING
        (notice,) = [m for m in mail.outbox if "awaiting your approval" in m.subject]
        expected = {b_so.email, b_bso.email} if organization == b else {c_so.email}
        assert set(notice.to) == expected
        for outsider in outsiders:  # another organization's SO/BSO cannot decide it
            assert decide(outsider, access_request).status_code == 404
            assert access_request.status == AccessRequest.Status.SUBMITTED
        decide(approver, access_request)
        assert access_request.status == AccessRequest.Status.APPROVED
        assert access_request.decided_by == approver
        assert subjects_to(user.email) == [
            f"IACS request received: tracking number {access_request.tracking_number}",
            granted_subject(access_request),
        ]
        assert user.username in mail_to(user.email)[-1].body

    assert User.objects.filter(ssn_digest=user.ssn_digest).count() == 1
    groups = UserGroup.objects.filter(role_assignments__user=user).order_by(
        "organization__legal_name"
    )
    assert [(g.organization, g.kind, g.status, g.company_name) for g in groups] == [
        (org, "surrogate", "approved", "Bay Billing Services") for org in (a, b, c)
    ]
    assert set(user.role_assignments.values_list("role", flat=True)) == {"uga"}
    profile = client.get(reverse("accounts:my_profile")).content.decode()
    assert user.username in profile
    for org in (a, b, c):
        assert org.legal_name in profile


def test_the_association_form_offers_the_company_already_on_file(client):
    served = UserGroupFactory(surrogate=True, name="Outside team", company_name="Bay Billing")
    sign_in(client, group_administrator(served))
    client.post(reverse("registration:associate"))
    other = OrganizationFactory(legal_name="Dogwood Clinic")
    client.post(
        reverse("registration:organization"),
        {"name": "Dogwood", "country": "US", "state": "MD", "organization": other.pk},
    )
    page = client.get(reverse("registration:user-group")).content.decode()
    assert 'value="Bay Billing"' in page and 'value="Outside team"' in page


def test_an_unapproved_organization_cannot_be_associated_and_the_search_says_why(client):
    served = UserGroupFactory(surrogate=True)
    pending = OrganizationFactory(legal_name="Harbor Pending Clinic", status="pending")
    sign_in(client, group_administrator(served))
    client.post(reverse("registration:associate"))

    page = search_organizations(client, "Harbor").content.decode()
    assert "1 matching organization is not yet approved" in page
    assert "No approved organization matches your search" in page
    assert f'value="{pending.pk}"' not in page
    response = client.post(
        reverse("registration:organization"),
        {"name": "Harbor", "country": "US", "state": "MD", "organization": pending.pk},
    )
    assert response.status_code == 200  # the search again: a crafted choice is not taken
    assert AccessRequest.objects.get(kind="association").organization is None


def test_registration_search_also_says_why_an_organization_is_missing(client):
    OrganizationFactory(legal_name="Harbor Pending Clinic", status="pending")
    OrganizationFactory(legal_name="Harbor Suspended Clinic", status="suspended")
    OrganizationFactory(legal_name="Harbor Denied Clinic", status="denied")
    start_registration(client, "bso")
    prove_identity(client, GRACE)
    client.post(reverse("registration:contact"), CONTACT)
    page = search_organizations(client, "Harbor").content.decode()
    assert "2 matching organizations are not yet approved" in page


def test_an_organization_already_served_cannot_be_associated_again(client):
    served = UserGroupFactory(surrogate=True)
    sign_in(client, group_administrator(served))
    client.post(reverse("registration:associate"))
    organization = served.organization
    response = client.post(
        reverse("registration:organization"),
        {"name": organization.legal_name, "country": "US", "state": "MD",
         "organization": organization.pk},
    )  # fmt: skip
    assert f"You already run a surrogate user group for {organization.legal_name}" in (
        response.content.decode()
    )


def test_an_organization_with_an_association_pending_cannot_be_asked_for_again(client):
    served = UserGroupFactory(surrogate=True)
    other = OrganizationFactory(legal_name="Birch Health")
    sign_in(client, group_administrator(served))
    associate_until_review(client, other)
    submit(client)
    client.post(reverse("registration:associate"))
    response = client.post(
        reverse("registration:organization"),
        {"name": "Birch", "country": "US", "state": "MD", "organization": other.pk},
    )
    assert "You already asked to run a surrogate user group for Birch Health" in (
        response.content.decode()
    )
    assert AccessRequest.objects.get(status="draft").organization is None


def test_an_added_role_cannot_make_a_second_surrogate_group_for_an_organization(client):
    served = UserGroupFactory(surrogate=True)
    organization = served.organization
    sign_in(client, group_administrator(served))
    with pytest.raises(AssertionError, match="group-action step refused"):
        add_role_until_review(
            client, "uga", organization=organization, action="create_surrogate", name="Second"
        )
    response = client.post(reverse("registration:group-action"), {"action": "create_surrogate"})
    message = f"You already run a surrogate user group for {organization.legal_name}."
    assert message in response.content.decode()
    # A provider group of the same organization is another matter.
    client.post(reverse("registration:group-action"), {"action": "create_provider"})
    client.post(reverse("registration:user-group"), {"name": "Second", "description": "x"})
    assert AccessRequest.objects.get(status="draft").details["group"]["name"] == "Second"


def test_only_a_surrogate_uga_may_associate(client):
    provider_uga = group_administrator(UserGroupFactory())
    sign_in(client, provider_uga)
    response = client.get(reverse("registration:associate"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:my_profile")
    assert "Only the administrator of a surrogate user group" in response.content.decode()
    assert client.post(reverse("registration:associate")).url == reverse("accounts:my_profile")
    assert not AccessRequest.objects.exists()
