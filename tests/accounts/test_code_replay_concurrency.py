"""One authenticator app code posted by two browsers at the same instant signs in only one.

django-otp accepts an app code once (``last_t``); the check reads the device and saves it in the
sign-in's transaction, so two requests that read the device before either saved it would both
accept the code. The code step reads the device locked, with the person
(``signin.pending_user_and_apps``), and ``code_verify`` checks the code on it: the second
request waits at that read for the first's commit and then sees the code used. Runs on PostgreSQL, where row locks serialise the
two requests (SQLite locks the whole database and cannot show the race).
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import signin
from tests.concurrency import posts_at_once
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


@pytest.mark.parametrize("round_", range(3))
def test_one_app_code_posted_twice_at_once_signs_in_once(round_):
    user = set_up(UserFactory())
    device = authenticator(user)
    clients = [at_the_code_step(user), at_the_code_step(user)]

    statuses = posts_at_once(
        clients,
        reverse("accounts:login_code"),
        {"code": code_for(device)},
        held_at=(signin, "pending_user_and_apps"),
    )

    assert sorted(statuses, key=str) == [200, 302]  # the refused one sees the code form again
