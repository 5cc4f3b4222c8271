"""An applicant cancels their own pending request from My Profile."""

import pytest
from django.urls import reverse

from approvals.history import RequestAction, request_events
from approvals.models import AccessRequest
from organizations.models import UserGroup
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    security_official,
    submitted_request,
)
from tests.registration import enter_portal, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return security_official(OrganizationFactory(legal_name="Chesapeake Family Medicine"))


@pytest.fixture
def pending(applicant):
    group = UserGroupFactory(status=UserGroup.Status.PENDING, name="Front Desk")
    return submitted_request(
        "uga", organization=group.organization, group=group, applicant=applicant
    )


def test_my_profile_offers_cancel_for_a_pending_request(client, applicant, pending):
    sign_in(client, applicant)
    page = client.get(reverse("accounts:my_profile")).content.decode()
    assert reverse("my_requests:cancel", args=[pending.tracking_number]) in page


def test_cancel_asks_then_withdraws_and_frees_the_proposed_group(client, applicant, pending):
    sign_in(client, applicant)
    url = reverse("my_requests:cancel", args=[pending.tracking_number])
    assert f"Cancel request {pending.tracking_number}?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert f"Request {pending.tracking_number} was cancelled." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.CANCELLED
    assert pending.group.status == UserGroup.Status.DENIED
    event = request_events(pending, RequestAction.CANCELLED).get()
    assert event.actor == applicant


def test_a_decided_request_cannot_be_cancelled(client, applicant, pending):
    sign_in(client, applicant)
    url = reverse("my_requests:cancel", args=[pending.tracking_number])
    client.post(url)
    response = client.post(url, follow=True)
    assert "it can no longer be cancelled" in response.content.decode()
    assert client.get(url, follow=True).redirect_chain[-1][0] == reverse("accounts:my_profile")


def test_nobody_else_can_cancel_it(client, pending):
    stranger = security_official(OrganizationFactory())
    sign_in(client, stranger)
    url = reverse("my_requests:cancel", args=[pending.tracking_number])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.SUBMITTED


def test_signing_in_is_needed(client, pending):
    url = reverse("my_requests:cancel", args=[pending.tracking_number])
    enter_portal(client)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
