"""Two approvers deciding the same request at the same moment produce exactly one decision.

Runs on PostgreSQL, where the row lock taken by the decision services really serialises the
two transactions; SQLite locks the whole database and cannot show the race.
"""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from approvals.history import RequestAction, request_events
from approvals.models import AccessRequest
from approvals.services import DecisionError, access_request_approve, access_request_deny
from organizations.models import RoleAssignment
from tests.factories import OrganizationFactory, security_official, submitted_request

pytestmark = pytest.mark.django_db(transaction=True)
DECISIONS = [RequestAction.APPROVED, RequestAction.DENIED]

ROUNDS = 5


def decide_at_once(decisions) -> list:
    """Run each decision in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(decisions))
    outcomes = [None] * len(decisions)

    def run(index, decision):
        try:
            barrier.wait()
            outcomes[index] = decision()
        except DecisionError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, decision))
        for index, decision in enumerate(decisions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_approve_and_deny_at_once_make_one_decision_and_one_set_of_emails(round_):
    organization = OrganizationFactory()
    first, second = security_official(organization), security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    mail.outbox.clear()

    outcomes = decide_at_once(
        [
            lambda: access_request_approve(access_request_id=access_request.pk, approver=first),
            lambda: access_request_deny(
                access_request_id=access_request.pk,
                approver=second,
                reason=AccessRequest.DenialReason.OTHER,
                note="Not known to us.",
            ),
        ]
    )

    errors = [outcome for outcome in outcomes if isinstance(outcome, DecisionError)]
    assert len(errors) == 1, outcomes
    assert "has already been" in str(errors[0])
    access_request.refresh_from_db()
    decisions = [request_events(access_request, action).count() for action in DECISIONS]
    assert sum(decisions) == 1
    if access_request.status == AccessRequest.Status.APPROVED:
        assert RoleAssignment.objects.filter(role="bso").count() == 1
        assert sorted(m.subject.split(" – ")[-1] for m in mail.outbox) == [
            "Account ID Enclosed",
            "Password Enclosed",
        ]
    else:
        assert access_request.status == AccessRequest.Status.DENIED
        assert not RoleAssignment.objects.filter(role="bso").exists()
        assert [m.subject for m in mail.outbox] == [
            f"IACS registration request denied: tracking number {access_request.tracking_number}"
        ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_approvals_at_once_create_one_account():
    organization = OrganizationFactory()
    first, second = security_official(organization), security_official(organization)
    access_request = submitted_request("bso", organization=organization)
    outcomes = decide_at_once(
        [
            lambda: access_request_approve(access_request_id=access_request.pk, approver=first),
            lambda: access_request_approve(access_request_id=access_request.pk, approver=second),
        ]
    )
    assert sum(isinstance(outcome, DecisionError) for outcome in outcomes) == 1
    access_request.refresh_from_db()
    assert access_request.applicant is not None
    assert RoleAssignment.objects.filter(role="bso", user=access_request.applicant).count() == 1
