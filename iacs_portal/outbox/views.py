"""Read the development outbox in the browser. Exists only while OUTBOX_PAGE_ENABLED is true."""

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render

MESSAGE_ID = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{8}$")


def _enabled_or_404() -> Path:
    if not settings.OUTBOX_PAGE_ENABLED:
        raise Http404("The outbox exists only in development.")
    return Path(settings.OUTBOX_DIR)


def _parse(path: Path) -> dict:
    try:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        return {
            "id": path.stem,
            "subject": str(message.get("Subject", "")),
            "to": str(message.get("To", "")),
            "sender": str(message.get("From", "")),
            "date": str(message.get("Date", "")),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        }
    except (OSError, ValueError, LookupError, AttributeError):
        return {"id": path.stem, "subject": "(unreadable message)", "to": "", "sender": "",
                "date": "", "text": "", "html": ""}  # fmt: skip


def _message(message_id: str) -> dict:
    directory = _enabled_or_404()
    path = directory / f"{message_id}.eml"
    if not MESSAGE_ID.match(message_id) or not path.is_file():
        raise Http404("No such message.")
    return _parse(path)


def message_list(request):
    directory = _enabled_or_404()
    paths = sorted(directory.glob("*.eml"), reverse=True) if directory.is_dir() else []
    messages = [_parse(path) for path in paths if MESSAGE_ID.match(path.stem)]
    return render(request, "outbox/list.html", {"outbox_messages": messages})


def message_detail(request, message_id: str):
    return render(request, "outbox/detail.html", {"message": _message(message_id)})


def message_html(request, message_id: str):
    response = HttpResponse(_message(message_id)["html"], content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox"
    return response
