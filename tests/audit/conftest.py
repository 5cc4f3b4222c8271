"""Helpers for the audit tests: a target to audit, and tampering behind the model's back."""

import pytest
from django.db import connection

from tests.factories import UserFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): the trigger and row locks exist only there",
)


def tamper(sql: str, params=()) -> None:
    """Run raw SQL against the audit table as an intruder with database rights would.

    On PostgreSQL the append-only trigger is switched off for the statement; the test's
    transaction is rolled back afterwards in any case.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's deferred foreign-key checks must run first: PostgreSQL will not alter a
            # table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def target(db):
    return UserFactory()


@pytest.fixture
def approver(db):
    return UserFactory(username="APPROVER1")
