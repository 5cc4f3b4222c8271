import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import RoleAssignment
from tests.factories import OrganizationFactory, security_official
from tests.registration import sign_in, submit_bso_registration

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple-9"
USER_ID_SUBJECT = "FYI: User Creation Completed – Account ID Enclosed"
PASSWORD_SUBJECT = "FYI: User Creation Completed – Password Enclosed"


@pytest.fixture
def organization():
    return OrganizationFactory(legal_name="Chesapeake Family Medicine")


@pytest.fixture
def submitted(client, organization):
    submit_bso_registration(client, organization)
    return AccessRequest.objects.get()


def test_submission_assigns_a_tracking_number_and_emails_it(client, organization):
    response = submit_bso_registration(client, organization)
    access_request = AccessRequest.objects.get()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert response.url == reverse("registration:acknowledgement")
    page = client.get(response.url).content.decode()
    assert access_request.tracking_number in page
    acknowledgement = [m for m in mail.outbox if access_request.tracking_number in m.subject]
    assert acknowledgement and acknowledgement[0].to == ["barbara@example.org"]


def test_the_organizations_so_is_told_a_request_awaits(client, organization):
    so = security_official(organization)
    submit_bso_registration(client, organization)
    assert any(so.email in m.to and "awaiting your approval" in m.subject for m in mail.outbox)


def test_so_sees_only_their_own_organizations_requests(client, submitted, organization):
    own, other = security_official(organization), security_official()
    sign_in(client, other)
    assert submitted.tracking_number not in client.get(reverse("approvals:queue")).content.decode()
    assert (
        client.get(reverse("approvals:detail", args=[submitted.tracking_number])).status_code == 404
    )
    client.post(reverse("accounts:logout"))
    sign_in(client, own)
    assert submitted.tracking_number in client.get(reverse("approvals:queue")).content.decode()


def test_so_of_another_organization_cannot_approve_by_posting(client, submitted):
    sign_in(client, security_official())
    response = client.post(
        reverse("approvals:detail", args=[submitted.tracking_number]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert AccessRequest.objects.get().status == AccessRequest.Status.SUBMITTED


def test_approval_creates_the_account_and_sends_two_separate_emails(
    client, submitted, organization
):
    so = security_official(organization)
    sign_in(client, so)
    mail.outbox.clear()
    client.post(
        reverse("approvals:detail", args=[submitted.tracking_number]), {"decision": "approve"}
    )
    submitted.refresh_from_db()
    assert submitted.status == AccessRequest.Status.APPROVED and submitted.decided_by == so
    user = User.objects.get(email="barbara@example.org")
    assert user.must_change_password
    assert RoleAssignment.objects.filter(user=user, role="bso", organization=organization).exists()
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [USER_ID_SUBJECT, PASSWORD_SUBJECT]
    id_mail, password_mail = mail.outbox
    assert user.username in id_mail.body
    assert user.username not in password_mail.body


def test_deny_needs_a_reason_and_an_explanation(client, submitted, organization):
    sign_in(client, security_official(organization))
    response = client.post(
        reverse("approvals:detail", args=[submitted.tracking_number]), {"decision": "deny"}
    )
    page = response.content.decode()
    assert "Choose a reason for denying the request." in page and "Explain why" in page
    assert AccessRequest.objects.get().status == AccessRequest.Status.SUBMITTED


def test_denial_emails_the_reason(client, submitted, organization):
    sign_in(client, security_official(organization))
    mail.outbox.clear()
    client.post(
        reverse("approvals:detail", args=[submitted.tracking_number]),
        {"decision": "deny", "reason": "not_employed", "note": "Not on our staff list."},
    )
    assert AccessRequest.objects.get().status == AccessRequest.Status.DENIED
    (message,) = mail.outbox
    assert "denied" in message.subject and "Not on our staff list." in message.body
    assert not User.objects.filter(email="barbara@example.org").exists()


def test_a_decided_request_cannot_be_decided_again(client, submitted, organization):
    sign_in(client, security_official(organization))
    url = reverse("approvals:detail", args=[submitted.tracking_number])
    client.post(url, {"decision": "approve"})
    response = client.post(url, {"decision": "deny", "reason": "other", "note": "x"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert AccessRequest.objects.get().status == AccessRequest.Status.APPROVED


def test_a_decided_request_is_not_found_for_anyone_who_could_not_decide_it(
    client, submitted, organization
):
    approver = security_official(organization)
    stranger = security_official(OrganizationFactory())
    sign_in(client, approver)
    url = reverse("approvals:detail", args=[submitted.tracking_number])
    client.post(url, {"decision": "approve"})
    client.post(reverse("accounts:logout"))
    sign_in(client, stranger)
    assert client.get(url).status_code == 404


def test_nobody_decides_a_request_made_under_their_own_identity(client, organization):
    so = security_official(organization)
    submit_bso_registration(client.__class__(), organization)
    submitted = AccessRequest.objects.get()
    so.ssn_digest = submitted.ssn_digest  # the SO is the person the request names
    so.save()
    sign_in(client, so)
    assert (
        client.get(reverse("approvals:detail", args=[submitted.tracking_number])).status_code == 404
    )


def test_status_changes_only_through_transitions(submitted):
    with pytest.raises(AttributeError):
        submitted.status = AccessRequest.Status.APPROVED


def test_an_approver_without_an_email_address_still_sees_the_queue(client, submitted, organization):
    so = security_official(organization)
    so.email = ""
    so.save()
    sign_in(client, so)
    assert submitted.tracking_number in client.get(reverse("approvals:queue")).content.decode()
