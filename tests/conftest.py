"""Shared test set-up: reference data, and when browser and Celery-worker tests may run.

Tests marked ``browser`` need Debian's Chromium at /usr/bin/chromium; tests marked
``celery_worker`` need Redis at CELERY_TEST_BROKER_URL; tests marked ``real_services`` start
their own redis-server, Celery worker and beat processes and SMTP server (aiosmtpd), which share
the test database, so they need PostgreSQL, redis-server on PATH and aiosmtpd. Where any of
these is missing those tests are skipped with the reason, and a notice closes the run for
browser tests. With IACS_REQUIRE_BROWSER=1, or IACS_REQUIRE_REDIS=1 for both kinds of Celery
tests (as .ci/run sets), they fail instead, so CI can never pass by skipping them.
"""

import importlib.util
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_SKIP_REASON = f"Chromium not installed at {CHROMIUM}: browser tests skipped"

# Before any test module reads it: the Celery worker test connects here.
os.environ.setdefault("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")

_browser_skipped: list[str] = []
_must_fail: dict[str, str] = {}  # node id -> why a required service is missing


@pytest.fixture(autouse=True)
def reference_data(request):
    """Rows of data migrations vanish when a transactional test flushes the database: restore."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from django.contrib.auth.models import Group, Permission

    from accounts.models import AuthenticationQuestion
    from accounts.questions import ensure_questions
    from iacs_portal.staff_groups import ensure_staff_groups
    from organizations.communities import ensure_communities
    from organizations.models import Community

    ensure_communities(Community)
    ensure_questions(AuthenticationQuestion)
    ensure_staff_groups(Group, Permission)


@pytest.fixture(autouse=True)
def empty_rate_limit_cache():
    """Rate limits count in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _required(variable: str) -> bool:
    return os.environ.get(variable) == "1"


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1
        ) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _real_services_missing() -> str:
    """Why the ``real_services`` tests cannot run here, or "" if they can."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != settings.POSTGRESQL_ENGINE:
        return "the database is not PostgreSQL (DATABASE_URL=postgres://...): workers share it"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    if importlib.util.find_spec("aiosmtpd") is None:
        return "aiosmtpd is not installed (pip install -e '.[test]')"
    return ""


def pytest_collection_modifyitems(config, items):
    has_chromium = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    broker_url = os.environ["CELERY_TEST_BROKER_URL"]
    has_redis = None  # probed once, and only if a test needs it
    real_services_missing = None  # likewise

    for item in items:
        if item.get_closest_marker("browser") and not has_chromium:
            if _required("IACS_REQUIRE_BROWSER"):
                _must_fail[item.nodeid] = (
                    f"IACS_REQUIRE_BROWSER=1 but Chromium is not installed at {CHROMIUM} "
                    "(apt-get install chromium)"
                )
            else:
                _browser_skipped.append(item.nodeid)
                item.add_marker(pytest.mark.skip(reason=BROWSER_SKIP_REASON))

        if item.get_closest_marker("celery_worker"):
            if has_redis is None:
                has_redis = _redis_reachable(broker_url)
            if has_redis:
                continue
            if _required("IACS_REQUIRE_REDIS"):
                _must_fail[item.nodeid] = (
                    f"IACS_REQUIRE_REDIS=1 but Redis does not answer at {broker_url}"
                )
            else:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Redis not reachable at {broker_url}: Celery worker test skipped"
                    )
                )

        if item.get_closest_marker("real_services"):
            if real_services_missing is None:
                real_services_missing = _real_services_missing()
            if not real_services_missing:
                continue
            if _required("IACS_REQUIRE_REDIS"):
                _must_fail[item.nodeid] = f"IACS_REQUIRE_REDIS=1 but {real_services_missing}"
            else:
                reason = f"Real-services test skipped: {real_services_missing}"
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.nodeid in _must_fail:
        pytest.fail(_must_fail[item.nodeid], pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if _browser_skipped:
        terminalreporter.write_sep(
            "!",
            f"NOTICE: {len(_browser_skipped)} browser test(s) skipped: Chromium not installed at "
            f"{CHROMIUM} (install it with: apt-get install chromium)",
            yellow=True,
            bold=True,
        )


@pytest.fixture
def orm_compiles(monkeypatch) -> list[str]:
    """What the ORM compiled from then on, each as its compiler's name and its model's label
    ("SQLUpdateCompiler approvals.AccessRequest"; SELECT, INSERT, UPDATE, DELETE: each compiler
    overrides ``as_sql``), for a test that none, or none of a model, was compiled."""
    from django.db.models.sql import compiler

    compiled = []
    for name in ("SQLCompiler", "SQLInsertCompiler", "SQLUpdateCompiler", "SQLDeleteCompiler"):
        cls = getattr(compiler, name)

        def as_sql(self, *args, _real=cls.as_sql, _name=name, **kwargs):
            compiled.append(f"{_name} {self.query.model._meta.label}")
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(cls, "as_sql", as_sql)
    return compiled
