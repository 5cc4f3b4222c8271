"""What submitting checks again: the organization is still approved, and the person still has
no account (the review POST reads both with the locked draft, in one statement)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import Organization
from tests.factories import OrganizationFactory, UserFactory, security_official
from tests.registration import register_bso_until_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def at_review(client):
    organization = OrganizationFactory()
    security_official(organization)
    register_bso_until_review(client, organization)
    return AccessRequest.objects.get()


def submit(client):
    return client.post(reverse("registration:review"))


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_with_both_checks_passed_the_request_is_submitted(client, at_review):
    response = submit(client)
    assert response.url == reverse("registration:acknowledgement")
    at_review.refresh_from_db()
    assert at_review.status == AccessRequest.Status.SUBMITTED


def test_an_organization_suspended_meanwhile_sends_the_person_back_to_choose(client, at_review):
    Organization.objects.filter(pk=at_review.organization_id).update(
        status=Organization.Status.SUSPENDED
    )
    response = submit(client)
    assert response.url == reverse("registration:organization")
    assert told(response) == ["The organization you chose can no longer be selected. Choose again."]
    at_review.refresh_from_db()
    assert at_review.status == AccessRequest.Status.DRAFT
    assert "organization" not in at_review.completed_steps


def test_an_account_made_for_the_person_meanwhile_ends_the_registration(client, at_review):
    UserFactory(username="BARB01", ssn_digest=at_review.ssn_digest)
    response = submit(client)
    assert response.url == reverse("accounts:login")
    [message] = told(response)
    assert message.startswith("An IACS account was created for you while you were registering.")
    assert not AccessRequest.objects.exists()  # the draft is discarded


def test_an_account_of_someone_else_does_not_stop_it(client, at_review):
    UserFactory(username="OTHER1", ssn_digest="0" * 64)
    assert submit(client).url == reverse("registration:acknowledgement")


def test_accounts_without_an_ssn_never_match_a_draft_without_one(client, at_review):
    # Staff accounts have no SSN digest; a draft never reaches review without one, but if one
    # did, it must not be taken for theirs.
    UserFactory(username="STAFF1")
    assert User.objects.filter(ssn_digest="").exists()
    AccessRequest.objects.filter(pk=at_review.pk).update(ssn_digest="")
    assert submit(client).url == reverse("registration:acknowledgement")
