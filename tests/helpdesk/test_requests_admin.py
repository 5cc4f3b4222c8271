"""Requests in the admin: finding one, reading it safely, and "who approves my request?"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import AccessRequest
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    security_official,
    staff_approver,
    staff_member,
    submitted_request,
)
from tests.helpdesk.requests_support import page_of, pii_forms, practitioner_request, so_request
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.registration import BARBARA, start_registration

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:approvals_accessrequest_changelist")


def listed(client, **query) -> str:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return page_of(response)


def test_the_list_shows_the_columns_a_caller_is_asked_about(client):
    organization = OrganizationFactory(legal_name="Harbor Clinic")
    access_request = submitted_request("bso", organization=organization)
    AccessRequest.objects.filter(pk=access_request.pk).update(
        submitted_at=timezone.now() - timedelta(days=9, hours=1)
    )
    staff_in_admin(client, "Help Desk")
    page = listed(client)
    for text in [
        access_request.tracking_number,
        "Pat Applicant",
        "Backup Security Official",
        "Harbor Clinic",
        "New user registration",
        "Pending approval",
        '<td class="field-waiting_days">9</td>',
    ]:
        assert text in page, text


def test_drafts_are_left_out_unless_asked_for(client):
    submitted = submitted_request("individual_practitioner")
    draft = AccessRequest.objects.create(
        community=submitted.community, first_name="Drafty", last_name="Person"
    )
    staff_in_admin(client, "Help Desk")
    assert "Drafty" not in listed(client) and submitted.tracking_number in listed(client)
    only_drafts = listed(client, status="draft")
    assert "Drafty" in only_drafts and submitted.tracking_number not in only_drafts
    everything = listed(client, status="all")
    assert "Drafty" in everything and submitted.tracking_number in everything
    assert change_url(draft) in only_drafts


def test_search_by_tracking_number_name_email_user_id_and_last_four(client):
    applicant = staff_member(None, username="BARB01", is_staff=False)
    wanted = submitted_request("individual_practitioner", ssn_last4="6781", applicant=applicant)
    AccessRequest.objects.filter(pk=wanted.pk).update(
        first_name="Wilhelmina", last_name="Quarry", email="wq@example.org"
    )
    other = submitted_request("individual_practitioner", ssn_last4="1111")
    staff_in_admin(client, "Help Desk")
    for term in [
        wanted.tracking_number,
        "Wilhelmina",
        "quarry",
        "wq@example.org",
        "BARB01",
        "6781",
    ]:
        page = listed(client, q=term)
        assert wanted.tracking_number in page and other.tracking_number not in page, term


def test_filters_by_status_role_kind_and_escalation(client):
    organization = OrganizationFactory()
    escalated = submitted_request("bso", organization=organization)
    AccessRequest.objects.filter(pk=escalated.pk).update(
        submitted_at=timezone.now() - timedelta(days=15)
    )
    fresh = submitted_request("bso", organization=organization)
    old_practitioner = submitted_request("individual_practitioner")
    AccessRequest.objects.filter(pk=old_practitioner.pk).update(
        submitted_at=timezone.now() - timedelta(days=15)
    )
    staff_in_admin(client, "Help Desk")
    page = listed(client, escalated="yes")
    assert escalated.tracking_number in page
    assert fresh.tracking_number not in page
    assert old_practitioner.tracking_number not in page  # CMS requests never escalate
    page = listed(client, escalated="no")
    assert escalated.tracking_number not in page and fresh.tracking_number in page
    page = listed(client, role="individual_practitioner")
    assert old_practitioner.tracking_number in page and fresh.tracking_number not in page
    page = listed(client, kind="additional_role")
    assert fresh.tracking_number not in page
    page = listed(client, status="approved")
    assert fresh.tracking_number not in page


def test_a_bad_filter_value_is_no_error(client):
    staff_in_admin(client, "Help Desk")
    for query in [{"status": "nonsense"}, {"escalated": "maybe"}, {"role": "x"}, {"q": "%_'\""}]:
        assert client.get(CHANGELIST, query).status_code in (200, 302), query


@pytest.mark.django_db(transaction=True)
def test_the_request_page_is_read_only_without_the_ssn_or_date_of_birth(client):
    access_request = so_request()
    staff_in_admin(client, "CMS Approver")
    pages = [
        page_of(client.get(change_url(access_request))),
        listed(client, q=BARBARA.ssn[-4:]),
        page_of(client.get(action_url(access_request, "approve"))),
        page_of(client.get(action_url(access_request, "deny"))),
        page_of(client.get(action_url(access_request, "resend-acknowledgement"))),
    ]
    for page in pages:
        leaked = [form for form in pii_forms() if form in page]
        assert leaked == []
    detail = pages[0]
    assert BARBARA.masked_ssn in detail
    assert "Date of birth" not in detail
    assert 'name="_save"' not in detail and 'name="status"' not in detail
    assert "Severn River Medical Group" in detail and "52-1234567" in detail
    assert client.post(change_url(access_request), {"status": "approved"}).status_code == 403
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_practices_tin_shows_only_its_last_four_digits(client):
    access_request = practitioner_request()
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "*****7777" in page and "52-7777777" not in page and "527777777" not in page


def test_who_decides_a_bso_request_names_the_security_officials(client):
    organization = OrganizationFactory(legal_name="Harbor Clinic")
    so = security_official(organization)
    bso = backup_security_official(organization)
    stranger = security_official()
    access_request = submitted_request("bso", organization=organization)
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "decided by the Security Official of Harbor Clinic" in page
    assert so.username in page and so.email in page and so.full_name in page
    assert bso.username not in page and stranger.username not in page
    assert "Not escalated" in page

    AccessRequest.objects.filter(pk=access_request.pk).update(
        submitted_at=timezone.now() - timedelta(days=15)
    )
    page = page_of(client.get(change_url(access_request)))
    assert "Escalated on" in page and bso.username in page and so.username in page


def test_who_decides_an_end_user_request_names_the_groups_administrators(client):
    group = UserGroupFactory(name="Front desk")
    uga = group_administrator(group)
    so = security_official(group.organization)
    access_request = submitted_request("end_user", group=group)
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "the User Group Administrator of Front desk" in page
    assert uga.username in page and so.username not in page
    assert "does not escalate" in page


def test_who_decides_a_practitioner_request_names_the_cms_approvers(client):
    access_request = submitted_request("individual_practitioner")
    approver = staff_approver()
    agent = staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "decided by a CMS approver at the help desk" in page
    assert approver.username in page and agent.username not in page


def test_who_decides_says_nobody_when_the_organization_has_no_security_official(client):
    access_request = submitted_request("bso", organization=OrganizationFactory())
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "Nobody can decide it now" in page


def test_who_decides_a_decided_request_or_a_draft(client):
    from approvals.services import access_request_deny

    approver = staff_approver()
    access_request = submitted_request("individual_practitioner")
    access_request_deny(
        access_request_id=access_request.pk, approver=approver, reason="other", note="No."
    )
    draft = AccessRequest.objects.create(community=access_request.community)
    staff_in_admin(client, "Help Desk")
    page = page_of(client.get(change_url(access_request)))
    assert "Nobody: the request is denied" in page and approver.username in page
    assert "still in progress (a draft" in page_of(client.get(change_url(draft)))


def test_a_draft_just_started_in_the_wizard_opens_in_the_admin(client):
    """A draft reached by an applicant in the wizard opens in the admin without error."""
    applicant = Client()
    start_registration(applicant, "individual_practitioner")
    draft = AccessRequest.objects.get(status=AccessRequest.Status.DRAFT)
    staff_in_admin(client, "Help Desk")
    response = client.get(change_url(draft))
    assert response.status_code == 200
    assert "Not yet sent a code" in page_of(response)
