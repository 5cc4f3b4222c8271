"""From locust's CSV statistics to the table of docs/performance.md: p50, p95, throughput, the
ratio of each page's p50 to the floor's, the targets met or missed, and the machine."""

import csv
import math
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FLOOR = "floor"
# A page is compared with the floor of the same visitor: the bare page through the same
# middleware with the same session, so the sign-in's own per-request work (the account, its
# device, the gates, the header's Pending Approvals count) is in both. The anonymous floor is
# shown beside every page too.
SO_FLOOR, USER_FLOOR = "floor (signed in: Security Official)", "floor (signed in: end user)"
FLOORS = (FLOOR, SO_FLOOR, USER_FLOOR)
FLOOR_OF_PREFIX = {"queue:": SO_FLOOR, "approve:": SO_FLOOR, "my profile": USER_FLOOR}
SEARCH = "organization search"
QUEUE_PAGES = ("queue: first page", "queue: last page (200)")
SIGN_IN_PREFIX = "sign-in:"
EMAIL_UP, EMAIL_DOWN = "email step POST (broker up)", "email step POST (broker down)"
RATIO_LIMIT = 2.0
SEARCH_P95_MS, QUEUE_P95_MS = 50, 100


@dataclass
class Row:
    name: str
    count: int
    failures: int
    p50: float
    p95: float
    rps: float


@dataclass
class Table:
    rows: dict[str, Row]
    machine: dict[str, str]
    dataset: dict[str, int]
    errors: dict[str, int] = field(default_factory=dict)
    targets: list[tuple[str, bool, str]] = field(default_factory=list)

    def floor_of(self, row: Row) -> str:
        """The name of the floor this page is compared with (its visitor's)."""
        for prefix, floor in FLOOR_OF_PREFIX.items():
            if row.name.startswith(prefix) and floor in self.rows:
                return floor
        return FLOOR

    def floor_p50(self, name: str) -> float:
        return self.rows[name].p50 if name in self.rows else float("nan")

    def ratio(self, row: Row, floor: str | None = None) -> float:
        p50 = self.floor_p50(floor or self.floor_of(row))
        return row.p50 / p50 if p50 else float("nan")

    def summary(self) -> str:
        lines = [f"{'page':48} {'n':>6} {'fail':>4} {'p50':>7} {'p95':>7} {'req/s':>6} ratio"]
        for row in self.rows.values():
            lines.append(
                f"{row.name:48} {row.count:6} {row.failures:4} {row.p50:7.0f} {row.p95:7.0f} "
                f"{row.rps:6.1f} {self.ratio(row):5.1f}"
            )
        lines += [
            f"{'MET ' if met else 'MISS'} {what}: {detail}" for what, met, detail in self.targets
        ]
        return "\n".join(lines)


def errors(paths) -> dict[str, int]:
    """Exceptions raised in the users' code (a step that could not go on), by message."""
    found: dict[str, int] = {}
    for path in paths:
        exceptions = Path(str(path).replace("_stats.csv", "_exceptions.csv"))
        if exceptions.exists():
            with exceptions.open(newline="") as handle:
                for line in csv.DictReader(handle):
                    found[line["Message"]] = found.get(line["Message"], 0) + int(line["Count"])
    return found


def samples(path: Path) -> dict[str, list[float]]:
    """The unrounded response times of a scenario (locustfile.keep_sample), by request name."""
    found: dict[str, list[float]] = {}
    tsv = Path(str(path).replace("_stats.csv", "_samples.tsv"))
    if tsv.exists():
        for line in tsv.read_text(encoding="utf-8").splitlines():
            name, _, milliseconds = line.rpartition("\t")
            found.setdefault(name, []).append(float(milliseconds))
    return found


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of the unrounded times."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def read(paths) -> dict[str, Row]:
    rows = {}
    for path in paths:
        exact = samples(path)
        with Path(path).open(newline="") as handle:
            for line in csv.DictReader(handle):
                name = line["Name"]
                if name == "Aggregated" or name.startswith("setup:"):
                    continue
                times = exact.get(name)
                rows[name] = Row(
                    name=name,
                    count=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    p50=percentile(times, 0.50) if times else float(line["50%"] or "nan"),
                    p95=percentile(times, 0.95) if times else float(line["95%"] or "nan"),
                    rps=float(line["Requests/s"] or 0),
                )
    return rows


