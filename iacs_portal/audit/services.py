"""Writing to and checking the audit trail.

``audit_record`` is called by the services that change something worth auditing (a request
submitted or decided, a role granted or revoked), inside their own transaction, so the event
commits or rolls back with the change it describes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connections, models, router, transaction
from django.utils import timezone

from iacs_portal.compiled_writes import (
    hold_write,
    insert,
    insert_sql,
    prepared_values,
    update_fields,
    update_sql,
)
from iacs_portal.field_values import values_for_save

from .middleware import current_client_address
from .models import GENESIS_HASH, AuditChainHead, AuditChainHeadMissing, AuditEvent


def _lock_chain_head() -> AuditChainHead:
    # The lock is held until the caller's transaction ends: audited writes are serialised,
    # which is what keeps the chain a single line.
    if (head := _locked_chain_head()) is not None:
        return head
    # Created with the first event (and again after a test flush); a concurrent creator loses
    # the insert race and then waits on the lock.
    head, created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    if created and AuditEvent.objects.exists():
        # Restarting from the genesis hash would hide whatever happened to the newest events.
        raise AuditChainHeadMissing(
            "The audit chain head row is missing while events exist; run verify_audit_chain."
        )
    return head


def _locked_chain_head() -> AuditChainHead | None:
    """The head row, locked, read by a statement written once: every audited change reads it,
    and the ORM's ``select_for_update().get()`` cost as much again to compile as to run."""
    connection = connections[router.db_for_write(AuditChainHead)]
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('hash')} FROM {quote(AuditChainHead._meta.db_table)}"  # noqa: S608  # nosec B608
            f" WHERE {quote('id')} = %s{lock}",
            [1],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    head = AuditChainHead(pk=1, hash=row[0])
    head._state.adding, head._state.db = False, connection.alias
    return head


def write_locking_chain_head(
    sql: str, params: Sequence, *, using: str
) -> tuple[int, AuditChainHead | None]:
    """Run ``sql``, a write, and lock the chain head in the same statement (PostgreSQL, in a
    transaction, ADR 23): for a change audited next, one round trip where the write and then
    the lock were two. How many rows the write changed, and the head, locked, for
    ``audit_record``'s ``head``; None where it is not (another database, autocommit, no head
    row yet)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount, None
    with connection.cursor() as cursor:
        cursor.execute(_locking_write_sql(sql, using), [*params, 1])
        written, hash_ = cursor.fetchone()
    if hash_ is None:
        return written, None
    head = AuditChainHead(pk=1, hash=hash_)
    head._state.adding, head._state.db = False, using
    return written, head


@cache
def _locking_write_sql(sql: str, using: str) -> str:
    quote = connections[using].ops.quote_name
    lock = (
        f"SELECT {quote('hash')} FROM {quote(AuditChainHead._meta.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {quote('id')} = %s FOR UPDATE"
    )
    # ``sql`` is a statement text of the caller's (quoted names, placeholders), never a value.
    written = f"WITH written AS ({sql} RETURNING 1)"
    return f"{written} SELECT (SELECT count(*) FROM written), ({lock})"  # noqa: S608  # nosec B608


def audit_record(
    *,
    action: str,
    target: models.Model,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    hold: bool = False,
    head: AuditChainHead | None = None,
) -> AuditEvent:
    """Append one event about ``target``; ``actor`` None means the system (a periodic task).

    ``hold``: on PostgreSQL, the event's write may be held for the transaction's next statement
    or its commit (ADR 22), one round trip fewer; its id is then not read back (``pk`` None: its
    hash, unique, names it as well). For a caller that does not use the id. ``head``: the chain
    head as ``write_locking_chain_head`` locked it in this transaction, not read again."""
    if target.pk is None:
        raise ValueError("An audit event needs a saved target.")
    # No savepoint of its own: inside the caller's transaction a failure here fails the whole
    # change anyway (it must not commit unaudited), and that saves two round trips an event.
    with transaction.atomic(savepoint=False):
        head = head or _lock_chain_head()
        event = AuditEvent(
            at=timezone.now(),  # taken under the lock, so time never runs backwards in the chain
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "",
            client_address=current_client_address(),
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            from_state=str(from_state),
            to_state=str(to_state),
            reason=reason,
            previous_hash=head.hash,
        )
        event.hash = event.compute_hash(head.hash)
        _append(event, head, hold=hold)
    return event


def _append(event: AuditEvent, head: AuditChainHead, *, hold: bool) -> None:
    """Insert ``event`` and move the locked ``head`` to it.

    On PostgreSQL in one statement (the head's UPDATE in a WITH before the event's INSERT),
    which ``hold`` lets go with the transaction's next statement (``hold_write``, ADR 22): the
    audited change then costs the head's lock and no round trip more. Elsewhere (SQLite,
    the development default) the two statements of the ORM's saves. Both statements' text is
    written once per database (``compiled_writes``: compiling them cost about 0.3 ms of CPU an
    event), their values prepared as the ORM's saves prepare them; tests/audit/test_append.py
    holds the rows equal to the ORM's.
    """
    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        insert([event], using=alias, signals_sent=True)  # event.save(), a new event
        head.hash = event.hash
        update_fields(head, ["hash"], using=alias)
        return
    meta = AuditEvent._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    move = values_for_save(AuditChainHead, {"hash": event.hash, "id": head.pk}, connection)
    values = (*move, *prepared_values(event, fields, add=True, connection=connection))
    names = tuple(f.name for f in fields)
    if not (hold and hold_write(connection, _append_sql(names, False, alias), values)):
        with connection.cursor() as cursor:
            cursor.execute(_append_sql(names, True, alias), values)
            event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, alias
    head.hash = event.hash


@cache
def _append_sql(names: tuple[str, ...], returning: bool, alias: str) -> str:
    """The head's UPDATE in a WITH, then the event's INSERT, returning its id when asked
    (PostgreSQL)."""
    move = update_sql(AuditChainHead, ("hash",), (), alias)
    return f"WITH head AS ({move}) {insert_sql(AuditEvent, names, 1, returning, alias)}"


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about ``target``, oldest first."""
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).order_by("id")


@dataclass(frozen=True)
class ChainCheck:
    verified: int  # events whose hash and link matched, in order, before any break
    broken_event: AuditEvent | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def audit_chain_verify() -> ChainCheck:
    """Recompute every hash in chain order; report the first event that does not fit.

    An edited row no longer matches its own hash; a deleted or inserted row breaks the
    previous-hash link of the event after it; deleted newest events leave the chain head
    pointing at a hash no event has.
    """
    # The head is read first and only has to appear somewhere in the chain, so events appended
    # while this runs (after it) cause no false alarm and writers need not be stopped.
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seen = head is None  # no head yet: checked below once the events are counted
    expected_previous = GENESIS_HASH
    verified = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous:
            return ChainCheck(
                verified,
                event,
                "its previous-hash link does not match the event before it "
                "(an event was deleted or inserted before it)",
            )
        if event.compute_hash(event.previous_hash) != event.hash:
            return ChainCheck(
                verified, event, "its stored hash does not match its contents (edited)"
            )
        head_seen = head_seen or event.hash == head.hash
        expected_previous = event.hash
        verified += 1
    if head is None and verified and not AuditChainHead.objects.filter(pk=1).exists():
        return ChainCheck(verified, None, "the chain head row is missing while events exist")
    if not head_seen:
        return ChainCheck(
            verified,
            None,
            "the chain head names a hash no event has (the newest events were deleted, "
            "or the head row was changed)",
        )
    return ChainCheck(verified)
