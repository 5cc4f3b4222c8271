"""Shared test set-up: reference data, and the browser and Redis availability rules.

Browser tests need Chromium at /usr/bin/chromium and tests marked ``celery_worker`` need Redis.
Where either is missing the test is skipped with a notice, unless IACS_REQUIRE_BROWSER=1 or
IACS_REQUIRE_REDIS=1 (as .ci/run sets), which turns the skip into a failure.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
os.environ.setdefault("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
_skipped_browser = []


@pytest.fixture(autouse=True)
def reference_data(request):
    """Rows of data migrations vanish when a transactional test flushes the database: restore."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from accounts.models import AuthenticationQuestion
    from accounts.questions import ensure_questions
    from organizations.communities import ensure_communities
    from organizations.models import Community

    ensure_communities(Community)
    ensure_questions(AuthenticationQuestion)


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1
        ):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    require_browser = os.environ.get("IACS_REQUIRE_BROWSER") == "1"
    require_redis = os.environ.get("IACS_REQUIRE_REDIS") == "1"
    has_chromium = CHROMIUM.exists()
    has_redis = None
    for item in items:
        if item.get_closest_marker("browser") and not has_chromium and not require_browser:
            _skipped_browser.append(item.nodeid)
            item.add_marker(
                pytest.mark.skip(
                    reason=f"Chromium not installed at {CHROMIUM}: browser tests skipped"
                )
            )
        if item.get_closest_marker("celery_worker") and not require_redis:
            if has_redis is None:
                has_redis = _redis_reachable(os.environ["CELERY_TEST_BROKER_URL"])
            if not has_redis:
                item.add_marker(
                    pytest.mark.skip(reason="Redis not reachable: Celery worker test skipped")
                )


def pytest_terminal_summary(terminalreporter):
    if _skipped_browser:
        terminalreporter.write_sep(
            "!",
            f"NOTICE: {len(_skipped_browser)} browser test(s) skipped: no Chromium at {CHROMIUM} "
            "(install it with: apt-get install chromium)",
            yellow=True,
            bold=True,
        )