def evaluate(table: Table) -> None:
    """The targets of the issue, each with the numbers that decide it."""
    rows, targets = table.rows, table.targets
    for row in rows.values():
        if row.name in FLOORS or row.name.startswith(SIGN_IN_PREFIX):
            continue
        ratio, floor = table.ratio(row), table.floor_of(row)
        targets.append(
            (f"{row.name}: p50 at most {RATIO_LIMIT:g}x the floor", ratio <= RATIO_LIMIT,
             f"{ratio:.2f}x ({row.p50:.1f} ms against {table.floor_p50(floor):.1f} ms, {floor})")
        )  # fmt: skip
    if SEARCH in rows:
        p95 = rows[SEARCH].p95
        targets.append(
            (
                f"organization search p95 under {SEARCH_P95_MS} ms",
                p95 < SEARCH_P95_MS,
                f"{p95:.0f} ms",
            )
        )
    for name in QUEUE_PAGES:
        if name in rows:
            p95 = rows[name].p95
            targets.append(
                (f"{name} p95 under {QUEUE_P95_MS} ms", p95 < QUEUE_P95_MS, f"{p95:.0f} ms")
            )
    if EMAIL_UP in rows and EMAIL_DOWN in rows:
        up, down = rows[EMAIL_UP].p50, rows[EMAIL_DOWN].p50
        same = down <= max(up * 1.25, up + 10)
        targets.append(
            ("the step that queues an email: same latency with the broker down", same,
             f"p50 {down:.0f} ms down against {up:.0f} ms up")
        )  # fmt: skip
    failed = [row for row in rows.values() if row.failures]
    targets.append(
        ("no failed request", not failed, ", ".join(f"{r.name}: {r.failures}" for r in failed) or "none")
    )  # fmt: skip
    targets.append(
        ("no scenario stopped by an error", not table.errors,
         "; ".join(f"{message} ({count})" for message, count in table.errors.items()) or "none")
    )  # fmt: skip


def _first_line(command: list[str]) -> str:
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=10)  # noqa: S603
        return output.stdout.strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def machine(database_url: str, cache_url: str) -> tuple[dict[str, str], dict[str, int]]:
    import psycopg2
    import redis

    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    os_release = dict(
        line.split("=", 1)
        for line in Path("/etc/os-release").read_text().split("\n")
        if "=" in line
    )
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        counts = {}
        for label, query in [
            ("organizations", "SELECT count(*) FROM organizations_organization"),
            ("users", "SELECT count(*) FROM accounts_user"),
            ("user groups", "SELECT count(*) FROM organizations_usergroup"),
            ("active roles", "SELECT count(*) FROM organizations_roleassignment WHERE status = 'active'"),
            ("pending requests", "SELECT count(*) FROM approvals_accessrequest WHERE status = 'submitted'"),
            ("pending in the bench SO's queue", "SELECT count(*) FROM approvals_accessrequest r "
             "JOIN organizations_organization o ON o.id = r.organization_id "
             "WHERE r.status = 'submitted' AND o.ein = '290000001'"),
        ]:  # fmt: skip
            cursor.execute(query)
            counts[label] = cursor.fetchone()[0]
    described = {
        "CPU": cpu.group(1).strip() if cpu else platform.processor(),
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.0f} GiB" if memory else "unknown",
        "OS": os_release.get("PRETTY_NAME", platform.platform()).strip('"'),
        "Python": sys.version.split()[0],
        "PostgreSQL": postgres,
        "Redis": redis.Redis.from_url(cache_url).info()["redis_version"],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return described, counts


def build(paths, *, database_url: str, cache_url: str) -> Table:
    described, counts = machine(database_url, cache_url)
    paths = list(paths)
    table = Table(rows=read(paths), machine=described, dataset=counts, errors=errors(paths))
    evaluate(table)
    return table


def write(table: Table, path: Path, *, users: int, duration: int) -> None:
    """Replace the measured part of docs/performance.md, between its two markers."""
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    lines = [begin, "", f"Measured {table.machine['date']}: {users} concurrent users per "
             f"scenario, {duration} s each (the registration walk twice as long).", ""]  # fmt: skip
    lines += ["| machine | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in table.machine.items()]
    lines += ["", "| dataset | rows |", "|---|---:|"]
    lines += [f"| {key} | {value:,} |" for key, value in table.dataset.items()]
    lines += ["", "| page or step | requests | failed | p50 ms | p95 ms | req/s | p50 / its floor "
              "| p50 / anonymous floor |", "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in table.rows.values():
        lines.append(
            f"| {row.name} | {row.count} | {row.failures} | {row.p50:.1f} | {row.p95:.1f} | "
            f"{row.rps:.1f} | {table.ratio(row):.2f} | {table.ratio(row, FLOOR):.2f} |"
        )
    lines += ["", "| target | met | measured |", "|---|---|---|"]
    lines += [
        f"| {what} | {'yes' if met else '**no**'} | {detail} |"
        for what, met, detail in table.targets
    ]
    lines += ["", end]
    text = path.read_text() if path.exists() else f"# Performance\n\n{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(head + "\n".join(lines) + tail)
