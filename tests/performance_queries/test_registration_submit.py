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
    "the request submitted, with a tracking number no other request has, and the audit chain "
    "head locked (one statement on PostgreSQL: audit.services.write_locking_chain_head)",
    "the audit event, with the head moved to it (one statement on PostgreSQL)",
    "the two emails (whoever may approve it is asked when the notice is sent)",
    "the session saved, in the transaction (iacs_portal.transactions, accounts.session_store)",
    "COMMIT",
]
# On PostgreSQL the event is held and sent with the emails' INSERT, the session's UPDATE with
# the COMMIT (ADR 22): the round trips are the statements sent, the COMMIT included.
ROUND_TRIPS_ON_POSTGRESQL = 5


def test_a_registration_is_submitted_in_few_statements_without_a_savepoint(client, monkeypatch):
    AuditChainHead.objects.create()  # as in any database that has recorded something
    organization = OrganizationFactory()
    security_official(organization)
    register_bso_until_review(client, organization)
    handed = []
    monkeypatch.setattr(
        outgoing_emails_deliver, "apply_async", lambda args, **o: handed.append(args)
    )

    sent = []

    def send(execute, sql, params, many, context):
        sent.append(sql)  # held statements are not executed alone: they go with these
        return execute(sql, params, many, context)

    with (
        deliveries_published() as one_by_one,
        CaptureQueriesContext(connection) as captured,
        connection.execute_wrapper(send),
    ):
        response = client.post(reverse("registration:review"))

    assert response.url == reverse("registration:acknowledgement")
    statements = [query["sql"] for query in captured.captured_queries]
    # SQLite: the head's lock apart from the submission, and the audit event's 2 statements.
    bound = len(STATEMENTS) + 2 * (connection.vendor != "postgresql")
    assert len(statements) <= bound, "\n".join(statements)
    if connection.vendor == "postgresql":
        assert len(sent) + 1 <= ROUND_TRIPS_ON_POSTGRESQL, "\n".join(sent)  # + the COMMIT
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    emails = list(OutgoingEmail.objects.filter(event__startswith="request_").order_by("pk"))
    assert [e.event for e in emails] == ["request_submitted", "request_awaiting_approval"]
    assert one_by_one == [] and handed == [[[e.pk for e in emails]]]  # one publish for both
    assert AccessRequest.objects.get().status == AccessRequest.Status.SUBMITTED
    assert outgoing_email_deliver.name != outgoing_emails_deliver.name
