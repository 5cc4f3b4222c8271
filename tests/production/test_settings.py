"""Production settings come from the environment and refuse what would break on several web
processes: a cache in one process's memory, no broker, no real mail, no PostgreSQL.

Each case loads iacs_portal.settings.production in a fresh interpreter with exactly the
variables given, as a deployment would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

VALID = {
    "SECRET_KEY": "Zq8v-2xL_e9RpT4mW7nB0cY3sH6jD1fG5aK8uI2oP4lQ7rE9tU1x",
    "SSN_DIGEST_KEY": "Hc7vN2xQ_e9RpT4mW7nB0cY3sH6jD1fG5aK8uI2oP4lQ7rE9tU2y",
    "FIELD_ENCRYPTION_KEYS": "q0d8Jc1yJ7n0mFjvS5u5gPzT8X1h3bqCw9lE2rK4sWk=",
    "PORTAL_BASE_URL": "https://iacs.example.gov",
    "ALLOWED_HOSTS": "iacs.example.gov,www.iacs.example.gov",
    "DATABASE_URL": "postgres://iacs:secret@db.example.gov:5432/iacs",
    "CACHE_URL": "redis://redis.example.gov:6379/1",
    "CELERY_BROKER_URL": "redis://redis.example.gov:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.gov:587",
}

READ_BACK = """
import json, re
from iacs_portal.settings import production as s
print(json.dumps({
    "caches": s.CACHES, "session_engine": s.SESSION_ENGINE, "database": s.DATABASES["default"],
    "broker": s.CELERY_BROKER_URL, "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker_transport": getattr(s, "CELERY_BROKER_TRANSPORT", None),
    "email_backend": s.EMAIL_BACKEND, "allowed_hosts": s.ALLOWED_HOSTS,
    "log_format": s.LOG_FORMAT, "console_formatter": s.LOGGING["handlers"]["console"]["formatter"],
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "cookies_secure": s.SESSION_COOKIE_SECURE,
    "health_exempt": any(re.search(p, "health/") for p in s.SECURE_REDIRECT_EXEMPT),
    "others_exempt": any(re.search(p, "login/") for p in s.SECURE_REDIRECT_EXEMPT),
    "secret_key_fallbacks": s.SECRET_KEY_FALLBACKS,
}))
"""


def load_production(**changes: str | None) -> subprocess.CompletedProcess:
    """Import the production settings with VALID plus ``changes`` (None removes a variable)."""
    environment = {"PATH": os.environ["PATH"], **VALID, **changes}
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", READ_BACK],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**changes) -> dict:
    result = load_production(**changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refusal(**changes) -> str:
    """The ImproperlyConfigured line the start stops with."""
    result = load_production(**changes)
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if "ImproperlyConfigured" in line]
    assert lines, result.stderr
    return lines[-1]


def test_the_cache_is_a_shared_redis_through_djangos_backend_with_its_client_kept():
    settings = loaded()
    cache = settings["caches"]["default"]
    assert cache["BACKEND"] == "iacs_portal.cache.RedisCache"
    assert cache["LOCATION"] == "redis://redis.example.gov:6379/1"
    # A Redis outage must fail fast, not hang each request that counts a rate limit.
    assert cache["OPTIONS"] == {"socket_connect_timeout": 2.0, "socket_timeout": 2.0}


def test_a_missing_cache_stops_the_start_and_says_which_variable():
    assert "CACHE_URL is required in production" in refusal(CACHE_URL=None)


@pytest.mark.parametrize(
    "url", ["locmemcache://iacs-portal", "dummycache://", "filecache:///var/tmp/iacs"]
)
def test_a_cache_in_one_process_or_on_one_machine_is_refused(url):
    message = refusal(CACHE_URL=url)
    assert "CACHE_URL must be a redis:// or rediss:// URL" in message
    assert "each web process count on its own" in message


def test_sessions_are_rows_in_the_database_shared_by_every_process():
    assert loaded()["session_engine"] == "accounts.session_store"  # the db backend, see there


def test_the_database_is_postgresql_with_kept_and_checked_connections():
    database = loaded()["database"]
    assert (
        database["ENGINE"] == "iacs_portal.postgresql"
    )  # Django's, BEGIN with the first statement
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.example.gov",
        "iacs",
        "iacs",
    )
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True
    assert database["ATOMIC_REQUESTS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_sqlite_is_refused():
    assert "DATABASE_URL must be a postgres:// URL" in refusal(DATABASE_URL="sqlite:///db.sqlite3")


@pytest.mark.parametrize(
    "variable",
    [
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "ALLOWED_HOSTS",
        "SECRET_KEY",
        "SSN_DIGEST_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "PORTAL_BASE_URL",
    ],
)
def test_each_required_variable_is_named_when_missing(variable):
    assert f"{variable} is required in production" in refusal(**{variable: None})


def test_tasks_go_to_the_broker_and_mail_to_smtp():
    settings = loaded()
    assert settings["broker"] == "redis://redis.example.gov:6379/0" and settings["eager"] is False
    assert settings["broker_transport"] == "iacs_portal.broker:Transport"  # its client kept
    assert settings["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["allowed_hosts"] == ["iacs.example.gov", "www.iacs.example.gov"]


def test_mail_to_local_files_is_refused():
    assert "Production sends real mail" in refusal(EMAIL_URL=None)


def test_logs_are_json_unless_asked_otherwise():
    assert loaded()["console_formatter"] == "json"
    assert loaded(LOG_FORMAT="text")["console_formatter"] == "text"
    assert "LOG_FORMAT must be text or json" in refusal(LOG_FORMAT="xml")


def test_https_everywhere_but_the_health_check():
    settings = loaded()
    assert settings["ssl_redirect"] and settings["cookies_secure"]
    assert settings["health_exempt"] and not settings["others_exempt"]
    local = loaded(SECURE_SSL_REDIRECT="false")
    assert not local["ssl_redirect"] and local["cookies_secure"]  # make prod's local run


def test_previous_secret_keys_are_accepted_while_rotating():
    assert loaded()["secret_key_fallbacks"] == []
    assert loaded(SECRET_KEY_FALLBACKS="old-one,older")["secret_key_fallbacks"] == [
        "old-one",
        "older",
    ]
