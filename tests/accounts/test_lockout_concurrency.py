"""Two wrong passwords for one account at the same instant, its 5th and 6th failures, lock it
exactly once: one lock, one audit event, one email.

Runs on PostgreSQL, where the row lock taken by ``login_failure_record`` really serialises the
two sign-ins; SQLite locks the whole database and cannot show the race. Without that lock
(``User.objects.get`` for ``select_for_update().get``) every round locks the account twice.
"""

import pytest
from django.core import mail
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from accounts import forms
from accounts.lockout import login_failure_record, user_is_locked
from accounts.models import LoginFailure, User
from iacs_portal.audit.services import audit_events_for
from tests.concurrency import posts_at_once
from tests.factories import UserFactory
from tests.registration import enter_portal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: SQLite locks the whole database, so no race to see",
    ),
]

ROUNDS = 5
WRONG = "not-the-password-at-all"
LOCKED_SUBJECT = "IACS account locked after failed sign-ins"


def wrong_passwords_at_once(user, count: int) -> list:
    """``count`` browsers post a wrong password for ``user`` at once, held at the door of
    ``login_failure_record`` so that they count their failures at the same instant."""
    clients = [Client() for _ in range(count)]
    for client in clients:
        enter_portal(client)
    data = {"username": user.username, "password": WRONG}
    return posts_at_once(
        clients, reverse("accounts:login"), data, held_at=(forms, "login_failure_record")
    )


@pytest.fixture
def lock_writes():
    """Each time a save set ``locked_until`` on a user, from any thread."""
    writes = []

    def record(sender, instance, update_fields=None, **kwargs):
        if update_fields and "locked_until" in update_fields and instance.locked_until:
            writes.append(instance.locked_until)

    post_save.connect(record, sender=User, weak=False)
    yield writes
    post_save.disconnect(record, sender=User)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_fifth_and_sixth_failure_at_once_lock_the_account_once(round_, lock_writes):
    user = UserFactory()
    for _ in range(4):
        assert login_failure_record(user=user) is False

    assert wrong_passwords_at_once(user, 2) == [200, 200]

    user.refresh_from_db()
    assert user_is_locked(user=user)
    assert lock_writes == [user.locked_until]
    assert [event.action for event in audit_events_for(user)] == ["account.locked"]
    assert [m.to for m in mail.outbox if m.subject == LOCKED_SUBJECT] == [[user.email]]
    assert not LoginFailure.objects.filter(user=user).exists()  # the next lock starts afresh
