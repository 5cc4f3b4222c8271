"""The approvers' notice of a submitted request: whoever may decide it is asked when the notice
is sent (``approvals.emails.to_approvers``), not at the submit as well (issue 9)."""

import pytest
from django.core import mail
from django.urls import reverse

from approvals.models import AccessRequest
from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import OrganizationFactory, security_official
from tests.registration import register_bso_until_review

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "request_awaiting_approval"


def submit_a_bso_registration(client, *, official_active: bool) -> tuple[AccessRequest, str]:
    organization = OrganizationFactory()
    official = security_official(organization)
    register_bso_until_review(client, organization)
    if not official_active:  # the organization's only approver, deactivated meanwhile
        type(official).objects.filter(pk=official.pk).update(is_active=False)
    mail.outbox.clear()
    response = client.post(reverse("registration:review"))
    assert response.url == reverse("registration:acknowledgement")
    return AccessRequest.objects.get(), official.email


def test_the_notice_is_queued_without_recipients_and_sent_to_whoever_may_decide(client):
    submitted, official = submit_a_bso_registration(client, official_active=True)

    assert submitted.status == AccessRequest.Status.SUBMITTED
    notice = OutgoingEmail.objects.get(event=NOTICE)
    assert notice.status == OutgoingEmail.Status.SENT
    assert notice.recipients == official  # as the builder found them when it was sent
    assert [message.to for message in mail.outbox if official in message.to] == [[official]]
    assert notice.tracking_number == submitted.tracking_number


def test_a_request_nobody_may_decide_has_its_notice_recorded_unsent_with_the_reason(client):
    submitted, official = submit_a_bso_registration(client, official_active=False)

    assert submitted.status == AccessRequest.Status.SUBMITTED
    notice = OutgoingEmail.objects.get(event=NOTICE)
    assert notice.status == OutgoingEmail.Status.FAILED
    assert notice.last_error == "Not sent: nobody may decide this request now."
    assert notice.recipients == ""
    assert [message.to for message in mail.outbox] == [[submitted.email]]  # the applicant's
