"""GET /health/ tells a load balancer whether this web node can serve: the database, the cache
and the broker answer; 503 only without the database; a cache or broker that does not answer,
or mail that waits too long, makes it "degraded", still 200. It is open to anyone, outside every gate, and never says more than ok or unavailable."""

import os
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from iacs_portal import health
from iacs_portal.outbox.models import OutgoingEmail
from tests.network import closed_port, unreachable_redis_cache

pytestmark = pytest.mark.django_db

REDIS = os.environ["CELERY_TEST_BROKER_URL"]


def get_health(client=None):
    response = (client or Client()).get("/health/")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def unsent(status: str, *, age_seconds: int) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        event="email_verification",
        recipients="someone@example.org",
        status=status,
        created_at=timezone.now() - timedelta(seconds=age_seconds),
    )


@pytest.mark.celery_worker  # needs Redis
def test_200_when_the_database_cache_and_broker_answer(settings):
    settings.CELERY_BROKER_URL = REDIS
    response, body = get_health()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert body["unsent_email"] == {
        "count": 0,
        "oldest_age_seconds": None,
        "warn_after_seconds": 600,
    }


def test_degraded_when_the_broker_does_not_answer_and_quickly(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.HEALTH_CHECK_TIMEOUT = 1
    started = time.monotonic()
    response, body = get_health()
    assert time.monotonic() - started < 5
    assert response.status_code == 200  # shared by every node: pulling nodes cannot help
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "unavailable"}


def test_degraded_when_the_cache_does_not_answer(settings):
    settings.CACHES = unreachable_redis_cache()
    response, body = get_health()
    assert response.status_code == 200
    assert body["status"] == "degraded" and body["checks"]["cache"] == "unavailable"


def test_503_when_the_database_connection_fails():
    """A database that is down is hard to arrange here: its connection fails instead."""
    with mock.patch.object(
        health.connection, "cursor", side_effect=OperationalError("server closed the connection")
    ):
        assert health.check_database(timeout=1) == "unavailable"
        status_code, body = health.health_report()
    assert status_code == 503
    assert body["status"] == "unavailable" and body["checks"]["database"] == "unavailable"
    # Mail cannot be counted without the database: unknown, not zero.
    assert body["unsent_email"]["count"] is None


def test_without_a_broker_tasks_run_in_process_and_that_is_healthy(settings):
    settings.CELERY_BROKER_URL = ""  # development and tests
    response, body = get_health()
    assert response.status_code == 200
    assert body["checks"]["broker"] == "not configured"


def test_the_oldest_unsent_email_is_reported_and_old_mail_is_degraded_but_200(settings):
    settings.HEALTH_UNSENT_EMAIL_WARN_SECONDS = 600
    unsent("sending", age_seconds=120)
    unsent("sent", age_seconds=5000)  # done: never counted, however old
    unsent("failed", age_seconds=5000)  # given up: the help desk's, not the health check's
    response, body = get_health()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["unsent_email"]["count"] == 1
    assert 120 <= body["unsent_email"]["oldest_age_seconds"] <= 125

    unsent("sending", age_seconds=900)
    response, body = get_health()
    assert response.status_code == 200  # a load balancer must not pull every node for slow mail
    assert body["status"] == "degraded"
    assert body["unsent_email"]["count"] == 2
    assert 900 <= body["unsent_email"]["oldest_age_seconds"] <= 905


def test_unsent_means_every_status_but_sent_and_failed():
    statuses = health.unsent_statuses()
    assert "sending" in statuses and not {"sent", "failed"} & set(statuses)
    assert set(statuses) == set(OutgoingEmail.Status.values) - {"sent", "failed"}


def test_open_to_anyone_outside_every_gate_and_never_cached():
    client = Client()
    for _ in range(40):  # far past any rate limit
        response, body = get_health(client)
        assert response.status_code == 200, response  # not the warning screen's redirect
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert set(body) == {"status", "checks", "unsent_email", "duration_ms"}
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_answers_over_plain_http_when_everything_else_redirects_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # as production.py sets it
    client = Client()
    assert client.get("/").status_code == 301
    assert client.get("/health/").status_code == 200


def test_a_failure_is_logged_for_the_operator_but_not_shown(settings, caplog):
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response, body = get_health()
    assert str(port) not in response.content.decode()
    assert any(
        "broker does not answer" in r.getMessage() and str(port) in str(r.exc_info[1])
        for r in caplog.records
        if r.exc_info
    )
