"""A request's history is read from the audit trail: the approver's page and the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from approvals.history import RequestAction, request_event, request_history
from approvals.models import AccessRequest
from iacs_portal.audit.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory, security_official, submitted_request
from tests.registration import enter_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def denied(client):
    """A BSO request the organization's SO denied in the browser, from 192.0.2.44."""
    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    enter_signed_in(client, so)
    client.post(
        reverse("approvals:detail", args=[access_request.tracking_number]),
        {"decision": "deny", "reason": "not_employed", "note": "Not on our staff list."},
        REMOTE_ADDR="192.0.2.44",
    )
    client.logout()
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.DENIED
    return access_request, so


def test_history_is_the_requests_audit_events_in_words(denied):
    access_request, so = denied
    [entry] = [e for e in request_history(access_request) if e.action == "Denied"]
    assert entry.actor_label == so.username
    assert entry.actor_name == so.full_name
    assert (entry.from_status, entry.to_status) == ("Pending approval", "Denied")
    assert "Not on our staff list." in entry.reason
    assert AuditEvent.objects.filter(
        target_id=str(access_request.pk), action="request." + RequestAction.DENIED
    ).exists()


def test_history_shows_what_the_audit_trail_says_and_nothing_else(denied):
    access_request, _ = denied
    actions = [entry.action for entry in request_history(access_request)]
    assert actions == [
        event.action.removeprefix("request.").capitalize()
        for event in AuditEvent.objects.filter(target_id=str(access_request.pk)).order_by("id")
        if event.target_type == "approvals.accessrequest"
    ]


def test_the_admin_shows_the_history_with_the_client_address_read_only(client, denied):
    access_request, so = denied
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="approvals", codename="view_accessrequest")
    )
    enter_signed_in(client, staff)
    url = reverse("admin:approvals_accessrequest_change", args=[access_request.pk])
    page = client.get(url).content.decode()
    assert "History (from the audit trail)" in page
    assert "Pending approval &rarr; Denied" in page
    assert so.username in page
    assert "192.0.2.44" in page
    assert 'name="_save"' not in page  # nothing to save: the request cannot be edited here
    assert client.post(url, {}).status_code == 403


def test_the_approvers_page_leaves_out_the_client_address(client):
    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    request_event(access_request, RequestAction.REMINDED, note="so@example.gov")
    enter_signed_in(client, so)
    page = client.get(
        reverse("approvals:detail", args=[access_request.tracking_number]), REMOTE_ADDR="192.0.2.7"
    ).content.decode()
    assert "Approvers reminded" in page and "so@example.gov" in page
    assert "Client address" not in page
