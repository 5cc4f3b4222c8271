"""Deciding a request in the admin: the web queue's services, under the web queue's routing."""

import pytest
from django.core import mail

import approvals.services
import approvals.staff_actions
import approvals.views
from accounts.models import User
from approvals.history import RequestAction, request_events, request_history
from approvals.models import AccessRequest
from organizations.models import Organization, RoleAssignment
from tests.factories import OrganizationFactory, submitted_request
from tests.helpdesk.requests_support import (
    APPROVE_REASON,
    page_of,
    practitioner_request,
    so_request,
)
from tests.helpdesk.support import action_url, change_url, staff_in_admin

pytestmark = pytest.mark.django_db(transaction=True)

USER_ID_SUBJECT = "FYI: User Creation Completed – Account ID Enclosed"
PASSWORD_SUBJECT = "FYI: User Creation Completed – Password Enclosed"


def approve(client, access_request, reason=APPROVE_REASON):
    return client.post(action_url(access_request, "approve"), {"reason": reason}, follow=True)


def deny(client, access_request, **data):
    data = {"reason": "unverified", "note": "The EIN does not match the IRS letter.", **data}
    return client.post(action_url(access_request, "deny"), data, follow=True)


@pytest.mark.parametrize("make_request", [so_request, practitioner_request])
def test_a_cms_approver_approves_an_so_or_practitioner_request(client, make_request):
    access_request = make_request()
    approver = staff_in_admin(client, "CMS Approver")
    page = page_of(client.get(change_url(access_request)))
    assert action_url(access_request, "approve") in page
    assert action_url(access_request, "deny") in page
    mail.outbox.clear()

    response = approve(client, access_request)

    assert response.redirect_chain[-1][0] == change_url(access_request)
    assert f"Request {access_request.tracking_number} was approved" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    assert access_request.decided_by == approver
    user = User.objects.get(email=access_request.email)
    assert RoleAssignment.objects.filter(user=user, role=access_request.role).exists()
    assert sorted(m.subject for m in mail.outbox) == [USER_ID_SUBJECT, PASSWORD_SUBJECT]
    assert all(m.to == [access_request.email] for m in mail.outbox)
    [event] = request_events(access_request, RequestAction.APPROVED)
    assert event.actor == approver and event.reason == APPROVE_REASON
    [entry] = [e for e in request_history(access_request) if e.action == "Approved"]
    assert entry.actor_label == approver.username and entry.reason == APPROVE_REASON
    assert APPROVE_REASON in page_of(response)  # the history on the request's page


def test_approving_an_so_request_approves_its_organization_with_an_audit_event(client):
    access_request = so_request()
    approver = staff_in_admin(client, "CMS Approver")
    approve(client, access_request)
    organization = Organization.objects.get(pk=access_request.organization_id)
    assert organization.status == Organization.Status.APPROVED
    from iacs_portal.audit.services import audit_events_for

    [event] = audit_events_for(organization).filter(action="organization.approved")
    assert event.actor == approver
    assert access_request.tracking_number in event.reason


def test_approve_needs_a_reason_shown_next_to_the_field(client):
    access_request = submitted_request("so", organization=OrganizationFactory(status="pending"))
    staff_in_admin(client, "CMS Approver")
    response = client.post(action_url(access_request, "approve"), {"reason": "  "})
    assert response.status_code == 200
    page = page_of(response)
    assert "Enter the reason for this action." in page
    assert 'class="form-row errors"' in page
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


def test_a_cms_approver_denies_with_a_reason_code_and_an_explanation(client):
    access_request = practitioner_request()
    approver = staff_in_admin(client, "CMS Approver")
    mail.outbox.clear()
    response = deny(client, access_request)
    assert "was denied" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.DENIED
    assert access_request.denial_reason == "unverified"
    assert access_request.decision_note == "The EIN does not match the IRS letter."
    [message] = mail.outbox
    assert message.to == [access_request.email]
    assert "The EIN does not match the IRS letter." in message.body
    [event] = request_events(access_request, RequestAction.DENIED)
    assert event.actor == approver and "The EIN does not match the IRS letter." in event.reason
    assert not User.objects.filter(email=access_request.email).exists()


def test_denying_an_so_request_leaves_its_organization_not_approved(client):
    access_request = so_request()
    staff_in_admin(client, "CMS Approver")
    deny(client, access_request)
    assert Organization.objects.get(pk=access_request.organization_id).status == "denied"


