"""Approving, denying, suspending and reinstating an organization in the admin, with a reason."""

import pytest
from django.core import mail
from django.urls import reverse

from iacs_portal.audit.services import audit_events_for
from organizations.models import Organization
from organizations.selectors import organization_is_selectable, organization_search
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    security_official,
    submitted_request,
)
from tests.helpdesk.requests_support import page_of
from tests.helpdesk.support import action_url, change_url, staff_in_admin

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "CMS program integrity referral, ticket 7781."

# action: (status before, status after)
CHANGES = {
    "approve": ("pending", "approved"),
    "deny": ("pending", "denied"),
    "suspend": ("approved", "suspended"),
    "reinstate": ("suspended", "approved"),
}
AUDITED = {"approve": "approved", "deny": "denied", "suspend": "suspended",
           "reinstate": "reinstated"}  # fmt: skip


def act(client, organization, action, reason=REASON):
    return client.post(action_url(organization, action), {"reason": reason}, follow=True)


@pytest.mark.parametrize("action", CHANGES)
def test_each_status_change_is_made_and_audited_with_the_reason(client, action):
    before, after = CHANGES[action]
    organization = OrganizationFactory(status=before, legal_name="Harbor Clinic")
    approver = staff_in_admin(client, "CMS Approver")
    assert action_url(organization, action) in page_of(client.get(change_url(organization)))
    response = act(client, organization, action)
    assert f"Harbor Clinic was {AUDITED[action]}." in page_of(response)
    organization.refresh_from_db()
    assert organization.status == after
    [event] = audit_events_for(organization).filter(action=f"organization.{AUDITED[action]}")
    assert event.actor == approver and event.reason == REASON
    assert (event.from_state, event.to_state) == (before, after)


@pytest.mark.parametrize("action", CHANGES)
def test_each_status_change_is_refused_in_the_wrong_status(client, action):
    before, _ = CHANGES[action]
    wrong = next(s for s in Organization.Status.values if s != before)
    organization = OrganizationFactory(status=wrong, legal_name="Harbor Clinic")
    staff_in_admin(client, "CMS Approver")
    assert action_url(organization, action) not in page_of(client.get(change_url(organization)))
    response = act(client, organization, action)
    status = Organization.Status(wrong).label.lower()
    assert f"Harbor Clinic is {status}: only a {Organization.Status(before).label.lower()} " \
        f"organization can be {AUDITED[action]}." in page_of(response)  # fmt: skip
    organization.refresh_from_db()
    assert organization.status == wrong
    assert not audit_events_for(organization).exists()


def test_the_service_refuses_a_stale_status_with_a_clear_message():
    from organizations.services import StatusChangeError, organization_suspend

    organization = OrganizationFactory(status="pending", legal_name="Harbor Clinic")
    with pytest.raises(StatusChangeError, match="Harbor Clinic is pending, not approved"):
        organization_suspend(organization=organization, by=None, reason="x")


def test_a_reason_is_required(client):
    organization = OrganizationFactory()
    staff_in_admin(client, "CMS Approver")
    response = client.post(action_url(organization, "suspend"), {"reason": " "})
    assert response.status_code == 200 and "Enter the reason for this action." in page_of(response)
    organization.refresh_from_db()
    assert organization.status == "approved"


@pytest.mark.parametrize("action", CHANGES)
def test_a_help_desk_agent_cannot_change_an_organizations_status(client, action):
    before, _ = CHANGES[action]
    organization = OrganizationFactory(status=before)
    staff_in_admin(client, "Help Desk")
    assert client.get(change_url(organization)).status_code == 200
    assert action_url(organization, action) not in page_of(client.get(change_url(organization)))
    assert client.post(action_url(organization, action), {"reason": REASON}).status_code == 403
    organization.refresh_from_db()
    assert organization.status == before


def test_the_status_is_never_edited_in_the_form(client):
    organization = OrganizationFactory(status="approved")
    staff_in_admin(client, "CMS Approver")
    page = page_of(client.get(change_url(organization)))
    assert 'name="status"' not in page and 'name="_save"' not in page
    assert client.post(change_url(organization), {"status": "suspended"}).status_code == 403
    organization.refresh_from_db()
    assert organization.status == "approved"


def test_an_organization_proposed_by_a_pending_so_request_is_decided_with_it(client):
    organization = OrganizationFactory(status="pending", legal_name="Harbor Clinic")
    access_request = submitted_request("so", organization=organization)
    staff_in_admin(client, "CMS Approver")
    page = page_of(client.get(change_url(organization)))
    assert action_url(organization, "approve") not in page
    for action in ("approve", "deny"):
        response = act(client, organization, action)
        assert f"the Security Official request {access_request.tracking_number}" in page_of(
            response
        )
    organization.refresh_from_db()
    assert organization.status == "pending"


def test_suspension_tells_the_officials_hides_the_organization_and_keeps_roles(client):
    organization = OrganizationFactory(legal_name="Harbor Clinic")
    so, bso = security_official(organization), backup_security_official(organization)
    uga = group_administrator(UserGroupFactory(organization=organization))
    pending = submitted_request("bso", organization=organization)
    staff_in_admin(client, "CMS Approver")
    act(client, organization, "suspend")
    [message] = mail.outbox
    assert sorted(message.to) == sorted([so.email, bso.email])
    assert "suspended" in message.subject and REASON not in message.body
    assert not organization_is_selectable(organization_id=organization.pk)
    assert not organization_search(name="Harbor", country="US", state="MD").exists()
    assert so.role_assignments.get().status == "active" and uga.is_active
    pending.refresh_from_db()
    assert pending.status == "submitted"
    mail.outbox.clear()
    act(client, organization, "reinstate")
    assert "reinstated" in mail.outbox[0].subject
    assert organization_search(name="Harbor", country="US", state="MD").exists()


def test_the_organization_page_shows_its_officials_groups_and_pending_requests(client):
    organization = OrganizationFactory(legal_name="Harbor Clinic")
    so, bso = security_official(organization), backup_security_official(organization)
    group = UserGroupFactory(organization=organization, name="Front desk")
    submitted_request("bso", organization=organization)
    submitted_request("end_user", group=group)
    other = security_official()
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(organization)))
    for text in [so.username, so.full_name, so.email, bso.username, "Front desk"]:
        assert text in page, text
    assert other.username not in page
    requests_link = (
        reverse("admin:approvals_accessrequest_changelist")
        + f"?organization={organization.pk}&amp;status=submitted"
    )
    assert f'<a href="{requests_link}">2</a>' in page
    listed = page_of(client.get(requests_link.replace("&amp;", "&")))
    assert listed.count('class="field-tracking"') == 2


def test_search_by_legal_name_ein_and_npi(client):
    wanted = OrganizationFactory(legal_name="Harbor Clinic", ein="521234567", npi="1234567893")
    other = OrganizationFactory(legal_name="Beacon Health")
    staff_in_admin(client, "Help Desk")
    changelist = reverse("admin:organizations_organization_changelist")
    for term in ["harbor", "521234567", "52-1234567", "1234567893"]:
        page = page_of(client.get(changelist, {"q": term}))
        assert "Harbor Clinic" in page and "Beacon Health" not in page, term
    page = page_of(client.get(changelist, {"status": "suspended"}))
    assert "Harbor Clinic" not in page
    assert other.legal_name in page_of(client.get(changelist, {"state__exact": "MD"}))
    assert wanted.legal_name in page_of(
        client.get(changelist, {"community__id__exact": wanted.community_id})
    )
