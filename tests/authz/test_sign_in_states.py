"""The sign-in code and two-factor pages in every state a session can be in, against the table
``expectations.SIGN_IN_STATE_ANSWERS``."""

import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
from accounts.signin import PENDING_SESSION_KEY
from organizations.roles import Role
from tests.factories import OrganizationFactory, role_holder, security_official
from tests.registration import enter_portal
from tests.two_factor import authenticator

from .expectations import SIGN_IN_STATE_ANSWERS, SIGN_IN_STATES, SIGN_IN_STATES_OF_THE_SESSION
from .support import ask, report

pytestmark = pytest.mark.django_db


def client_with(session: dict, *, user=None) -> Client:
    client = Client()
    enter_portal(client)
    if user is not None:
        client.force_login(user)  # the password only: no device verified in this session
    stored = client.session
    stored.update({PORTAL_ENTERED_SESSION_KEY: True, **session})
    stored.save()
    return client


@pytest.fixture(scope="module")
def session_clients(authz_world, django_db_blocker) -> dict[str, Client]:
    people, clients = authz_world.people, authz_world.clients
    with django_db_blocker.unblock(), transaction.atomic():
        with_app = people.a_bso  # has an authenticator app (made for the matrix's sign-in)
        authenticator(with_app)
        first_sign_in = role_holder(Role.END_USER, group=authz_world.a_front)
        first_sign_in.must_change_password = True
        first_sign_in.save()
        now = time.time()
        return {
            "anonymous": clients["anonymous"],
            "code pending": client_with({PENDING_SESSION_KEY: {"user_id": with_app.pk, "at": now}}),
            "code timed out": client_with(
                {PENDING_SESSION_KEY: {"user_id": with_app.pk, "at": now - 3600}}
            ),
            "password only": client_with({}, user=with_app),
            "first sign-in setup": client_with({}, user=first_sign_in),
            "app required, none yet": client_with(
                {}, user=security_official(OrganizationFactory())
            ),
            "two factors": clients["a_so"],
            "no two-factor needed": clients["a_end_user"],
            "staff with two factors": clients["help_desk"],
        }


def test_the_table_covers_every_page_and_every_state():
    assert set(SIGN_IN_STATE_ANSWERS) == SIGN_IN_STATES
    for methods in SIGN_IN_STATE_ANSWERS.values():
        for answers in methods.values():
            assert set(answers) == set(SIGN_IN_STATES_OF_THE_SESSION)


@pytest.mark.parametrize("page", sorted(SIGN_IN_STATES))
def test_each_state_of_the_session_gets_exactly_the_tables_answer(session_clients, page):
    url = reverse(page)
    wrong = []
    for method, answers in SIGN_IN_STATE_ANSWERS[page].items():
        for state, expected in answers.items():
            got = ask(session_clients[state], method, url)
            if got != expected:
                wrong.append(
                    f"{method} {url} in state {state!r} "
                    f"({SIGN_IN_STATES_OF_THE_SESSION[state]}): expected {expected}, got {got}"
                )

    assert not wrong, report(page, wrong)