def test_deny_needs_the_reason_code_and_the_explanation_next_to_their_fields(client):
    access_request = submitted_request("individual_practitioner")
    staff_in_admin(client, "CMS Approver")
    response = client.post(action_url(access_request, "deny"), {"reason": "", "note": " "})
    page = page_of(response)
    assert response.status_code == 200
    assert "Choose a reason for denying the request." in page
    assert "Explain why the request is denied." in page
    assert page.count('class="form-row errors"') == 2
    response = client.post(action_url(access_request, "deny"), {"reason": "nonsense", "note": "x"})
    assert "Select a valid choice" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["bso", "uga", "end_user"])
def test_a_cms_approver_cannot_decide_what_an_organizations_officials_decide(client, role):
    from tests.factories import UserGroupFactory

    group = UserGroupFactory()
    access_request = submitted_request(role, group=group if role == "end_user" else None,
                                       organization=group.organization)  # fmt: skip
    staff_in_admin(client, "CMS Approver")
    page = page_of(client.get(change_url(access_request)))
    assert action_url(access_request, "approve") not in page
    assert action_url(access_request, "deny") not in page
    for action, data in [("approve", {"reason": "Because"}), ("deny", {"reason": "other"})]:
        response = client.post(action_url(access_request, action), data, follow=True)
        assert response.redirect_chain[-1][0] == change_url(access_request)
        assert "not by CMS" in page_of(response)
        assert "is decided by" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert not request_events(access_request, RequestAction.APPROVED).exists()


def test_a_help_desk_agent_sees_no_decision_and_gets_403(client):
    access_request = submitted_request("individual_practitioner")
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert action_url(access_request, "approve") not in page
    assert action_url(access_request, "deny") not in page
    assert client.get(action_url(access_request, "approve")).status_code == 403
    assert client.post(action_url(access_request, "approve"), {"reason": "x"}).status_code == 403
    deny_response = client.post(
        action_url(access_request, "deny"), {"reason": "other", "note": "x"}
    )
    assert deny_response.status_code == 403
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


def test_an_already_decided_request_gets_a_message_not_a_second_decision(client):
    access_request = submitted_request("individual_practitioner")
    staff_in_admin(client, "CMS Approver")
    approve(client, access_request)
    mail.outbox.clear()
    for action in ("approve", "deny"):
        response = client.post(
            action_url(access_request, action),
            {"reason": "other", "note": "Late"},
            follow=True,
        )
        assert "is approved, not pending approval: no decision can be recorded" in page_of(response)
    assert request_events(access_request, RequestAction.APPROVED).count() == 1
    assert not request_events(access_request, RequestAction.DENIED).exists()
    assert mail.outbox == []


def test_a_decision_made_while_the_form_was_open_is_refused_by_the_service(client):
    """The page was opened while pending; another approver decided before the POST."""
    access_request = submitted_request("individual_practitioner")
    approver = staff_in_admin(client, "CMS Approver")
    from tests.factories import staff_approver

    other = staff_approver()
    response = client.get(action_url(access_request, "approve"))
    assert response.status_code == 200
    approvals.services.access_request_approve(access_request_id=access_request.pk, approver=other)
    response = approve(client, access_request)
    assert "no decision can be recorded" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.decided_by == other != approver


def test_nobody_decides_their_own_request_in_the_admin(client):
    access_request = submitted_request("individual_practitioner")
    approver = staff_in_admin(client, "CMS Approver")
    access_request.applicant = approver
    access_request.save(update_fields=["applicant"])
    response = approve(client, access_request)
    assert "it is your own" in page_of(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


def test_the_admin_and_the_web_queue_share_the_decision_services(client, monkeypatch):
    assert (
        approvals.staff_actions.access_request_approve is approvals.services.access_request_approve
    )
    assert approvals.views.access_request_approve is approvals.services.access_request_approve
    assert approvals.staff_actions.access_request_deny is approvals.views.access_request_deny
    assert issubclass(approvals.staff_actions.DenyForm, approvals.views.DecisionForm)
    # The admin reaches the service's own lock and routing check, not a copy of them.
    locked = []
    real_lock = approvals.services._lock_for_decision

    def spy(**kwargs):
        locked.append(kwargs)
        return real_lock(**kwargs)

    monkeypatch.setattr(approvals.services, "_lock_for_decision", spy)
    access_request = submitted_request("individual_practitioner")
    approver = staff_in_admin(client, "CMS Approver")
    approve(client, access_request)
    assert locked == [
        {"access_request_id": access_request.pk, "approver": approver, "locked": None}
    ]


def test_a_suspended_organizations_request_cannot_be_approved_but_can_be_denied():
    from tests.factories import security_official

    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    Organization.objects.filter(pk=organization.pk).update(status="suspended")
    with pytest.raises(approvals.services.DecisionError, match="is suspended"):
        approvals.services.access_request_approve(access_request_id=access_request.pk, approver=so)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    approvals.services.access_request_deny(
        access_request_id=access_request.pk, approver=so, reason="other", note="Suspended."
    )
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.DENIED
