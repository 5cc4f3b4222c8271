"""Resending a request's emails from the admin: the acknowledgement, and a draft's email code."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from approvals.history import RequestAction, request_events
from approvals.models import AccessRequest
from tests.factories import staff_approver, submitted_request
from tests.helpdesk.requests_support import page_of
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.registration import BARBARA, latest_code, start_registration, step

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "Caller lost the email, ticket 5120."


def resend(client, access_request, action, reason=REASON):
    return client.post(action_url(access_request, action), {"reason": reason}, follow=True)


def test_a_help_desk_agent_resends_the_acknowledgement_with_the_tracking_number(client):
    access_request = submitted_request("individual_practitioner")
    agent = staff_in_admin(client, "Help Desk")
    assert action_url(access_request, "resend-acknowledgement") in page_of(
        client.get(change_url(access_request))
    )
    response = resend(client, access_request, "resend-acknowledgement")
    assert f"sent again to {access_request.email}" in page_of(response)
    [message] = mail.outbox
    assert message.to == ["pat.applicant@example.org"]
    assert access_request.tracking_number in message.subject
    assert access_request.tracking_number in message.body
    [event] = request_events(access_request, RequestAction.ACKNOWLEDGEMENT_RESENT)
    assert event.actor == agent and REASON in event.reason
    assert "Acknowledgement email resent" in page_of(response)  # in the history
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


def test_resending_needs_a_reason(client):
    access_request = submitted_request("individual_practitioner")
    staff_in_admin(client, "Help Desk")
    response = client.post(action_url(access_request, "resend-acknowledgement"), {"reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for this action." in page_of(response)
    assert mail.outbox == []
    assert not request_events(access_request, RequestAction.ACKNOWLEDGEMENT_RESENT).exists()


def test_a_decided_request_has_no_acknowledgement_to_resend(client):
    from approvals.services import access_request_approve

    access_request = submitted_request("individual_practitioner")
    access_request_approve(access_request_id=access_request.pk, approver=staff_approver())
    staff_in_admin(client, "Help Desk")
    mail.outbox.clear()
    assert action_url(access_request, "resend-acknowledgement") not in page_of(
        client.get(change_url(access_request))
    )
    response = resend(client, access_request, "resend-acknowledgement")
    assert "Only a request waiting for a decision has an acknowledgement" in page_of(response)
    assert mail.outbox == []


def test_staff_without_the_permission_get_403(client):
    access_request = submitted_request("individual_practitioner")
    staff = staff_in_admin(client, None)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        Permission.objects.get(codename="view_accessrequest", content_type__app_label="approvals")
    )
    assert client.get(change_url(access_request)).status_code == 200
    assert (
        client.post(
            action_url(access_request, "resend-acknowledgement"), {"reason": REASON}
        ).status_code
        == 403
    )
    assert mail.outbox == []


def draft_waiting_for_its_code(applicant: Client) -> AccessRequest:
    start_registration(applicant, "individual_practitioner")
    email = BARBARA.email
    step(applicant, "user-information", {**BARBARA.form(), "email": email,
                                         "email_confirmation": email})  # fmt: skip
    return AccessRequest.objects.get(status=AccessRequest.Status.DRAFT)


def test_a_new_email_code_for_a_registration_waiting_at_verify_email(client):
    applicant = Client()
    draft = draft_waiting_for_its_code(applicant)
    old_code = latest_code(BARBARA.email)
    agent = staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(draft)))
    assert f"Not yet: a code was sent to {BARBARA.email}" in page
    assert action_url(draft, "resend-verification-code") in page
    assert action_url(draft, "resend-acknowledgement") not in page

    response = resend(client, draft, "resend-verification-code")

    assert f"A new code was sent to {BARBARA.email}" in page_of(response)
    new_code = latest_code(BARBARA.email)
    assert new_code != old_code
    assert new_code not in page_of(response)  # the code goes to the applicant only
    [event] = request_events(draft, RequestAction.VERIFICATION_CODE_RESENT)
    assert event.actor == agent and REASON in event.reason
    # The old code no longer works; the new one, typed into the applicant's page, does.
    refused = applicant.post(reverse("registration:verify-email"), {"code": old_code})
    assert refused.status_code == 200
    step(applicant, "verify-email", {"code": new_code})


def test_no_code_is_resent_once_the_address_is_verified_or_for_a_submitted_request(client):
    applicant = Client()
    draft = draft_waiting_for_its_code(applicant)
    step(applicant, "verify-email", {"code": latest_code(BARBARA.email)})
    submitted = submitted_request("individual_practitioner")
    staff_in_admin(client, "Help Desk")
    mail.outbox.clear()
    for access_request, why in [
        (draft, f"The applicant already verified {BARBARA.email}"),
        (submitted, "Only a registration still in progress (a draft) waits for an email code"),
    ]:
        page = page_of(client.get(change_url(access_request)))
        assert action_url(access_request, "resend-verification-code") not in page
        response = resend(client, access_request, "resend-verification-code")
        assert why in page_of(response)
    assert mail.outbox == []
