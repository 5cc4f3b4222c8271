"""An approval from the web queue in a fixed number of statements, without a savepoint, in one
commit (issue 9).

The bound may go down, never up: what each statement is for is listed in ``STATEMENTS``.
"""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import AccessRequest
from iacs_portal.audit.models import AuditChainHead
from iacs_portal.outbox.models import OutgoingEmail
from organizations.models import Organization
from tests.factories import OrganizationFactory, security_official, submitted_request
from tests.outbox.support import deliveries_published
from tests.registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENTS = [
    "the session",
    "the approver",
    "the approver's authenticator",
    "the approver's authentication answers counted (the first-login gate)",
    "BEGIN (the request's transaction)",
    "the approver's roles",
    "the request locked, from the approver's queue (the page's read and the decision's, one)",
    "an account for the applicant's SSN digest",
    "is the new User ID free",
    "the account",
    "the role",
    "the audit chain head, locked",
    "the role's event, with the head moved to it (one statement on PostgreSQL)",
    "the request approved",
    "the audit chain head, locked",
    "the approval's event, with the head moved to it",
    "the User ID's email",
    "the temporary password's email",
    "the session saved (its activity time), in the decision's transaction (ADR 20), on "
    "PostgreSQL sent with the COMMIT (ADR 22)",
    "COMMIT",
]


def test_an_approval_takes_no_savepoint_and_few_statements(client):
    AuditChainHead.objects.create()  # as in any database that has recorded something
    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization, ssn_digest="d" * 64)
    sign_in(client, so)
    address = reverse("approvals:detail", args=[access_request.tracking_number])

    with deliveries_published(), CaptureQueriesContext(connection) as captured:
        response = client.post(address, {"decision": "approve"})

    assert response.url == reverse("approvals:queue")
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    # One commit, the last statement: the session's UPDATE commits with the decision (on
    # PostgreSQL held, and sent with the COMMIT: ADR 22).
    assert statements.count("COMMIT") == 1 and statements[-1] == "COMMIT", statements
    assert [
        sql
        for sql in statements
        if sql.startswith(("UPDATE", "WITH")) and 'UPDATE "django_session"' in sql
    ]
    bound = len(STATEMENTS) + 2 * (connection.vendor != "postgresql")  # the events' 2 on SQLite
    assert len(statements) <= bound, "\n".join(statements)
    assert AccessRequest.objects.get().status == AccessRequest.Status.APPROVED


def test_a_session_gone_before_the_decision_commits_stops_it_and_nothing_is_approved(
    client, monkeypatch
):
    """Signed out in another tab while the decision ran: the 400 the session middleware gave,
    and the approval, its account and its emails roll back with it."""
    from django.contrib.sessions.models import Session

    from approvals import views

    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization, ssn_digest="d" * 64)
    sign_in(client, so)
    approve = views.access_request_approve

    def approve_then_lose_the_session(**kwargs):
        approved = approve(**kwargs)
        Session.objects.all().delete()
        return approved

    monkeypatch.setattr(views, "access_request_approve", approve_then_lose_the_session)
    address = reverse("approvals:detail", args=[access_request.tracking_number])

    with deliveries_published() as published:
        response = client.post(address, {"decision": "approve"})

    assert response.status_code == 400
    assert not published
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert access_request.applicant_id is None
    assert not OutgoingEmail.objects.exists()


def test_a_refused_approval_changes_nothing_and_says_why(client):
    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization, ssn_digest="d" * 64)
    sign_in(client, so)
    Organization.objects.filter(pk=organization.pk).update(status="suspended")
    address = reverse("approvals:detail", args=[access_request.tracking_number])

    response = client.post(address, {"decision": "approve"})

    assert response.url == reverse("approvals:queue")
    assert any("is suspended" in str(m) for m in get_messages(response.wsgi_request))
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert not AccessRequest.objects.filter(applicant__isnull=False).exists()
