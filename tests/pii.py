"""Where personal data could leak, read as an attacker would: raw database rows, log records,
mail and Celery task arguments. ``leaks`` says which of the needles appear where.
"""

import logging
from collections.abc import Iterable, Iterator
from datetime import date

from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection


def forms_of(*, ssn: str, date_of_birth: date) -> list[str]:
    """How an SSN and a date of birth might be written: each must be absent."""
    digits = ssn.replace("-", "")
    return [
        digits,
        f"{digits[:3]}-{digits[3:5]}-{digits[5:]}",
        f"{digits[:3]} {digits[3:5]} {digits[5:]}",
        date_of_birth.isoformat(),
        date_of_birth.strftime("%m/%d/%Y"),
        date_of_birth.strftime("%Y%m%d"),
    ]


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def database_rows() -> Iterator[tuple[str, str]]:
    """Every row of every table as stored, through raw SQL (not the models, which decrypt).

    Session data is stored signed and base64-encoded, so it is decoded too.
    """
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                yield table, " ".join(_text(value) for value in row)
                if table == "django_session":
                    data = dict(zip(columns, row, strict=True))["session_data"]
                    yield "django_session (decoded)", repr(SessionStore().decode(data))


def mail_parts() -> Iterator[tuple[str, str]]:
    for message in mail.outbox:
        where = f"mail {message.subject!r}"
        yield where, " ".join([message.subject, message.body, *message.to, *message.cc])
        yield where, repr(message.extra_headers)
        for content, _mimetype in getattr(message, "alternatives", []):
            yield where, _text(content)
        mime = message.message()
        yield where, mime.as_string()
        for part in mime.walk():
            payload = part.get_payload(decode=True)
            if payload:
                yield where, _text(payload)


class RecordingHandler(logging.Handler):
    """Keeps every record, formatted with its traceback and with every attribute."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.formatter_ = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record):
        self.texts.append(self.formatter_.format(record) + " " + repr(vars(record)))


def install_recording_handler(
    handler: logging.Handler | None = None,
) -> tuple[logging.Handler, callable]:
    """Every logger at DEBUG; a recording handler (or ``handler``) on the root and on each logger
    that does not propagate."""
    handler = handler or RecordingHandler()
    everyone = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in everyone}
    hosts = [logger for logger in everyone if logger is everyone[0] or not logger.propagate]
    for logger in everyone:
        logger.setLevel(logging.DEBUG)
    for logger in hosts:
        logger.addHandler(handler)

    def uninstall():
        for logger in hosts:
            logger.removeHandler(handler)
        for logger, level in levels.items():
            logger.setLevel(level)

    return handler, uninstall


def leaks(needles: Iterable[str], haystacks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(where, needle) for each needle found; empty when nothing leaked."""
    needles = list(needles)
    found = []
    for where, text in haystacks:
        found += [(where, needle) for needle in needles if needle in text]
    return sorted(set(found))
