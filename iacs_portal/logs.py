"""Structured logs with a request id, never a secret (ADR 15, docs/operations.md).

- The request id is django-guid's (``guid_middleware``, first in MIDDLEWARE): an incoming
  ``X-Request-ID`` that is a UUID is kept, anything else is replaced by a new one, and the
  response carries it back in ``X-Request-ID``. It lives in a context variable for the request.
- A task queued while serving a request carries the id in its message headers; the worker sets
  it while the task runs, so the task's log lines have the request's id and the task's own id.
  A task run in process (development, tests) simply stays inside the request's id.
- ``JsonFormatter`` (``LOG_FORMAT=json``, production's default) writes one JSON object a line:
  time, level, logger, message, request_id (null outside a request or task), task_id and
  task_name inside a task, the request fields of ``iacs_portal.request_log`` and the exception.
  Only these: other attributes a library attaches to a record (Django's ``request`` object,
  the SQL ``params``) are never written.
- Paths that carry a secret (``LOG_REDACTED_PATH_PREFIXES``: the emailed reset link) are cut to
  their prefix wherever they appear in a line, in any format.
"""

import logging
import re
import uuid
from datetime import UTC, datetime

from django_guid.context import guid
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

# The Celery message header the request id travels in.
REQUEST_ID_HEADER = "request_id"
# What a record may add to time, level, logger, message and the context, in this order.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")
REDACTED = "[redacted]"


def log_context() -> dict:
    """The request id, and the task's id and name when a Celery task is running."""
    from celery import current_task

    context = {"request_id": guid.get()}
    task = current_task._get_current_object()
    if task is not None and task.request.id:
        context.update(task_id=task.request.id, task_name=task.name)
    return context


def _redacted_prefixes() -> tuple[str, ...]:
    from django.conf import settings

    # gunicorn's master logs before (and without) Django's settings: nothing to redact there.
    if not settings.configured:
        return ()
    return tuple(getattr(settings, "LOG_REDACTED_PATH_PREFIXES", ()))


def redact(text: str) -> str:
    """``text`` with whatever follows a secret-bearing path prefix replaced by [redacted]."""
    for prefix in _redacted_prefixes():
        text = re.sub(re.escape(prefix) + r"[^\s'\"]*", prefix + REDACTED, text)
    return text


class RequestContextFilter(logging.Filter):
    """Puts ``request_id`` (and in a task ``task_id``, ``task_name``) on every record, for the
    text format's ``%(request_id)s``; also redacts the message of any format."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = {"task_id": None, "task_name": None, **log_context()}
        for key, value in context.items():
            setattr(record, key, value)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it, as logging always does
            return True
        record.msg, record.args = redact(message), None
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object per record, with only the fields this module names."""

    def __init__(self, *args, **kwargs):
        super().__init__(["levelname", "name", "message"], json_ensure_ascii=False)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        time = datetime.fromtimestamp(record.created, tz=UTC)
        fields = {
            "time": time.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(str(log_data.get("message", ""))),
        }
        context = (
            {key: getattr(record, key) for key in ("request_id", "task_id", "task_name")}
            if hasattr(record, "request_id")  # set by RequestContextFilter
            else log_context()
        )
        # request_id always (null outside a request), the task's fields only inside a task.
        fields["request_id"] = context.get("request_id")
        fields.update({key: value for key, value in context.items() if value is not None})
        fields.update({key: log_data[key] for key in EXTRA_FIELDS if key in log_data})
        if "path" in fields:
            fields["path"] = redact(str(fields["path"]))
        for key in ("exc_info", "stack_info"):
            if log_data.get(key):
                fields["exception" if key == "exc_info" else key] = redact(str(log_data[key]))
        log_data.clear()
        log_data.update(fields)


# Celery: the request id travels with the task (connected in iacs_portal/celery.py).


def put_request_id_in_task_headers(headers: dict | None = None, **kwargs) -> None:
    request_id = guid.get()
    if headers is not None and request_id:
        headers[REQUEST_ID_HEADER] = request_id


def take_request_id_from_task(task=None, **kwargs) -> None:
    """Before a task runs in a worker: the id of the request that queued it, or a new one (a
    periodic task from beat). A task run in process keeps the request's own id."""
    if task is None or task.request.is_eager:
        return
    request_id = task.request.get(REQUEST_ID_HEADER)
    guid.set(request_id if _well_formed(request_id) else uuid.uuid4().hex)


def forget_request_id_after_task(task=None, **kwargs) -> None:
    if task is not None and not task.request.is_eager:
        guid.set(None)


def _well_formed(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
