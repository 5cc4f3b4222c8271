"""Two transactions appending at once still leave one unbroken chain (PostgreSQL row locks)."""

import threading
import time

import pytest
from django.db import connection, transaction

from iacs_portal.audit.models import AuditEvent
from iacs_portal.audit.services import audit_chain_verify, audit_record
from tests.audit.conftest import on_postgresql
from tests.factories import UserFactory

EVENTS_PER_THREAD = 5


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_leave_a_valid_chain(monkeypatch):
    target = UserFactory()
    compute_hash = AuditEvent.compute_hash

    def slow_compute_hash(self, previous_hash):
        # Widen the gap between reading the predecessor and writing: without the lock both
        # threads would read the same predecessor here.
        time.sleep(0.05)
        return compute_hash(self, previous_hash)

    monkeypatch.setattr(AuditEvent, "compute_hash", slow_compute_hash)
    start = threading.Barrier(2)
    errors = []

    def append(name):
        try:
            start.wait()
            for n in range(EVENTS_PER_THREAD):
                with transaction.atomic():
                    audit_record(action=f"test.{name}", target=target, reason=str(n))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    monkeypatch.undo()
    assert AuditEvent.objects.count() == 2 * EVENTS_PER_THREAD
    assert AuditEvent.objects.values("previous_hash").distinct().count() == 2 * EVENTS_PER_THREAD
    check = audit_chain_verify()
    assert check.intact, check.problem
    assert check.verified == 2 * EVENTS_PER_THREAD
