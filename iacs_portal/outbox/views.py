"""Read the development outbox in the browser.

Every view answers 404 unless settings.OUTBOX_PAGE_ENABLED is true (it follows DEBUG), read at
each request. Files are opened only by a name that matches the backend's id pattern exactly and
that exists in OUTBOX_DIR, so a request cannot reach outside it. A file that is not a readable
email is shown as unreadable rather than breaking the page. Responses are never cached: the mail
holds one-time codes and temporary passwords.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .backend import SUFFIX, is_message_id

logger = logging.getLogger(__name__)

# Parsing every file on each visit gets slow once a long-lived outbox holds thousands.
LIST_LIMIT = 200


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    subject: str = ""
    sender: str = ""
    to: str = ""
    date_header: str = ""
    sent_at: datetime | None = None
    text: str = ""
    html: str = ""
    readable: bool = True


def _outbox_dir() -> Path:
    if not getattr(settings, "OUTBOX_PAGE_ENABLED", False):
        raise Http404("The outbox exists only in development.")
    return Path(settings.OUTBOX_DIR)


def _message_path(message_id: str) -> Path:
    directory = _outbox_dir()
    if not is_message_id(message_id):
        raise Http404("No such message.")
    path = directory / f"{message_id}{SUFFIX}"
    if not path.is_file():
        raise Http404("No such message.")
    return path


def _listed_ids(directory: Path) -> list[str]:
    """The ids of the messages in the directory, newest first (ids sort by time)."""
    if not directory.is_dir():
        return []
    names = (path.name for path in directory.iterdir() if path.is_file())
    ids = (name.removesuffix(SUFFIX) for name in names if name.endswith(SUFFIX))
    return sorted((i for i in ids if is_message_id(i)), reverse=True)


def _time_from_id(message_id: str) -> datetime | None:
    try:
        return datetime.strptime(message_id[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:  # the pattern admits impossible dates such as month 13
        return None


def _sent_at(message: EmailMessage, message_id: str) -> datetime | None:
    header = message.get("Date")
    moment = getattr(header, "datetime", None)
    if moment is not None and moment.tzinfo is not None:
        return moment
    return _time_from_id(message_id)


def _content(part) -> str:
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, ValueError, AttributeError):  # unknown charset, bad transfer encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _read(path: Path, *, with_body: bool) -> OutboxMessage:
    message_id = path.name.removesuffix(SUFFIX)
    try:
        parser = BytesParser if with_body else BytesHeaderParser
        message = parser(policy=policy.default).parsebytes(path.read_bytes())
        return OutboxMessage(
            id=message_id,
            subject=str(message.get("Subject", "")),
            sender=str(message.get("From", "")),
            to=str(message.get("To", "")),
            date_header=str(message.get("Date", "")),
            sent_at=_sent_at(message, message_id),
            text=_content(message.get_body(preferencelist=("plain",))) if with_body else "",
            html=_content(message.get_body(preferencelist=("html",))) if with_body else "",
        )
    except Exception:
        # A development page must show what it can: one bad file must not hide the others.
        logger.warning("Outbox file %s is not a readable email", path.name, exc_info=True)
        return OutboxMessage(id=message_id, sent_at=_time_from_id(message_id), readable=False)


def outbox_view(view):
    """Read only, never cached, and outside any database transaction: the outbox is files."""
    return transaction.non_atomic_requests(require_safe(never_cache(view)))


@outbox_view
def message_list(request):
    directory = _outbox_dir()
    ids = _listed_ids(directory)
    shown = [_read(directory / f"{i}{SUFFIX}", with_body=False) for i in ids[:LIST_LIMIT]]
    context = {"outbox_messages": shown, "total": len(ids), "limit": LIST_LIMIT}
    return render(request, "outbox/list.html", context)


@outbox_view
def message_detail(request, message_id: str):
    message = _read(_message_path(message_id), with_body=True)
    headers = [
        {"label": "From", "value": message.sender},
        {"label": "To", "value": message.to},
        {"label": "Date", "value": message.date_header},
        {"label": "Subject", "value": message.subject},
    ]
    return render(request, "outbox/detail.html", {"message": message, "headers": headers})


@outbox_view
def message_html(request, message_id: str):
    message = _read(_message_path(message_id), with_body=True)
    if not message.html:
        raise Http404("This message has no HTML version.")
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    # The mail's HTML is shown as sent, but sandboxed: no script, no forms, no same-origin access.
    response["Content-Security-Policy"] = "sandbox"
    return response
