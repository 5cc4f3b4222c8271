"""User groups (approve, deny), role assignments (read-only) and communities (administrators)."""

import pytest
from django.urls import reverse

from iacs_portal.audit.services import audit_events_for
from organizations.models import RoleAssignment
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    community,
    security_official,
    submitted_request,
)
from tests.helpdesk.requests_support import page_of
from tests.helpdesk.support import action_url, change_url, staff_in_admin

pytestmark = pytest.mark.django_db
REASON = "Confirmed with the organization's Security Official, ticket 3310."


@pytest.mark.parametrize("action, after", [("approve", "approved"), ("deny", "denied")])
def test_a_cms_approver_decides_a_pending_group_with_a_reason(client, action, after):
    group = UserGroupFactory(status="pending", name="Front desk")
    approver = staff_in_admin(client, "CMS Approver")
    assert action_url(group, action) in page_of(client.get(change_url(group)))
    response = client.post(action_url(group, action), {"reason": REASON}, follow=True)
    assert f"{group} was {after}." in page_of(response)
    group.refresh_from_db()
    assert group.status == after
    [event] = audit_events_for(group).filter(action=f"usergroup.{after}")
    assert event.actor == approver and event.reason == REASON


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_a_decided_group_is_not_decided_again(client, action):
    group = UserGroupFactory(status="approved")
    staff_in_admin(client, "CMS Approver")
    response = client.post(action_url(group, action), {"reason": REASON}, follow=True)
    verb = {"approve": "approved", "deny": "denied"}[action]
    assert f"{group} is approved: only a pending user group can be {verb}." in page_of(response)
    group.refresh_from_db()
    assert group.status == "approved" and not audit_events_for(group).exists()


def test_a_group_proposed_by_a_pending_request_is_decided_with_it(client):
    group = UserGroupFactory(status="pending")
    access_request = submitted_request(
        "uga", group=group, group_action="create_provider", organization=group.organization
    )
    staff_in_admin(client, "CMS Approver")
    response = client.post(action_url(group, "approve"), {"reason": REASON}, follow=True)
    assert access_request.tracking_number in page_of(response)
    group.refresh_from_db()
    assert group.status == "pending"


def test_a_help_desk_agent_cannot_decide_a_group(client):
    group = UserGroupFactory(status="pending")
    staff_in_admin(client, "Help Desk")
    assert client.get(change_url(group)).status_code == 200
    assert client.post(action_url(group, "approve"), {"reason": REASON}).status_code == 403
    group.refresh_from_db()
    assert group.status == "pending"


@pytest.mark.parametrize("group_name", ["Help Desk", "CMS Approver"])
def test_role_assignments_are_read_only_for_staff(client, group_name):
    so = security_official(OrganizationFactory())
    assignment = so.role_assignments.get()
    staff_in_admin(client, group_name)
    changelist = reverse("admin:organizations_roleassignment_changelist")
    assert so.username in page_of(client.get(changelist))
    page = page_of(client.get(change_url(assignment)))
    assert 'name="_save"' not in page
    assert client.post(change_url(assignment), {"status": "revoked"}).status_code == 403
    assert client.get(reverse("admin:organizations_roleassignment_add")).status_code == 403
    delete = reverse("admin:organizations_roleassignment_delete", args=[assignment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == RoleAssignment.Status.ACTIVE


def test_a_superuser_may_change_role_assignments(client):
    assignment = security_official(OrganizationFactory()).role_assignments.get()
    staff_in_admin(client, None, is_superuser=True)
    assert 'name="_save"' in page_of(client.get(change_url(assignment)))


@pytest.mark.parametrize("group_name", ["Help Desk", "CMS Approver"])
def test_communities_are_for_administrators_only(client, group_name):
    staff_in_admin(client, group_name)
    changelist = reverse("admin:organizations_community_changelist")
    assert client.get(changelist).status_code == 403
    assert client.get(change_url(community())).status_code == 403
    assert client.get(reverse("admin:organizations_community_add")).status_code == 403
    assert "Communities" not in page_of(client.get(reverse("admin:index")))


def test_a_superuser_edits_communities(client):
    staff_in_admin(client, None, is_superuser=True)
    assert client.get(reverse("admin:organizations_community_changelist")).status_code == 200
    assert 'name="_save"' in page_of(client.get(change_url(community())))


def test_the_organization_page_never_shows_an_officials_ssn_or_date_of_birth(client):
    from datetime import date

    from accounts.identity import ssn_digest
    from tests.factories import UserFactory, role_holder
    from tests.pii import forms_of

    organization = OrganizationFactory()
    so = UserFactory(
        ssn="123456781", ssn_last4="6781", ssn_digest=ssn_digest("123456781"),
        date_of_birth=date(1984, 3, 12),
    )  # fmt: skip
    role_holder("so", organization=organization, user=so)
    staff_in_admin(client, "CMS Approver")
    pages = [
        page_of(client.get(change_url(organization))),
        page_of(client.get(action_url(organization, "reseat-security-official"))),
        page_of(client.get(reverse("admin:organizations_roleassignment_changelist"))),
        page_of(client.get(change_url(so.role_assignments.get()))),
    ]
    for page in pages:
        assert so.username in page
        assert [
            f for f in forms_of(ssn="123456781", date_of_birth=so.date_of_birth) if f in page
        ] == []
