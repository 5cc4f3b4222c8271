"""SPEC 8: verifying a person's name, date of birth and SSN against SSA's records.

The verifier is a pluggable backend named by ``settings.SSA_VERIFIER_BACKEND``: any class with
``matches(*, first_name, last_name, date_of_birth, ssn) -> bool`` that raises
``SSAUnavailable`` when it cannot answer. The default, ``CsvStubVerifier``, reads test records
from the CSV file at ``settings.SSA_STUB_RECORDS``.
"""

import csv
import logging
import threading
from datetime import date
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SSAUnavailable(Exception):
    """The verifier could not give an answer (service down, records unreadable)."""


class SSAVerifier(Protocol):
    def matches(
        self, *, first_name: str, last_name: str, date_of_birth: date, ssn: str
    ) -> bool: ...


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class CsvStubVerifier:
    """Stub backend: a triple matches when one CSV row has the same name, birth date and SSN.

    Columns: ``first_name,last_name,date_of_birth,ssn``; dates as YYYY-MM-DD, SSNs as 9 digits.
    Names compare without regard to case or repeated spaces. The file is parsed once per process
    into a set of normalised rows, so a check is a lookup; it is parsed again when its
    modification time or size changes, so an edited file is seen without a restart.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.SSA_STUB_RECORDS)

    def _parse(self) -> frozenset:
        records = set()
        with self.path.open(newline="", encoding="utf-8") as handle:
            for line_number, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    records.add(
                        (
                            _normalise_name(row["first_name"]),
                            _normalise_name(row["last_name"]),
                            date.fromisoformat(row["date_of_birth"].strip()),
                            row["ssn"].strip(),
                        )
                    )
                except (KeyError, ValueError, AttributeError):
                    logger.warning("Skipping malformed SSA stub record on line %d", line_number)
        return frozenset(records)

    def _records(self) -> frozenset:
        try:
            stat = self.path.stat()
            signature = (stat.st_mtime_ns, stat.st_size)
            with _cache_lock:
                cached = _parsed.get(self.path)
                if cached is None or cached[0] != signature:
                    cached = _parsed[self.path] = (signature, self._parse())
        except OSError as error:
            raise SSAUnavailable(f"SSA stub records unreadable: {self.path}") from error
        return cached[1]

    def matches(self, *, first_name: str, last_name: str, date_of_birth: date, ssn: str) -> bool:
        wanted = (_normalise_name(first_name), _normalise_name(last_name), date_of_birth, ssn)
        return wanted in self._records()


# The stub's parsed files, per process: path -> ((mtime_ns, size), records).
_parsed: dict[Path, tuple[tuple[int, int], frozenset]] = {}
_cache_lock = threading.Lock()


def get_verifier() -> SSAVerifier:
    return import_string(settings.SSA_VERIFIER_BACKEND)()


def ssa_identity_matches(*, first_name: str, last_name: str, date_of_birth: date, ssn: str) -> bool:
    return get_verifier().matches(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, ssn=ssn
    )
