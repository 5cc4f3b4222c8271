"""Production logs: one JSON object a line with the time, level, logger, message and request
id; requests with method, path, status and duration; tasks with their id and the id of the
request that queued them (iacs_portal.logs, iacs_portal.request_log)."""

import json
import logging
import re
import sys
import time
import uuid

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django_guid.context import guid

from iacs_portal.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def formatted(message, *args, exc_info=None, **extra) -> dict:
    record = logging.LogRecord("portal.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    RequestContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_line_is_time_level_logger_message_and_request_id():
    token = guid.set("5b1f2c0e9d8a4b7c8e6f5a4b3c2d1e0f")
    try:
        line = formatted("Hello %s", "world")
    finally:
        guid.reset(token)
    assert list(line) == ["time", "level", "logger", "message", "request_id"]
    assert line["level"] == "WARNING" and line["logger"] == "portal.test"
    assert line["message"] == "Hello world"
    assert line["request_id"] == "5b1f2c0e9d8a4b7c8e6f5a4b3c2d1e0f"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_only_named_fields_are_written_whatever_a_library_attaches():
    """Django attaches the request (its repr has the query string) and the SQL parameters."""
    line = formatted(
        "(0.001) UPDATE x", sql="UPDATE x SET ssn = %s", params=["123456781"], request=object()
    )
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
    assert line["request_id"] is None  # outside a request


def test_an_exception_is_written_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        line = formatted("It failed", exc_info=sys.exc_info())
    assert "ValueError: boom" in line["exception"] and "Traceback" in line["exception"]


def test_the_reset_links_token_is_cut_wherever_it_appears():
    link = "/recover/password/link/MTI/c5x2k1-0f9e8d7c6b5a4f3e2d1c/"
    line = formatted("Bad Request: %s", link, path=link)
    assert "c5x2k1" not in json.dumps(line)
    assert line["message"] == "Bad Request: /recover/password/link/[redacted]"
    assert line["path"] == "/recover/password/link/[redacted]"


def test_a_request_is_one_line_with_method_path_status_and_duration(json_log):
    response = Client().get("/account-management/?next=/secret-query")
    [line] = [line for line in json_log.requests() if line["path"] == "/account-management/"]
    assert line["method"] == "GET" and line["status"] == response.status_code == 302
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert "secret-query" not in json_log.text  # never the query string


def test_a_well_formed_incoming_request_id_is_kept_and_echoed(json_log):
    incoming = str(uuid.uuid4())
    response = Client().get("/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert {line["request_id"] for line in json_log.requests()} == {incoming}


@pytest.mark.parametrize("incoming", [None, "not-a-uuid", "1; DROP TABLE x", "a" * 200])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(json_log, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first, second = Client().get("/", **headers), Client().get("/", **headers)
    assert HEX_ID.match(first["X-Request-ID"]) and HEX_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [line["request_id"] for line in json_log.requests()] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]
    if incoming:
        assert all(
            incoming not in line["request_id"] for line in json_log.lines() if line["request_id"]
        )


@shared_task
def log_from_a_task(note: str) -> None:
    logging.getLogger("portal.test.task").info("working on %s", note)


def test_a_task_run_in_process_logs_under_the_request_id_and_its_own_task_id(json_log):
    token = guid.set("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    try:
        result = log_from_a_task.delay("in process")
        assert guid.get() == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # still the request's
    finally:
        guid.reset(token)
    [line] = [line for line in json_log.lines() if line["logger"] == "portal.test.task"]
    assert line["request_id"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.production.test_logs.log_from_a_task"


@pytest.fixture
def running_worker(worker_app, transactional_db):
    """A worker in a thread of this process. Started before the log is captured: starting
    calls django.setup(), which configures logging afresh (as a real worker's start does)."""
    with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def wait_for(json_log, text: str) -> dict:
    deadline = time.monotonic() + 20
    while text not in json_log.text and time.monotonic() < deadline:
        time.sleep(0.1)
    [line] = [line for line in json_log.lines() if line["message"] == text]
    return line


@pytest.mark.celery_worker
def test_a_worker_logs_a_task_under_the_id_of_the_request_that_queued_it(running_worker, json_log):
    token = guid.set("9a8b7c6d5e4f30211203f4e5d6c7b8a9")
    try:
        result = log_from_a_task.delay("in a worker")
    finally:
        guid.reset(token)
    line = wait_for(json_log, "working on in a worker")
    assert line["request_id"] == "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
    assert line["task_id"] == result.id


@pytest.mark.celery_worker
def test_a_periodic_task_gets_a_request_id_of_its_own(running_worker, json_log):
    result = log_from_a_task.delay("from beat")  # queued outside any request, as beat does
    line = wait_for(json_log, "working on from beat")
    assert HEX_ID.match(line["request_id"]) and line["task_id"] == result.id
