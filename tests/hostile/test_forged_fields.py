"""Fields a page does not offer, added to its post (status, role, organization, is_staff...),
are ignored; a choice the page did not offer is refused. What is stored is checked, not only
the answer."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from approvals.registration.steps import Step
from iacs_portal.staff_groups import CMS_APPROVER
from organizations.models import Community, Organization, RoleAssignment, UserGroup
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    community,
    security_official,
    set_up,
)
from tests.helpdesk.support import action_url, staff_in_admin
from tests.registration import (
    BARBARA,
    CONTACT,
    JUSTIFICATION,
    NEW_ORGANIZATION,
    enter_portal,
    enter_signed_in,
    latest_code,
    step,
)

from .pages import draft_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def forged():
    """What a person might add to any post, pointing at things that are not theirs."""
    other_organization = OrganizationFactory(legal_name="Someone Else's Clinic")
    other_group = UserGroupFactory(organization=other_organization)
    other_user = set_up(UserFactory())
    return {
        "status": "approved",
        "kind": AccessRequest.Kind.ASSOCIATION,
        "role": Role.SECURITY_OFFICIAL,
        "organization": other_organization.pk,
        "group": other_group.pk,
        "community": Community.objects.get(slug="fi-carrier-mac").pk,
        "applicant": other_user.pk,
        "decided_by": other_user.pk,
        "tracking_number": "IR-99999-99999",
        "submitted_at": "2020-01-01 00:00",
        "completed_steps": "review",
        "details": '{"organization": {"status": "approved"}}',
        "ssn": "987-65-4320",
        "ssn_digest": "0" * 64,
        "email": "mallory@example.org",
        "first_name": "Mallory",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "user_permissions": Permission.objects.get(codename="change_user").pk,
        "groups": "1",
        "username": "ADMIN",
        "must_change_password": "",
        "decision_note": "forged",
        "denial_reason": "other",
    }


def with_forged(data: dict, forged: dict) -> dict:
    """The page's own fields as typed, and every forged field it does not have."""
    return {**{k: v for k, v in forged.items() if k not in data}, **data}


def register_with_forged_fields(client, role: str, forged: dict, organization=None):
    enter_portal(client)
    url = reverse("registration:terms", args=["provider-supplier"])
    step(client, "terms", with_forged({"accept": "on"}, forged), url=url)
    step(client, "role", with_forged({"role": role}, forged))
    step(client, "role-terms", with_forged({"accept": "on"}, forged))
    info = {**BARBARA.form(), "email": BARBARA.email, "email_confirmation": BARBARA.email}
    step(client, "user-information", with_forged(info, forged))
    step(client, "verify-email", with_forged({"code": latest_code(BARBARA.email)}, forged))
    step(client, "contact", with_forged(CONTACT, forged))
    if role == Role.SECURITY_OFFICIAL:
        step(client, "new-organization", with_forged(NEW_ORGANIZATION, forged))
    else:
        search = {"name": organization.legal_name[:6], "country": "US", "state": "MD"}
        step(client, "organization", with_forged({**search, "organization": organization.pk},
                                                 forged))  # fmt: skip
    step(client, "justification", with_forged({"justification": JUSTIFICATION}, forged))
    step(client, "review", forged)
    return AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).get()


def assert_nobody_became_staff():
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(user_permissions__isnull=False).exists()
    assert not User.objects.filter(groups__isnull=False).exists()


@pytest.mark.django_db(transaction=True)  # the code email is sent on commit
def test_a_registration_with_forged_fields_stores_only_what_was_asked(client, forged):
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    approver = security_official(organization)

    access_request = register_with_forged_fields(
        client, Role.BACKUP_SECURITY_OFFICIAL, forged, organization
    )

    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert access_request.kind == AccessRequest.Kind.REGISTRATION
    assert access_request.role == Role.BACKUP_SECURITY_OFFICIAL
    assert access_request.organization == organization and access_request.group is None
    assert access_request.community == community()
    assert access_request.applicant is None and access_request.decided_by is None
    assert access_request.tracking_number != forged["tracking_number"]
    assert (access_request.first_name, access_request.email) == ("Barbara", BARBARA.email)
    assert access_request.ssn_last4 == "6781"
    assert access_request.details == {}

    # The approver's decision, with the same fields forged, grants exactly what was asked.
    enter_signed_in(client, approver)
    url = reverse("approvals:detail", args=[access_request.tracking_number])
    client.post(url, with_forged({"decision": "approve"}, forged))

    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    assert access_request.decided_by == approver and access_request.decision_note == ""
    person = User.objects.get(email=BARBARA.email)
    assert list(RoleAssignment.objects.filter(user=person).values_list("role", "organization")) == [
        (Role.BACKUP_SECURITY_OFFICIAL, organization.pk)
    ]
    assert person.first_name == "Barbara" and person.username != "ADMIN"
    assert_nobody_became_staff()


