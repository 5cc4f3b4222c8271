"""Per-client rate limits (iacs_portal.ratelimit): N attempts allowed, N+1 refused with an
accessible 429 page saying how long to wait, allowed again once the window has passed."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from iacs_portal.ratelimit import rate_limit_hit
from tests.factories import UserFactory, set_up
from tests.network import unreachable_redis_cache
from tests.registration import (
    BARBARA,
    PASSWORD,
    enter_portal,
    latest_code,
    start_registration,
    step,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

DEFAULTS = {
    "registration_start": (20, timedelta(minutes=60)),
    "registration_user_info": (10, timedelta(minutes=60)),
    "email_code_entry": (20, timedelta(minutes=15)),
    "email_code_resend": (5, timedelta(minutes=15)),
    "login": (30, timedelta(minutes=15)),
    "forgot_password": (10, timedelta(minutes=60)),
    "forgot_user_id": (10, timedelta(minutes=60)),
}


def limit(settings, action: str, rate: int, window: timedelta = timedelta(minutes=15)):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: {"rate": rate, "window": window}}


# The limiter itself, at each action's default.


def test_every_action_has_its_default(settings):
    assert {
        action: (limit["rate"], limit["window"]) for action, limit in settings.RATE_LIMITS.items()
    } == DEFAULTS


@pytest.mark.parametrize("action", sorted(DEFAULTS))
def test_default_boundary_and_a_new_window(action):
    rate, window = DEFAULTS[action]
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(rate):
            assert rate_limit_hit(action=action, client="192.0.2.1").allowed
        refused = rate_limit_hit(action=action, client="192.0.2.1")
        assert not refused.allowed
        assert refused.retry_after == int(window.total_seconds())
        clock.move_to(START + window - timedelta(seconds=1))
        still = rate_limit_hit(action=action, client="192.0.2.1")
        assert not still.allowed and still.retry_after == 1
        clock.move_to(START + window + timedelta(seconds=1))
        assert rate_limit_hit(action=action, client="192.0.2.1").allowed


def test_clients_and_actions_are_counted_apart():
    assert rate_limit_hit(action="login", client="a", rate=1, window=timedelta(minutes=1)).allowed
    assert not rate_limit_hit(
        action="login", client="a", rate=1, window=timedelta(minutes=1)
    ).allowed
    assert rate_limit_hit(action="login", client="b", rate=1, window=timedelta(minutes=1)).allowed
    assert rate_limit_hit(
        action="forgot_password", client="a", rate=1, window=timedelta(minutes=1)
    ).allowed


@pytest.mark.parametrize("rate", [1, 3])
def test_counted_in_redis_as_in_any_cache(settings, rate):
    """Production's cache: the count in one MULTI, stored as the cache API stores it."""
    import redis
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "iacs_portal.cache.RedisCache",
            "LOCATION": os.environ["CELERY_TEST_BROKER_URL"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = f"test-{uuid.uuid4()}"
    try:
        cache.delete("probe")
    except redis.ConnectionError:
        pytest.skip("Redis does not answer at CELERY_TEST_BROKER_URL")
    window = timedelta(minutes=5)
    for _ in range(rate):
        assert rate_limit_hit(action="login", client=client, rate=rate, window=window).allowed
    refused = rate_limit_hit(action="login", client=client, rate=rate, window=window)
    assert not refused.allowed and 299 <= refused.retry_after <= 300
    assert cache.get(f"ratelimit:login:{client}") == rate + 1
    counter = cache.make_and_validate_key(f"ratelimit:login:{client}")
    assert 0 < cache._cache.get_client(counter).ttl(counter) <= 300  # the window's expiry
    assert rate_limit_hit(action="login", client=f"{client}-other", rate=1, window=window).allowed
    cache.delete_many([f"ratelimit:login:{client}", f"ratelimit:login:{client}:start"])


# Applied to the views.


def assert_refused(response, minutes: int):
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many attempts" in page and f"Wait {minutes} minute" in page
    assert 'role="alert"' in page
    assert int(response["Retry-After"]) == minutes * 60


@pytest.mark.django_db(transaction=True)
def test_sign_in_is_limited_per_client(client, settings):
    limit(settings, "login", 3)
    user = set_up(UserFactory())
    enter_portal(client)
    url = reverse("accounts:login")
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            assert (
                client.post(url, {"username": user.username, "password": "wrong"}).status_code
                == 200
            )
        refused = client.post(url, {"username": user.username, "password": PASSWORD})
        assert_refused(refused, 15)
        assert not refused.wsgi_request.user.is_authenticated
        # Another client address still may.
        other = client.post(
            url, {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )
        assert other.status_code == 200
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        response = client.post(url, {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302 and response.url == reverse("accounts:my_profile")


@pytest.mark.django_db(transaction=True)
def test_showing_the_login_form_is_not_an_attempt(client, settings):
    limit(settings, "login", 1)
    enter_portal(client)
    for _ in range(3):
        assert client.get(reverse("accounts:login")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_registration_start_is_limited(client, settings):
    limit(settings, "registration_start", 2, timedelta(minutes=60))
    enter_portal(client)
    url = reverse("registration:terms", args=["provider-supplier"])
    with time_machine.travel(START, tick=False) as clock:
        assert client.post(url, {"accept": "on"}).status_code == 302
        assert client.post(url, {"accept": "on"}).status_code == 302
        assert_refused(client.post(url, {"accept": "on"}), 60)
        clock.move_to(START + timedelta(minutes=60, seconds=1))
        assert client.post(url, {"accept": "on"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_ssa_check_is_limited(client, settings):
    limit(settings, "registration_user_info", 2)
    url = reverse("registration:user-information")
    wrong = {**BARBARA.form(), "ssn": "123-45-0000", "email": "b@example.org"}
    wrong["email_confirmation"] = wrong["email"]
    with time_machine.travel(START, tick=False) as clock:
        start_registration(client, "so")
        assert client.post(url, wrong).status_code == 200
        assert client.post(url, wrong).status_code == 200
        assert_refused(client.post(url, wrong), 15)
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        right = {**BARBARA.form(), "email": "b@example.org", "email_confirmation": "b@example.org"}
        assert step(client, "user-information", right).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_code_entry_and_resend_are_limited_apart(client, settings):
    limit(settings, "email_code_entry", 2)
    limit(settings, "email_code_resend", 1)
    url = reverse("registration:verify-email")
    email = "b@example.org"
    with time_machine.travel(START, tick=False) as clock:
        start_registration(client, "so")
        step(
            client,
            "user-information",
            {**BARBARA.form(), "email": email, "email_confirmation": email},
        )
        assert client.post(url, {"code": "000000"}).status_code == 200
        assert client.post(url, {"resend": "1"}).status_code == 302
        assert_refused(client.post(url, {"resend": "1"}), 15)
        assert client.post(url, {"code": "000001"}).status_code == 200
        assert_refused(client.post(url, {"code": latest_code(email)}), 15)
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert step(client, "verify-email", {"code": latest_code(email)}).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("action", "url_name", "data"),
    [
        ("forgot_user_id", "accounts:forgot_user_id", {"email": "someone@example.org"}),
        (
            "forgot_password",
            "accounts:forgot_password",
            {"username": "NOBODY1", "email": "someone@example.org"},
        ),
    ],
)
def test_recovery_forms_are_limited_per_client(client, settings, action, url_name, data):
    limit(settings, action, 2, timedelta(minutes=60))
    enter_portal(client)
    url = reverse(url_name)
    with time_machine.travel(START, tick=False) as clock:
        assert client.post(url, data).status_code == 302
        assert client.post(url, data).status_code == 302
        assert_refused(client.post(url, data), 60)
        clock.move_to(START + timedelta(minutes=60, seconds=1))
        assert client.post(url, data).status_code == 302


@pytest.mark.django_db
def test_the_limits_let_requests_through_while_the_cache_does_not_answer(client, settings, caplog):
    """Redis down: sign-in still answers (no 500), and the account lockout still counts."""
    limit(settings, "login", 1)
    settings.CACHES = unreachable_redis_cache()
    user = set_up(UserFactory())
    enter_portal(client)
    url = reverse("accounts:login")
    for _ in range(2):
        response = client.post(url, {"username": user.username, "password": "wrong"})
        assert response.status_code == 200 and "not correct" in response.content.decode()
    assert "Rate limit login not counted" in caplog.text
    assert user.login_failures.count() == 2
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:my_profile")
