"""A Celery worker keeps its database connection between tasks as a web process keeps it
between requests (CONN_MAX_AGE, health checks): a new PostgreSQL connection for every email
cost the database more than the email itself (iacs_portal/celery.py)."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import beat_embedded_init, task_postrun, task_prerun, worker_process_init
from django.db import connection

from iacs_portal.celery import app
from iacs_portal.outbox.tasks import outgoing_email_deliver

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the connection outside any transaction
    # The worker's server connection: SQLite's in-memory test database is never closed.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL connections"),
]


@pytest.fixture
def worker_fixup():
    """Celery's Django fixup as a worker installs it, removed again afterwards."""
    fixup = DjangoWorkerFixup(app).install()
    yield fixup
    task_prerun.disconnect(fixup.on_task_prerun)
    task_postrun.disconnect(fixup.on_task_postrun)
    worker_process_init.disconnect(fixup.on_worker_process_init)
    beat_embedded_init.disconnect(fixup.close_database)


def run_task_signals(task) -> None:
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    task_postrun.send(
        sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state="SUCCESS"
    )


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def connect_with_max_age(monkeypatch, seconds: int) -> int:
    """A new connection, kept ``seconds`` and checked before reuse, as in production."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", seconds)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    return backend_pid()


@pytest.mark.usefixtures("worker_fixup")
def test_a_worker_keeps_its_database_connection_for_the_next_task(monkeypatch):
    pid = connect_with_max_age(monkeypatch, 60)

    for _ in range(3):
        run_task_signals(outgoing_email_deliver)

    assert connection.connection is not None and backend_pid() == pid


@pytest.mark.usefixtures("worker_fixup")
def test_a_worker_closes_its_connection_once_older_than_conn_max_age(monkeypatch):
    connect_with_max_age(monkeypatch, 0)  # development's and the tests' setting: never kept

    run_task_signals(outgoing_email_deliver)

    assert connection.connection is None


@pytest.mark.usefixtures("worker_fixup")
def test_a_broken_connection_is_not_handed_to_the_next_task(monkeypatch):
    connect_with_max_age(monkeypatch, 60)
    connection.connection.close()  # the server went away meanwhile

    run_task_signals(outgoing_email_deliver)

    assert backend_pid() > 0  # a new connection, not an error