@pytest.mark.django_db(transaction=True)  # the code email is sent on commit
def test_a_security_officials_organization_stays_pending_whatever_is_posted(client, forged):
    access_request = register_with_forged_fields(client, Role.SECURITY_OFFICIAL, forged)

    organization = access_request.organization
    assert organization.legal_name == NEW_ORGANIZATION["legal_name"]
    assert organization.status == Organization.Status.PENDING
    assert access_request.role == Role.SECURITY_OFFICIAL
    assert access_request.status == AccessRequest.Status.SUBMITTED

    # The CMS approver's action form, with the fields forged: the request's own role and
    # organization are granted, and the staff member gains nothing.
    staff = staff_in_admin(client, CMS_APPROVER)
    client.post(
        action_url(access_request, "approve"),
        with_forged({"reason": "EIN checked against the IRS letter."}, forged),
    )
    access_request.refresh_from_db()
    organization.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    assert organization.status == Organization.Status.APPROVED
    person = User.objects.get(email=BARBARA.email)
    assert list(RoleAssignment.objects.filter(user=person).values_list("role", "organization")) == [
        (Role.SECURITY_OFFICIAL, organization.pk)
    ]
    staff.refresh_from_db()
    assert not staff.is_superuser and staff.user_permissions.count() == 0
    assert list(staff.groups.values_list("name", flat=True)) == [CMS_APPROVER]
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_role_the_community_does_not_offer_is_refused(client):
    limited = Community.objects.create(
        slug="limited", name="Limited", description="Test", offered_roles=[Role.END_USER]
    )
    enter_portal(client)
    draft = draft_at(client, Step.ROLE)
    draft.community = limited
    draft.save()

    response = client.post(reverse("registration:role"), {"role": Role.SECURITY_OFFICIAL})

    assert response.status_code == 200
    assert "Select a role." in response.content.decode()
    draft.refresh_from_db()
    assert draft.role != Role.SECURITY_OFFICIAL and "role" not in draft.completed_steps


def test_a_group_of_another_organization_is_refused(client):
    enter_portal(client)
    draft = draft_at(client, Step.USER_GROUP, role=Role.END_USER)
    elsewhere = UserGroupFactory()
    assert elsewhere.organization != draft.organization

    response = client.post(reverse("registration:user-group"), {"group": elsewhere.pk})

    assert response.status_code == 200
    assert "Select a user group from the list." in response.content.decode()
    draft.refresh_from_db()
    assert draft.group is None and "user-group" not in draft.completed_steps


def test_an_organization_outside_the_search_results_is_refused(client):
    enter_portal(client)
    draft = draft_at(client, Step.ORGANIZATION)
    elsewhere = OrganizationFactory(legal_name="Elsewhere Clinic", state="TX")
    search = {"name": "Chesapeake", "country": "US", "state": "MD"}

    response = client.post(
        reverse("registration:organization"), {**search, "organization": elsewhere.pk}
    )

    assert response.status_code == 200
    assert "Select your organization from the list." in response.content.decode()
    draft.refresh_from_db()
    assert draft.organization is None


def test_a_signed_in_request_belongs_to_whoever_is_signed_in(client, forged):
    person = set_up(UserFactory())
    enter_signed_in(client, person)

    client.post(
        reverse("registration:add-role"),
        with_forged({"community": community().pk}, forged),
    )

    draft = AccessRequest.objects.get(status=AccessRequest.Status.DRAFT)
    assert draft.applicant == person and draft.kind == AccessRequest.Kind.ADDITIONAL_ROLE
    assert draft.email == person.email and draft.role == "" and draft.completed_steps == []


def test_my_profile_contact_changes_only_the_contact_information(client, forged):
    person = set_up(UserFactory(first_name="Dana", email="dana@example.org"))
    enter_signed_in(client, person)
    before = {f: getattr(person, f) for f in ("username", "first_name", "email", "password")}

    response = client.post(
        reverse("accounts:contact"), with_forged({**CONTACT, "city": "Towson"}, forged)
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.city == "Towson"
    assert {f: getattr(person, f) for f in before} == before
    assert person.is_active and not person.must_change_password and person.ssn == ""
    assert_nobody_became_staff()


def test_a_help_desk_action_does_only_what_it_says(client, forged):
    person = set_up(UserFactory())
    staff = staff_in_admin(client, CMS_APPROVER)

    client.post(
        action_url(person, "disable"),
        with_forged({"reason": "The person asked us to, ticket 42."}, forged),
    )

    person.refresh_from_db()
    assert not person.is_active
    assert not person.is_staff and not person.is_superuser and person.username != "ADMIN"
    staff.refresh_from_db()
    assert not staff.is_superuser and staff.user_permissions.count() == 0
    assert UserGroup.objects.filter(status="approved").count() == UserGroup.objects.count()
