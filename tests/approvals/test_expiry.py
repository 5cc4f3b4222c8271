"""Pending requests: reminders to approvers, escalation to BSOs, expiry after 30 days."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from approvals import routing
from approvals.history import RequestAction, request_events
from approvals.models import AccessRequest
from approvals.tasks import remind_and_expire_pending_requests
from organizations.models import Organization, UserGroup
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    backup_security_official,
    security_official,
    submitted_request,
)

pytestmark = pytest.mark.django_db(transaction=True)

DAY = timedelta(days=1)


@pytest.fixture
def organization():
    return OrganizationFactory(legal_name="Chesapeake Family Medicine")


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return remind_and_expire_pending_requests()


def test_the_defaults_are_the_spec_numbers(settings):
    assert timedelta(days=30) == settings.PENDING_REQUEST_TTL
    assert timedelta(days=7) == settings.PENDING_REQUEST_REMINDER_INTERVAL
    assert timedelta(days=14) == settings.PENDING_REQUEST_ESCALATE_AFTER


def test_a_request_expires_at_30_days_not_before_and_the_applicant_is_told(organization):
    security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    submitted = access_request.submitted_at
    mail.outbox.clear()

    assert run_at(submitted + 30 * DAY - timedelta(seconds=1))["expired"] == 0
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED

    assert run_at(submitted + 30 * DAY)["expired"] == 1
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.EXPIRED
    assert request_events(access_request, RequestAction.EXPIRED).exists()
    expired = [m for m in mail.outbox if m.subject.startswith("IACS request expired")]
    assert [m.to for m in expired] == [[access_request.email]]
    assert "30 days" in expired[0].body

    assert run_at(submitted + 31 * DAY)["expired"] == 0  # once only


def test_the_expiry_setting_moves_the_boundary(settings, organization):
    settings.PENDING_REQUEST_TTL = timedelta(days=10)
    access_request = submitted_request("bso", organization=organization)
    assert run_at(access_request.submitted_at + 10 * DAY)["expired"] == 1


def test_expiry_frees_a_proposed_organization_and_group(organization):
    proposed = OrganizationFactory(status=Organization.Status.PENDING)
    so_request = submitted_request("so", organization=proposed)
    group = UserGroupFactory(organization=organization, status=UserGroup.Status.PENDING)
    uga_request = submitted_request("uga", organization=organization, group=group)
    run_at(uga_request.submitted_at + 30 * DAY)
    proposed.refresh_from_db()
    group.refresh_from_db()
    assert proposed.status == Organization.Status.DENIED
    assert group.status == UserGroup.Status.DENIED
    assert {
        r.status for r in AccessRequest.objects.filter(pk__in=[so_request.pk, uga_request.pk])
    } == {AccessRequest.Status.EXPIRED}


def test_approvers_are_reminded_every_7_days_until_it_expires(organization):
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    start = access_request.submitted_at
    mail.outbox.clear()

    assert run_at(start + 7 * DAY - timedelta(seconds=1))["reminded"] == 0
    assert run_at(start + 7 * DAY)["reminded"] == 1
    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Reminder: IACS request")
    assert reminder.to == [so.email]
    expires = timezone.localtime(start + 30 * DAY)  # as the email writes it: in local time
    assert expires.strftime("%m/%d/%Y") in reminder.body

    assert run_at(start + 8 * DAY)["reminded"] == 0  # not again the next day
    assert run_at(start + 14 * DAY)["reminded"] == 1
    assert run_at(start + 30 * DAY) == {"expired": 1, "reminded": 0}


def test_a_decided_request_is_neither_reminded_nor_expired(organization):
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    from approvals.services import access_request_approve

    access_request_approve(access_request_id=access_request.pk, approver=so)
    assert run_at(access_request.submitted_at + 40 * DAY) == {"expired": 0, "reminded": 0}


def test_the_bsos_see_a_bso_request_the_so_has_not_decided_after_14_days(organization):
    so = security_official(organization)
    bso = backup_security_official(organization)
    other_bso = backup_security_official(OrganizationFactory())
    access_request = submitted_request("bso", organization=organization)
    start = access_request.submitted_at

    with time_machine.travel(start + 14 * DAY - timedelta(seconds=1), tick=False):
        assert set(routing.approvers(access_request=access_request)) == {so}
        assert not routing.decidable_requests(user=bso).exists()
    with time_machine.travel(start + 14 * DAY, tick=False):
        assert set(routing.approvers(access_request=access_request)) == {so, bso}
        assert list(routing.decidable_requests(user=bso)) == [access_request]
        assert routing.can_decide(user=bso, access_request=access_request)
        assert not routing.can_decide(user=other_bso, access_request=access_request)
    mail.outbox.clear()
    run_at(start + 14 * DAY)
    assert sorted(mail.outbox[0].to) == sorted([so.email, bso.email])


def test_escalation_never_lets_a_bso_decide_their_own_request(organization):
    security_official(organization)
    bso = backup_security_official(organization)
    own = submitted_request("bso", organization=organization, applicant=bso)
    with time_machine.travel(timezone.now() + 20 * DAY, tick=False):
        assert not routing.can_decide(user=bso, access_request=own)
        assert own not in routing.decidable_requests(user=bso)
