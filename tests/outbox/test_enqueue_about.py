"""A new row and the email about it (``email_enqueue_about``): the rows ``insert`` and
``email_enqueue`` write, on PostgreSQL in one statement, the email handed to Celery on commit."""

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from accounts.models import EmailVerification
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.services import email_enqueue, email_enqueue_about

pytestmark = pytest.mark.django_db

ADDRESS = "someone@example.org"
# Made now, in memory and in the row: compared apart (the two rows are made an instant apart).
TIMES = ("created_at", "next_attempt_at")


def _as_stored(row) -> dict:
    return {name: value for name, value in model_to_dict(row).items() if name not in TIMES}


def test_the_row_and_its_email_are_the_rows_of_insert_then_email_enqueue(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with CaptureQueriesContext(connection) as captured:
            verification = EmailVerification(email=ADDRESS)
            email = email_enqueue_about(
                verification, event="email_verification", param="verification_id", to=[ADDRESS]
            )
        assert published == []  # nothing before the commit
    for callback in callbacks:
        callback()

    one_statement = connection.vendor == "postgresql"
    assert len(captured.captured_queries) == (1 if one_statement else 2)
    stored = EmailVerification.objects.get()
    assert stored.pk == verification.pk and verification._state.adding is False
    assert model_to_dict(stored) == model_to_dict(verification)
    assert email.params == {"verification_id": verification.pk} and email._state.adding is False
    row = OutgoingEmail.objects.get()
    assert row.pk == email.pk and _as_stored(row) == _as_stored(email)
    assert all(getattr(row, name) == getattr(email, name) for name in TIMES)
    # The row email_enqueue writes for the same email, after the row's own INSERT.
    reference = email_enqueue(
        event="email_verification", params={"verification_id": stored.pk}, to=[ADDRESS]
    )
    expected = _as_stored(OutgoingEmail.objects.get(pk=reference.pk))
    assert _as_stored(row) | {"id": None} == expected | {"id": None}
    assert published == [("outgoing_email_deliver", email.pk)]


def test_a_refused_email_writes_neither_row():
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(ValueError, match="names a secret"),
        transaction.atomic(),
    ):
        email_enqueue_about(
            EmailVerification(email=ADDRESS), event="email_verification", param="code"
        )
    if connection.vendor == "postgresql":  # refused before its statement is sent
        assert not [q for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert not EmailVerification.objects.exists() and not OutgoingEmail.objects.exists()
