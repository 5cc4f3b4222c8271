"""A mail backend for development: every message becomes one .eml file in OUTBOX_DIR.

A file is named after the moment it was written (UTC, to the microsecond) plus a short random
suffix, so names are unique and sort by time: the outbox page lists them newest first by name.
"""

import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

# The only names the outbox page will open: exactly what new_message_id() makes.
MESSAGE_ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{8}")
SUFFIX = ".eml"


def new_message_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def is_message_id(value: str) -> bool:
    return MESSAGE_ID.fullmatch(value) is not None


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        directory = Path(settings.OUTBOX_DIR)
        sent = 0
        for message in email_messages:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._write(directory, message.message().as_bytes())
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    @staticmethod
    def _write(directory: Path, content: bytes) -> None:
        # Written under a temporary name and renamed, so the page never reads half a message.
        path = directory / f"{new_message_id()}{SUFFIX}"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        os.replace(partial, path)
