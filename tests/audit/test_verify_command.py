"""manage.py verify_audit_chain: silent agreement, or the first event that does not fit."""

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from iacs_portal.audit.services import audit_record
from tests.audit.conftest import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(target, approver):
    return [
        audit_record(action="request.submitted", target=target, actor=approver),
        audit_record(action="request.approved", target=target, actor=approver, reason="ok"),
        audit_record(action="role.granted", target=target, actor=approver),
        audit_record(action="role.revoked", target=target),
    ]


def test_intact_chain_exits_zero_and_counts_the_events(events, capsys):
    call_command("verify_audit_chain")

    assert "Verified 4 audit events" in capsys.readouterr().out


def test_empty_trail_verifies(db, capsys):
    call_command("verify_audit_chain")

    assert "Verified 0 audit events" in capsys.readouterr().out


def test_edited_row_is_named(events):
    edited = events[1]
    tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["rubber-stamped", edited.pk])

    with pytest.raises(CommandError) as error:
        call_command("verify_audit_chain")

    message = str(error.value)
    assert f"event {edited.pk} " in message
    assert "request.approved" in message
    assert edited.at.isoformat() in message
    assert "does not match its contents" in message


def test_edited_row_with_a_recomputed_hash_breaks_the_next_link(events):
    edited, following = events[1], events[2]
    edited.reason = "rubber-stamped"
    forged = edited.compute_hash(edited.previous_hash)
    tamper(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
        [edited.reason, forged, edited.pk],
    )

    with pytest.raises(CommandError, match=f"event {following.pk} .*previous-hash link"):
        call_command("verify_audit_chain")


def test_deleted_row_in_the_middle_is_found_at_the_next_event(events):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError, match=f"event {events[2].pk} .*role.granted.*previous-hash"):
        call_command("verify_audit_chain")


def test_deleted_newest_row_is_found_by_the_chain_head(events):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])

    with pytest.raises(CommandError, match="chain head"):
        call_command("verify_audit_chain")


def test_command_line_exit_status_is_non_zero_on_a_break(events, capsys):
    tamper("UPDATE audit_auditevent SET to_state = 'approved' WHERE id = %s", [events[0].pk])

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "verify_audit_chain"]).execute()

    assert exit_.value.code != 0
    assert f"event {events[0].pk} " in capsys.readouterr().err
