"""Where the web workers' time goes under load, from py-spy's samples (a tool, issue 9).

    make bench BENCH_ARGS="--scenarios Registration --sample"
    PYTHONPATH=. .venv/bin/python -m tests.performance.samples var/bench/samples/Registration.txt

``--sample`` records each scenario's gunicorn workers with py-spy (``record --subprocesses
--format raw``: one line per distinct stack, its frames joined by ``;``, then its count; idle
waits for the next request are not sampled). This prints, of the samples taken while Django
handled a request, the share spent waiting for PostgreSQL (by the portal's function that sent
the statement) and the rest by what ran (templates, forms, sessions, logging...), and the share
of samples outside Django (gunicorn reading the request, writing and closing the response).
The samples slow the workers down a little: the run's table is printed, not written.
"""

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

IN_DJANGO = "get_response (django/core/handlers/base.py"
HEALTH_CHECK = "the connection's health check (CONN_HEALTH_CHECKS: SELECT 1)"
DATABASE_WAIT = ("execute (iacs_portal/postgresql/base.py", "psycopg2", "'commit' of")
OURS = re.compile(r"\((accounts|approvals|organizations|iacs_portal)/")
# What ran, by the innermost frame that names it (a leaf in a utility module says nothing).
SUBSYSTEMS = (
    ("template", "templates"), ("crispy_forms", "templates"), ("templatetags", "templates"),
    ("form_renderer", "forms"), ("django/forms/", "forms"), ("middleware/csrf", "CSRF"),
    ("contrib/messages", "messages"), ("django/urls/", "URLs"), ("django/core/signing", "signing"),
    ("contrib/sessions", "sessions"), ("session_store", "sessions"), ("request_log", "logging"),
    ("logging", "logging"), ("http/multipartparser", "request body"),
    ("django/http/", "request and response"), ("db/models/sql", "ORM compiling"),
    ("db/models/", "ORM objects"), ("compiled_reads", "compiled reads and writes"),
    ("compiled_writes", "compiled reads and writes"), ("cryptography", "encryption"),
    ("redis", "Redis"), ("kombu", "Celery publish"), ("celery", "Celery publish"), ("csp/", "CSP"),
    ("django_otp", "two-factor"), ("contrib/auth", "authentication"),
    ("accounts/middleware", "the portal's gates"), ("audit/middleware", "audit middleware"),
    ("django_guid", "request id"), ("db/backends", "database backend"),
)  # fmt: skip


@dataclass
class Breakdown:
    samples: int = 0
    outside_django: Counter = field(default_factory=Counter)
    in_django: int = 0
    waiting: Counter = field(default_factory=Counter)  # by the portal's function that asked
    running: Counter = field(default_factory=Counter)  # by subsystem

    def add(self, frames: list[str], count: int) -> None:
        self.samples += count
        stack = ";".join(frames)
        if IN_DJANGO not in stack:
            self.outside_django[_name(frames[-1])] += count
            return
        self.in_django += count
        if any(marker in frames[-1] for marker in DATABASE_WAIT):
            if "is_usable (django/db/backends/postgresql" in stack:
                self.waiting[HEALTH_CHECK] += count  # before the statement that needed it
                return
            ours = [frame for frame in frames if OURS.search(frame) and "postgresql/" not in frame]
            self.waiting[_name(ours[-1]) if ours else "Django's own"] += count
            return
        for frame in reversed(frames):
            found = next((name for part, name in SUBSYSTEMS if part in frame), None)
            if found:
                self.running[found] += count
                return
        self.running["other"] += count


def _name(frame: str) -> str:
    """``function (path:line)`` as ``function (path)``: one entry for a function's lines."""
    return re.sub(r":\d+\)$", ")", frame)


def read(paths: list[Path]) -> Breakdown:
    breakdown = Breakdown()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                breakdown.add(stack.split(";"), int(count))
    return breakdown


def lines(breakdown: Breakdown, *, top: int = 12) -> list[str]:
    def share(count: int, whole: int) -> str:
        return f"{count / whole * 100:5.1f}%" if whole else "    -"

    django, waited = breakdown.in_django, sum(breakdown.waiting.values())
    out = [
        f"{breakdown.samples} samples; handling a request in Django: {share(django, breakdown.samples)}",
        f"In Django, waiting for PostgreSQL: {share(waited, django)}, by who asked:",
        *(f"  {share(n, django)}  {name}" for name, n in breakdown.waiting.most_common(top)),
        "In Django, running:",
        *(f"  {share(n, django)}  {name}" for name, n in breakdown.running.most_common(top)),
        "Outside Django (gunicorn, the response's writing and closing):",
        *(
            f"  {share(n, breakdown.samples)}  {name}"
            for name, n in breakdown.outside_django.most_common(top // 2)
        ),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Where the web workers' time goes (py-spy)")
    parser.add_argument("files", nargs="+", type=Path, help="py-spy raw files (--sample)")
    parser.add_argument("--top", type=int, default=12)
    options = parser.parse_args()
    print("\n".join(lines(read(options.files), top=options.top)))


if __name__ == "__main__":
    main()
