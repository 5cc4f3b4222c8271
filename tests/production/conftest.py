"""Logs captured as production writes them: JSON lines, every logger at DEBUG."""

import io
import json
import logging

import pytest
from django.db import connection

from iacs_portal.logs import JsonFormatter, RequestContextFilter
from tests.accounts.test_celery_worker import worker_app  # noqa: F401  (a fixture, shared)
from tests.pii import install_recording_handler


class JsonLog:
    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(RequestContextFilter())
        self.handler.setFormatter(JsonFormatter())

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        """Every line, each of which must be one JSON object."""
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self) -> list[dict]:
        return [line for line in self.lines() if line["logger"] == "iacs_portal.request"]


@pytest.fixture
def json_log():
    """Production's formatter on every record, at DEBUG, SQL with its parameters included."""
    log = JsonLog()
    _, uninstall = install_recording_handler(log.handler)
    connection.force_debug_cursor = True
    yield log
    connection.force_debug_cursor = False
    uninstall()
