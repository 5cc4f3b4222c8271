"""Playwright driving Debian's Chromium (never a downloaded browser), and axe-core from npm.

One Chromium serves the whole run; each test gets a fresh browser context, so no cookie or
session leaks from one journey into the next. axe-core is loaded into every document as it
starts (sending its 500 kB to each page on demand took half the run).
"""

import contextlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from .journey import Journey

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What test_zz_every_page_checked.py needs to know about the whole browser run: the URL
# patterns (ResolverMatch.route) of every page axe checked, and the browser tests that were
# deselected or did not pass (then the run is partial and that check skips).
CHECKED_ROUTES: set[str] = set()
INCOMPLETE: list[str] = []


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Accessibility:
    """Runs axe-core's WCAG 2.1 A and AA rules on every page it is shown."""

    def __init__(self):
        self.checked = []

    def check(self, page) -> None:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
            WCAG_TAGS,
        )
        self.checked.append(page.url)
        with contextlib.suppress(Resolver404):  # a 404 page has no pattern to record
            CHECKED_ROUTES.add(resolve(urlsplit(page.url).path).route)
        summary = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]
        assert not violations, f"axe violations on {page.url}:\n{json.dumps(summary, indent=1)}"


def pytest_deselected(items):
    INCOMPLETE.extend(item.nodeid for item in items if item.get_closest_marker("browser"))


def pytest_runtest_logreport(report):
    if "tests/browser/" in report.nodeid and (report.failed or report.skipped):
        INCOMPLETE.append(report.nodeid)


@pytest.fixture
def axe():
    return Accessibility()


@pytest.fixture
def outbox(settings, tmp_path):
    """Mail goes to files that the portal's outbox page lists, as in development."""
    settings.EMAIL_BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"
    settings.OUTBOX_DIR = tmp_path
    settings.OUTBOX_PAGE_ENABLED = True


@pytest.fixture
def journey(live_server, browser_page, outbox, axe) -> Journey:
    return Journey(browser_page, live_server.url, axe)


@pytest.fixture
def desk(live_server, browser_page, outbox, axe):
    """A staff member's tab on the admin (help_desk_support.Desk, which imports this module)."""
    from .help_desk_support import Desk

    return Desk(browser_page, live_server.url, axe)
