"""Delivering an email in few statements: what the Celery worker does for each verification code,
on the same machine as the pages in the benchmark (docs/performance.md).

The bound may go down, never up (issue 9): what each statement is for is listed in
``STATEMENTS``; a statement added here is a round trip added to every email.
"""

import pytest
from django.core import mail

from accounts.models import EmailVerification
from accounts.verification import CheckResult, email_verification_check, email_verification_start
from iacs_portal.outbox import delivery
from iacs_portal.outbox.models import OutgoingEmail
from tests.outbox.processes import SECRET_LINE
from tests.outbox.support import deliveries_published

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's autocommit, as in a worker

STATEMENTS = [
    "the claim: queued to sending, one attempt more (one UPDATE, committed alone)",
    "BEGIN (the send)",
    "the row locked, still this attempt's, with whether emails wait to follow it",
    "the code's hash written and the address read (the builder, one UPDATE)",
    "the sent mark",
    "COMMIT",
]


def test_a_verification_code_is_delivered_in_few_statements(django_assert_max_num_queries):
    with deliveries_published():  # committed; its task not run
        verification = email_verification_start(email="ada@example.org")
    email = OutgoingEmail.objects.get(event="email_verification")

    with django_assert_max_num_queries(len(STATEMENTS)) as captured:
        assert delivery.outgoing_email_deliver(email_id=email.pk) == delivery.SENT

    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper() or "ORDER BY" in sql]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.recipients) == ("sent", 1, "ada@example.org")
    [message] = mail.outbox
    code = SECRET_LINE.search(message.body).group(1)
    verification = EmailVerification.objects.get(pk=verification.pk)
    assert email_verification_check(verification=verification, code=code) is CheckResult.VERIFIED
