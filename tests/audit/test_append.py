"""The event's INSERT and the head's UPDATE, written once (compiled_writes), store what the
ORM's saves stored: every field of the event as it was in memory, the head moved to it."""

import pytest
from django.db import OperationalError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from iacs_portal.audit.models import AuditChainHead, AuditEvent
from iacs_portal.audit.services import (
    audit_chain_verify,
    audit_record,
    write_locking_chain_head,
)
from tests.audit.conftest import on_postgresql

pytestmark = pytest.mark.django_db


# The first event (the head created), then events with every field filled, by the system too.
EVENTS = [
    {"action": "role.granted"},
    {"action": "request.denied", "from_state": "submitted", "to_state": "denied",
     "reason": "Not «employed» here"},
    {"action": "request.expired", "system": True},
]  # fmt: skip


def test_each_stored_event_is_the_event_and_the_chain_holds(target, approver):
    for fields in EVENTS:
        actor = None if fields.get("system") else approver
        fields = {name: value for name, value in fields.items() if name != "system"}
        event = audit_record(target=target, actor=actor, **fields)
        stored = AuditEvent.objects.get(pk=event.pk)
        assert model_to_dict(stored) == model_to_dict(event)
        assert stored.at == event.at and event._state.adding is False
        assert AuditChainHead.objects.get().hash == event.hash
    assert audit_chain_verify().intact


def test_an_event_compiles_nothing_once_the_head_exists(target, approver, orm_compiles):
    audit_record(action="role.granted", target=target, actor=approver)
    orm_compiles.clear()
    with CaptureQueriesContext(connection) as captured:
        audit_record(action="role.revoked", target=target, actor=None)
    assert orm_compiles == []
    # The head's lock, then the event and the head's move: one statement on PostgreSQL.
    assert len(captured) == (2 if connection.vendor == "postgresql" else 3)


# The head locked with the change audited next (write_locking_chain_head)

RENAME = "UPDATE accounts_user SET first_name = %s WHERE id = %s"


def _head_locked_elsewhere() -> bool:
    """Whether another connection finds the head row locked."""
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '50ms'")
            try:
                cursor.execute("SELECT hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
            except OperationalError:
                return True
            return False
    finally:
        other.close()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_write_with_the_head_locked_is_one_statement_and_the_event_follows_it(target):
    audit_record(action="role.granted", target=target)  # the head exists
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        written, head = write_locking_chain_head(RENAME, ["Locked", target.pk], using="default")
        assert (written, head.hash) == (1, AuditChainHead.objects.get().hash)
        assert _head_locked_elsewhere()
        event = audit_record(action="role.revoked", target=target, head=head)
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT "hash"')], "locked again"
    target.refresh_from_db()
    assert target.first_name == "Locked" and AuditChainHead.objects.get().hash == event.hash
    assert audit_chain_verify().intact
    with transaction.atomic():
        written, head = write_locking_chain_head(RENAME, ["Nobody", -1], using="default")
        assert written == 0 and head is not None  # locked all the same: the caller retries


def test_where_it_cannot_lock_the_head_the_write_runs_alone(target):
    # No head row yet (and, on SQLite, never in the same statement): audit_record locks it.
    with transaction.atomic():
        written, head = write_locking_chain_head(RENAME, ["Alone", target.pk], using="default")
        assert (written, head) == (1, None)
        audit_record(action="role.granted", target=target, head=head)
    assert AuditChainHead.objects.get().hash == AuditEvent.objects.get().hash


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_write_runs_alone(target):
    audit_record(action="role.granted", target=target)
    assert write_locking_chain_head(RENAME, ["Autocommit", target.pk], using="default") == (1, None)
