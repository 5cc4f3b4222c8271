"""SPEC 9 sessions: 15 minutes idle, 12 hours absolute, enforced on the server; a new session
key at sign-in; sign-out ends the session on the server; signed-in pages are never cached."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.sessions import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY
from tests.factories import UserFactory, set_up

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-9"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROFILE = reverse("accounts:my_profile")
LOGIN = reverse("accounts:login")
KEEPALIVE = reverse("accounts:session_keepalive")
STATUS = reverse("accounts:session_status")


@pytest.fixture
def user():
    return set_up(UserFactory())


def sign_in(client, user):
    client.post(reverse("accounts:warning"))
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == PROFILE
    return response


def is_signed_in(client) -> bool:
    response = client.get(PROFILE)
    return response.status_code == 200


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Idle: 15 minutes without activity.


@pytest.mark.parametrize(
    ("idle", "still_in"),
    [
        (timedelta(minutes=14, seconds=59), True),
        (timedelta(minutes=15), False),
        (timedelta(minutes=15, seconds=1), False),
    ],
)
def test_idle_timeout_boundary(client, user, idle, still_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + idle)
        assert is_signed_in(client) is still_in


def test_each_request_is_activity_that_restarts_the_idle_timer(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        for minutes in (14, 28, 42):
            clock.move_to(START + timedelta(minutes=minutes))
            assert is_signed_in(client)
        clock.move_to(START + timedelta(minutes=42 + 15, seconds=1))
        assert not is_signed_in(client)


def test_idle_sign_out_goes_to_login_with_the_reason(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next=%2Fprofile%2F"
        page = client.get(response.url)
        assert page.status_code == 200
        assert messages_of(page) == [
            "You were signed out after 15 minutes without activity. Log in again to continue."
        ]
        assert not page.wsgi_request.user.is_authenticated


def test_the_idle_timeout_is_a_setting(client, user, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=4, seconds=59))
        assert is_signed_in(client)
        clock.move_to(START + timedelta(minutes=9, seconds=59))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert "after 5 minutes without activity" in messages_of(client.get(response.url))[0]


# Absolute: 12 hours from sign-in, whatever the activity.


def active_until(client, clock, end: timedelta):
    """Stay active every 10 minutes until shortly before ``end`` after START."""
    elapsed = timedelta(minutes=10)
    while elapsed < end - timedelta(minutes=1):
        clock.move_to(START + elapsed)
        assert is_signed_in(client)
        elapsed += timedelta(minutes=10)


@pytest.mark.parametrize(
    ("after", "still_in"),
    [
        (timedelta(hours=11, minutes=59), True),
        (timedelta(hours=12), False),
        (timedelta(hours=12, minutes=1), False),
    ],
)
def test_absolute_timeout_boundary(client, user, after, still_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        active_until(client, clock, after)
        clock.move_to(START + after)
        assert is_signed_in(client) is still_in


def test_absolute_sign_out_says_why(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        active_until(client, clock, timedelta(hours=12, minutes=1))
        clock.move_to(START + timedelta(hours=12, minutes=1))
        response = client.get(PROFILE)
        assert response.status_code == 302
        message = messages_of(client.get(response.url))[0]
        assert message.startswith("You were signed out because you had been signed in for 12 hours")


# The keep-alive ("Stay signed in") and the status poll.


def test_stay_signed_in_restarts_the_idle_timer(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=14))
        response = client.post(KEEPALIVE)
        assert response.status_code == 200
        assert response.json() == {"signed_in": True, "seconds_left": 15 * 60}
        clock.move_to(START + timedelta(minutes=28))
        assert is_signed_in(client)


def test_stay_signed_in_never_passes_the_absolute_limit(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        active_until(client, clock, timedelta(hours=11, minutes=52))
        clock.move_to(START + timedelta(hours=11, minutes=55))
        assert client.post(KEEPALIVE).json() == {"signed_in": True, "seconds_left": 5 * 60}
        clock.move_to(START + timedelta(hours=12))
        assert client.post(KEEPALIVE).status_code == 401
        assert not is_signed_in(client)


def test_the_status_poll_is_not_activity(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=10))
        assert client.get(STATUS).json() == {"signed_in": True, "seconds_left": 5 * 60}
        clock.move_to(START + timedelta(minutes=14))
        assert client.get(STATUS).json()["seconds_left"] == 60
        clock.move_to(START + timedelta(minutes=15))
        response = client.get(STATUS)
        assert response.status_code == 401 and response.json()["signed_in"] is False
        assert not is_signed_in(client)


def test_static_files_are_not_activity(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=10))
        client.get("/static/js/session-timeout.js")
        assert client.session[LAST_ACTIVITY_KEY] == START.timestamp()
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert not is_signed_in(client)


def test_keepalive_is_csrf_protected(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session["portal_entered"] = True
    session.save()
    assert client.post(KEEPALIVE).status_code == 403
    assert client.get(STATUS).status_code == 200


def test_keepalive_only_accepts_post(client, user):
    sign_in(client, user)
    assert client.get(KEEPALIVE).status_code == 405


def test_status_without_a_session_says_signed_out(client):
    client.post(reverse("accounts:warning"))
    assert client.get(STATUS).status_code == 401


def test_pages_carry_the_numbers_for_the_warning(client, user):
    with time_machine.travel(START, tick=False):
        sign_in(client, user)
        page = client.get(PROFILE).content.decode()
    assert 'data-session-seconds-left="900"' in page
    assert 'data-session-warning-seconds="120"' in page
    assert f'data-session-keepalive-url="{KEEPALIVE}"' in page
    assert 'role="alertdialog"' in page and 'aria-modal="true"' in page
    assert "js/session-timeout.js" in page


def test_anonymous_pages_have_no_warning(client):
    client.post(reverse("accounts:warning"))
    page = client.get(LOGIN).content.decode()
    assert "data-session-seconds-left" not in page and "session-timeout.js" not in page


def test_the_warning_time_is_a_setting(client, user, settings):
    settings.SESSION_WARNING_BEFORE = timedelta(seconds=90)
    sign_in(client, user)
    assert 'data-session-warning-seconds="90"' in client.get(PROFILE).content.decode()


# Session keys, sign-out, caching.


def test_sign_in_issues_a_new_session_key(client, user):
    client.post(reverse("accounts:warning"))
    before = client.session.session_key
    assert before
    sign_in(client, user)
    after = client.session.session_key
    assert after != before
    assert not SessionStore(session_key=before).exists(before)


def test_sign_in_records_its_time(client, user):
    with time_machine.travel(START, tick=False):
        sign_in(client, user)
        assert client.session[SIGNED_IN_AT_KEY] == START.timestamp()


def test_sign_out_ends_the_session_on_the_server(client, user):
    sign_in(client, user)
    old_key = client.session.session_key
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not SessionStore(session_key=old_key).exists(old_key)
    # Presenting the old cookie again does not authenticate.
    client.cookies["sessionid"] = old_key
    response = client.get(PROFILE)
    assert response.status_code == 302 and not response.wsgi_request.user.is_authenticated


def test_a_timed_out_session_key_no_longer_exists(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        old_key = client.session.session_key
        clock.move_to(START + timedelta(minutes=16))
        client.get(PROFILE)
        assert not SessionStore(session_key=old_key).exists(old_key)


def test_signed_in_pages_are_not_stored(client, user):
    sign_in(client, user)
    response = client.get(PROFILE)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_anonymous_pages_are_not_forced_to_no_store(client):
    client.post(reverse("accounts:warning"))
    response = client.get(reverse("accounts:account_management"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_session_cookie_never_outlives_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert timedelta(minutes=15) == settings.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=12) == settings.SESSION_ABSOLUTE_TIMEOUT
    assert timedelta(seconds=120) == settings.SESSION_WARNING_BEFORE


# Where the warning sends the page when its countdown ends.

ENDED = reverse("accounts:session_ended")


def test_the_end_of_the_countdown_signs_out_with_the_idle_message(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=14, seconds=57))  # 3 s left on the server
        response = client.get(ENDED, {"next": "/profile/password/"})
        assert response.url == f"{LOGIN}?next=%2Fprofile%2Fpassword%2F"
        page = client.get(response.url)
        assert messages_of(page)[0].startswith("You were signed out after 15 minutes")
        assert not is_signed_in(client)


def test_asking_whether_it_ended_is_not_activity(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=10))
        # Another tab was active: plenty left, so back to the page, the timer untouched.
        response = client.get(ENDED, {"next": "/profile/"})
        assert response.url == "/profile/"
        assert client.session[LAST_ACTIVITY_KEY] == START.timestamp()


def test_the_end_of_the_countdown_never_redirects_off_site(client, user):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.move_to(START + timedelta(minutes=16))
        response = client.get(ENDED, {"next": "https://evil.example/"})
        assert response.url == LOGIN
