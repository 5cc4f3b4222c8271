"""The wizard's user information and verify email POSTs in few statements (issue 9).

The bounds may go down, never up: what each statement is for is listed below; a statement
added here is a round trip added to every registration.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import EmailVerification
from approvals.models import AccessRequest
from iacs_portal.outbox.models import OutgoingEmail
from tests.outbox.support import deliveries_published
from tests.registration import latest_code, start_bso_registration, user_information

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "barbara@example.org"

USER_INFORMATION = [
    "the session",
    "BEGIN (the request's transaction)",
    "the draft",
    "an account for this SSN, and a registration of theirs pending (one statement)",
    "the email verification, and its email queued (one statement on PostgreSQL)",
    "the draft's user information",
    "COMMIT",
]

VERIFY_EMAIL = [
    "the session",
    "BEGIN (the request's transaction)",
    "the draft with its email verification",
    "the verification verified, if still as read (compare-and-set)",
    "the draft's completed steps",
    "COMMIT",
]


def _statements(client, name: str, data: dict) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse(f"registration:{name}"), data)
    return response, [query["sql"] for query in captured.captured_queries]


def test_the_user_information_step_is_saved_in_few_statements(client):
    start_bso_registration(client)
    with deliveries_published() as published:
        response, statements = _statements(client, "user-information", user_information(EMAIL))

    assert response.url == reverse("registration:verify-email")
    # SQLite: the email's INSERT after the verification's.
    bound = len(USER_INFORMATION) + (connection.vendor != "postgresql")
    assert len(statements) <= bound, "\n".join(statements)
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    draft = AccessRequest.objects.get()
    assert draft.email_verification.email == EMAIL and draft.ssn_digest
    [email] = OutgoingEmail.objects.filter(event="email_verification")
    assert published == [[email.pk]]


def test_the_verify_email_step_is_checked_in_few_statements(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))

    response, statements = _statements(client, "verify-email", {"code": latest_code(EMAIL)})

    assert response.url == reverse("registration:contact")
    assert len(statements) <= len(VERIFY_EMAIL), "\n".join(statements)
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    assert EmailVerification.objects.get().verified_at is not None
    assert "verify-email" in AccessRequest.objects.get().completed_steps
