"""Submitting a registration (the wizard's review POST) in few statements and one publish.

The bound may go down, never up (issue 9): what each statement is for is listed in
``STATEMENTS``; a statement added here is a round trip added to every registration.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import AccessRequest
from iacs_portal.audit.models import AuditChainHead
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.tasks import outgoing_email_deliver, outgoing_emails_deliver
from tests.factories import OrganizationFactory, security_official
from tests.outbox.support import deliveries_published
from tests.registration import register_bso_until_review

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENTS = [
    "the session",
    "BEGIN (the request's transaction)",
    "the draft, locked, with its organization's status and whether the person has an account",
    "the request submitted, with a tracking number no other request has",
    "the audit chain head, locked",
    "the audit event, with the head moved to it (one statement on PostgreSQL)",
    "the two emails (whoever may approve it is asked when the notice is sent)",
    "the session saved, in the transaction (iacs_portal.transactions, accounts.session_store)",
    "COMMIT",
]


def test_a_registration_is_submitted_in_few_statements_without_a_savepoint(client, monkeypatch):
    AuditChainHead.objects.create()  # as in any database that has recorded something
    organization = OrganizationFactory()
    security_official(organization)
    register_bso_until_review(client, organization)
    handed = []
    monkeypatch.setattr(
        outgoing_emails_deliver, "apply_async", lambda args, **o: handed.append(args)
    )

    with deliveries_published() as one_by_one, CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("registration:review"))

    assert response.url == reverse("registration:acknowledgement")
    statements = [query["sql"] for query in captured.captured_queries]
    bound = len(STATEMENTS) + (connection.vendor != "postgresql")  # the audit event's 2 on SQLite
    assert len(statements) <= bound, "\n".join(statements)
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    emails = list(OutgoingEmail.objects.filter(event__startswith="request_").order_by("pk"))
    assert [e.event for e in emails] == ["request_submitted", "request_awaiting_approval"]
    assert one_by_one == [] and handed == [[[e.pk for e in emails]]]  # one publish for both
    assert AccessRequest.objects.get().status == AccessRequest.Status.SUBMITTED
    assert outgoing_email_deliver.name != outgoing_emails_deliver.name
