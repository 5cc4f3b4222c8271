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
# Every scenario measures its own floor, interleaved with its pages by the same users: the
# same bare page through the same middleware, for the same visitor (the sign-in's own
# per-request work, such as the account, its device, the gates and the header's Pending
# Approvals count, is in both), under the same load (the same worker sending the same mail,
# the same database writes). A page is compared with the floor of its own scenario and
# visitor; the floor of the quiet Floor scenario (anonymous, nothing else running) is shown
# beside every page too.
QUIET = "Floor"
SO_FLOOR, USER_FLOOR = "floor (signed in: Security Official)", "floor (signed in: end user)"
FLOORS = (FLOOR, SO_FLOOR, USER_FLOOR)
FLOOR_OF_PREFIX = {"queue:": SO_FLOOR, "approve:": SO_FLOOR, "my profile": USER_FLOOR}
SEARCH = "organization search"
QUEUE_PAGES = ("queue: first page", "queue: last page (200)")
# Reported, not held to the ratio: the password's Argon2 hash is its cost, by design.
PASSWORD_STEP = "sign-in: password POST"
EMAIL_UP, EMAIL_DOWN = "email step POST (broker up)", "email step POST (broker down)"
RATIO_LIMIT = 2.0
SEARCH_P95_MS, QUEUE_P95_MS = 50, 100


@dataclass
class Row:
    scenario: str
    name: str
    count: int
    failures: int
    p50: float
    p95: float
    rps: float

    @property
    def is_floor(self) -> bool:
        return self.name in FLOORS


@dataclass
class Table:
    rows: list[Row]
    machine: dict[str, str]
    dataset: dict[str, int]
    errors: dict[str, int] = field(default_factory=dict)
    targets: list[tuple[str, bool, str]] = field(default_factory=list)

    def find(self, scenario: str, name: str) -> Row | None:
        return next((r for r in self.rows if r.scenario == scenario and r.name == name), None)

    def page(self, name: str) -> Row | None:
        return next((row for row in self.rows if row.name == name), None)

    def floor_of(self, row: Row) -> Row | None:
        """The floor this page is compared with: its visitor's, measured in its scenario."""
        if row.is_floor:
            return row
        name = next(
            (floor for prefix, floor in FLOOR_OF_PREFIX.items() if row.name.startswith(prefix)),
            FLOOR,
        )
        return self.find(row.scenario, name)

    def quiet_floor(self) -> Row | None:
        return self.find(QUIET, FLOOR)

    @staticmethod
    def ratio(row: Row, floor: Row | None) -> float:
        return row.p50 / floor.p50 if floor and floor.p50 else float("nan")

    def summary(self) -> str:
        lines = [
            f"{'scenario':20} {'page':44} {'n':>5} {'fail':>4} {'p50':>6} {'p95':>6} "
            f"{'req/s':>6} {'ratio':>5} {'quiet':>5}"
        ]
        for row in self.rows:
            lines.append(
                f"{row.scenario:20} {row.name:44} {row.count:5} {row.failures:4} "
                f"{row.p50:6.1f} {row.p95:6.1f} {row.rps:6.1f} "
                f"{self.ratio(row, self.floor_of(row)):5.2f} "
                f"{self.ratio(row, self.quiet_floor()):5.2f}"
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


def read(results: dict[str, Path]) -> list[Row]:
    """Every measured request of every scenario (its name: its CSV file), in run order."""
    rows = []
    for scenario, path in results.items():
        exact = samples(path)
        with Path(path).open(newline="") as handle:
            for line in csv.DictReader(handle):
                name = line["Name"]
                if name == "Aggregated" or name.startswith("setup:"):
                    continue
                times = exact.get(name)
                rows.append(
                    Row(
                        scenario=scenario,
                        name=name,
                        count=int(line["Request Count"]),
                        failures=int(line["Failure Count"]),
                        p50=percentile(times, 0.50) if times else float(line["50%"] or "nan"),
                        p95=percentile(times, 0.95) if times else float(line["95%"] or "nan"),
                        rps=float(line["Requests/s"] or 0),
                    )
                )
    return rows


def evaluate(table: Table) -> None:
    """The targets of the issue, each with the numbers that decide it."""
    targets = table.targets
    for row in table.rows:
        if row.is_floor or row.name == PASSWORD_STEP:
            continue
        floor = table.floor_of(row)
        ratio = table.ratio(row, floor)
        against = f"{floor.p50:.1f} ms, {floor.name} in {floor.scenario}" if floor else "no floor"
        targets.append(
            (f"{row.name}: p50 at most {RATIO_LIMIT:g}x the floor", ratio <= RATIO_LIMIT,
             f"{ratio:.2f}x ({row.p50:.1f} ms against {against})")
        )  # fmt: skip
    search = table.page(SEARCH)
    if search:
        targets.append(
            (
                f"organization search p95 under {SEARCH_P95_MS} ms",
                search.p95 < SEARCH_P95_MS,
                f"{search.p95:.0f} ms",
            )
        )
    for name in QUEUE_PAGES:
        queue = table.page(name)
        if queue:
            targets.append(
                (f"{name} p95 under {QUEUE_P95_MS} ms", queue.p95 < QUEUE_P95_MS, f"{queue.p95:.0f} ms")
            )  # fmt: skip
    up, down = table.page(EMAIL_UP), table.page(EMAIL_DOWN)
    if up and down:
        same = down.p50 <= max(up.p50 * 1.25, up.p50 + 10)
        targets.append(
            ("the step that queues an email: same latency with the broker down", same,
             f"p50 {down.p50:.0f} ms down against {up.p50:.0f} ms up")
        )  # fmt: skip
    failed = [row for row in table.rows if row.failures]
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
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'),"
            " pg_size_pretty(pg_database_size(current_database()))"
        )
        version, buffers, size = cursor.fetchone()
        # As configured on the machine: what of the database its own cache can hold.
        postgres = f"{version}; shared_buffers {buffers}, the database {size}"
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


def build(results: dict[str, Path], *, database_url: str, cache_url: str) -> Table:
    """``results``: each scenario's name and its locust CSV statistics, in run order."""
    described, counts = machine(database_url, cache_url)
    table = Table(
        rows=read(results), machine=described, dataset=counts, errors=errors(results.values())
    )
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
    lines += ["", "| scenario | page or step | requests | failed | p50 ms | p95 ms | req/s "
              "| p50 / its floor | p50 / quiet floor |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in table.rows:
        name = f"*{row.name}*" if row.is_floor else row.name
        lines.append(
            f"| {row.scenario} | {name} | {row.count} | {row.failures} | {row.p50:.1f} | "
            f"{row.p95:.1f} | {row.rps:.1f} | {table.ratio(row, table.floor_of(row)):.2f} | "
            f"{table.ratio(row, table.quiet_floor()):.2f} |"
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
