"""One authenticator app code posted by two browsers at the same instant signs in only one.

django-otp accepts an app code once (``last_t``); the check reads the device and saves it in the
sign-in's transaction, so two requests that read the device before either saved it would both
accept the code. ``code_verify`` locks the device row as it reads it: the second waits for the
first's commit and then sees the code used. Runs on PostgreSQL, where row locks serialise the
two requests (SQLite locks the whole database and cannot show the race).
"""

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts import signin
from tests.factories import UserFactory, set_up
from tests.registration import PASSWORD, enter_portal
from tests.two_factor import authenticator, code_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: SQLite locks the whole database, so no race to see",
    ),
]


def at_the_code_step(user) -> Client:
    client = Client()
    enter_portal(client)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.url == reverse("accounts:login_code")
    return client


def same_code_at_once(clients, code: str) -> list:
    """Each client posts ``code`` in its own thread and database connection, held at the door
    of ``code_verify`` until all have reached it."""
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)
    verify = signin.code_verify

    def together(**kwargs):
        barrier.wait(timeout=10)
        return verify(**kwargs)

    def post(index, client):
        try:
            statuses[index] = client.post(
                reverse("accounts:login_code"), {"code": code}
            ).status_code
        except Exception as error:  # shown by the assertion on the statuses
            statuses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in enumerate(clients)]
    with mock.patch.object(signin, "code_verify", together):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return statuses


@pytest.mark.parametrize("round_", range(3))
def test_one_app_code_posted_twice_at_once_signs_in_once(round_):
    user = set_up(UserFactory())
    device = authenticator(user)
    clients = [at_the_code_step(user), at_the_code_step(user)]

    statuses = same_code_at_once(clients, code_for(device))

    assert sorted(statuses, key=str) == [200, 302]  # the refused one sees the code form again
