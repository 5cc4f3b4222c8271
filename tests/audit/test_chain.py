"""Every event is sealed by a hash over its predecessor's hash and its own fields."""

import hashlib
import json

import pytest
from django.db import IntegrityError, connection, transaction

from iacs_portal.audit.models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
    AuditTrailIsAppendOnly,
)
from iacs_portal.audit.services import audit_chain_verify, audit_events_for, audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_first_event_links_to_the_genesis_hash(target, approver):
    event = audit_record(action="role.granted", target=target, actor=approver)

    assert event.previous_hash == GENESIS_HASH
    assert AuditChainHead.objects.get().hash == event.hash


def test_hash_is_sha256_of_previous_hash_and_sorted_key_json(target, approver):
    event = audit_record(
        action="request.approved",
        target=target,
        actor=approver,
        from_state="submitted",
        to_state="approved",
        reason="Verified with the organization",
    )
    event.refresh_from_db()  # what was stored, not what was in memory

    fields = json.loads(event.canonical())
    assert list(fields) == sorted(fields)
    assert fields["actor_label"] == "APPROVER1"
    assert fields["target_type"] == "accounts.user"
    assert fields["target_id"] == str(target.pk)
    assert fields["from_state"] == "submitted"
    assert fields["to_state"] == "approved"
    assert fields["at"].endswith("+00:00")
    expected = hashlib.sha256((GENESIS_HASH + event.canonical()).encode()).hexdigest()
    assert event.hash == expected


def test_each_event_links_to_the_one_before(target, approver):
    first = audit_record(action="request.submitted", target=target, actor=approver)
    second = audit_record(action="request.approved", target=target, actor=approver)
    third = audit_record(action="role.granted", target=target)

    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert audit_chain_verify().verified == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_label", "SOMEONE2"),
        ("client_address", "198.51.100.7"),
        ("action", "request.denied"),
        ("target_id", "999"),
        ("from_state", "draft"),
        ("to_state", "denied"),
        ("reason", "changed"),
    ],
)
def test_changing_any_sealed_field_changes_the_hash(target, approver, field, value):
    event = audit_record(action="request.approved", target=target, actor=approver)
    setattr(event, field, value)

    assert event.compute_hash(event.previous_hash) != event.hash


def test_system_events_have_no_actor(target):
    event = audit_record(action="request.expired", target=target)

    assert event.actor is None
    assert event.actor_label == ""
    assert event.client_address is None  # no request: a periodic task


def test_events_for_a_target_come_oldest_first_and_only_its_own(target, approver):
    other = UserFactory()
    submitted = audit_record(action="request.submitted", target=target, actor=approver)
    audit_record(action="request.submitted", target=other, actor=approver)
    approved = audit_record(action="request.approved", target=target, actor=approver)

    assert list(audit_events_for(target)) == [submitted, approved]


def test_an_unsaved_target_is_refused(approver):
    with pytest.raises(ValueError):
        audit_record(action="role.granted", target=UserFactory.build(), actor=approver)


def test_deleting_the_actor_keeps_their_user_id_and_a_valid_chain(target):
    approver = UserFactory(username="GONE01")
    event = audit_record(action="request.approved", target=target, actor=approver)

    approver.delete()  # on PostgreSQL the trigger allows exactly this null-out

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "GONE01"
    assert audit_chain_verify().intact


def test_two_events_can_never_share_a_predecessor(target):
    """The database backs the lock: a fork is refused even if appends were not serialised."""
    first = audit_record(action="role.granted", target=target)
    fork = AuditEvent(
        at=first.at,
        action="role.revoked",
        target_type=first.target_type,
        target_id=first.target_id,
        previous_hash=first.previous_hash,
    )
    fork.hash = fork.compute_hash(fork.previous_hash)

    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_an_event_is_appended_in_two_statements_on_postgresql_and_three_elsewhere(
    target, approver, django_assert_num_queries
):
    audit_record(action="request.submitted", target=target)  # the head row exists from here
    # On PostgreSQL: lock the head, then insert the event with the head's update in its WITH.
    statements = 2 if connection.vendor == "postgresql" else 3

    with django_assert_num_queries(statements):
        event = audit_record(
            action="request.approved", target=target, actor=approver, reason="Checked"
        )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.hash, stored.actor_id, stored.reason) == (event.hash, approver.pk, "Checked")
    assert stored.at == event.at and stored.client_address == event.client_address
    assert AuditChainHead.objects.get().hash == event.hash
    assert audit_chain_verify().verified == 2
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()  # the event in hand is a stored one, as after save()
