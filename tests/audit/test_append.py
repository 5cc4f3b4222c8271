"""The event's INSERT and the head's UPDATE, written once (compiled_writes), store what the
ORM's saves stored: every field of the event as it was in memory, the head moved to it."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from iacs_portal.audit.models import AuditChainHead, AuditEvent
from iacs_portal.audit.services import audit_chain_verify, audit_record

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
