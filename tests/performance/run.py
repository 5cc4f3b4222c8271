"""The load benchmark: `make bench` (docs/performance.md).

    python -m tests.performance.run [--reseed] [--duration 20] [--users 2] [--no-write]

Checks PostgreSQL and Redis, creates and migrates the `iacs_bench` database, seeds it once at
national scale (`manage.py seed_national`; --reseed empties and seeds again), then starts its
own broker (a redis-server on a free port), a Celery worker, the mail sink and gunicorn with
the production settings plus the floor (tests.performance.settings, 2 workers), and drives each
scenario of tests/performance/locustfile.py with locust, headless and bounded in time. Last it
stops the broker and measures the step that queues an email again. Writes the table to
docs/performance.md. Every process it started is stopped, also on failure or Ctrl+C.
"""

import argparse
import csv
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet

from approvals.seeding.names import FIRST_NAMES, LAST_NAMES

from . import report
from .services import Services, free_port, wait_for_http, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
KEYS = ROOT / "var" / "bench-keys.env"
BIN = Path(sys.executable).parent
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iacs_bench")
CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
RATE_LIMITED = [
    "registration_start", "registration_user_info", "email_code_entry", "email_code_resend",
    "login", "forgot_password", "forgot_user_id",
]  # fmt: skip
# (locust user class, seconds as a share of --duration): run in this order.
SCENARIOS = [
    ("Floor", 1.0),
    ("Search", 1.0),
    ("Queue", 1.0),
    ("Profile", 1.0),
    ("SignIn", 1.0),
    ("Registration", 2.0),
    ("Approve", 1.0),
    ("EmailStep", 1.0),
]


# Each person registers once: every scenario (a locust process of its own) takes its own slice.
PERSONS_PER_SCENARIO = 600


def run_keys() -> dict:
    """The bench database's own keys, made once and kept with it (var/, never committed)."""
    if not KEYS.exists():
        KEYS.parent.mkdir(parents=True, exist_ok=True)
        KEYS.write_text(
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"SSN_DIGEST_KEY={secrets.token_urlsafe(50)}\n"
            f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
        )
        KEYS.chmod(0o600)
    return dict(line.split("=", 1) for line in KEYS.read_text().split())


def write_persons(path: Path, count: int) -> None:
    """People the SSA stub knows, new to this run: the wizard's applicants."""
    chooser = random.Random()
    start = chooser.randrange(9_000_000)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["first_name", "last_name", "date_of_birth", "ssn"])
        for index in range(start, start + count):
            ssn = f"8{index % 99 + 1:02d}{index // 99 % 99 + 1:02d}{index // 9801 % 9999 + 1:04d}"
            first, last = chooser.choice(FIRST_NAMES), chooser.choice(LAST_NAMES)
            born = f"{chooser.randint(1950, 2000)}-{chooser.randint(1, 12):02d}-15"
            writer.writerow([first, last, born, ssn])


def environment(*, port: int, broker_port: int, mail_port: int, persons: Path) -> dict:
    env = {
        **os.environ,
        **run_keys(),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "tests.performance.settings",
        "DATABASE_URL": DATABASE,
        "CACHE_URL": CACHE,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker_port}/0",
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SECURE_SSL_REDIRECT": "false",
        "COOKIES_SECURE": "false",
        "SSA_STUB_RECORDS": str(persons),
        "BENCH_PASSWORD": secrets.token_urlsafe(24),
        "BENCH_TOTP_KEY": secrets.token_hex(20),
        "BENCH_PERSONS": str(persons),
        "BENCH_SPOOL_DIR": str(VAR / "spool"),
    }
    for action in RATE_LIMITED:  # all the load comes from 127.0.0.1
        env[f"RATE_LIMIT_{action.upper()}_RATE"] = "10000000"
    return env


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], env=env, cwd=ROOT, check=True)  # noqa: S603


def prepare(env: dict, *, reseed: bool) -> None:
    print("Checking PostgreSQL and Redis, preparing the bench database...", flush=True)
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import redis; redis.Redis.from_url({CACHE!r}).flushdb()"],
        env=env,
        check=True,
    )
    manage(env, "ensure_database")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_national", *(["--reset"] if reseed else []))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def start(services: Services, env: dict, *, port: int, broker_port: int, mail_port: int) -> None:
    services.start(
        "broker",
        ["redis-server", "--port", str(broker_port), "--bind", "127.0.0.1", "--save", ""],
        env,
    )
    wait_for_port(broker_port)
    services.start(
        "mail",
        # It stands in for the mail server, which in production is another machine: at the
        # worker's lower priority, as the worker is.
        ["nice", "-n", "10", sys.executable, "-m", "iacs_portal.mailsink", "--port",
         str(mail_port), "--quiet", "--spool-dir", env["BENCH_SPOOL_DIR"]],
        env,
    )  # fmt: skip
    services.start(
        "worker",
        # At a lower CPU priority: in production the workers have their own machines
        # (docs/operations.md); here they share 2 cores with gunicorn, and the temporary
        # password each approval makes is an Argon2 hash (~140 ms of both cores, by design).
        # One worker process, so that it takes one core at the most.
        [
            "nice",
            "-n",
            "10",
            str(BIN / "celery"),
            "--app",
            "iacs_portal",
            "--quiet",
            "worker",
            "--concurrency",
            "1",
        ],  # fmt: skip
        env,
    )
    services.start("web", [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"], env)
    wait_for_port(mail_port)
    wait_for_http(f"http://127.0.0.1:{port}/health/")
    print(f"Portal up at http://127.0.0.1:{port}/ (logs in {VAR / 'logs'})", flush=True)


def locust(env: dict, *, scenario: str, seconds: int, users: int, port: int, tag: str) -> Path:
    prefix = VAR / "results" / tag
    print(f"  {tag}: {users} users, {seconds}s", flush=True)
    subprocess.run(  # noqa: S603
        [str(BIN / "locust"), "-f", "tests/performance/locustfile.py", "--headless",
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
         "--stop-timeout", "10", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
         "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0", scenario],
        env={**env, "PYTHONPATH": str(ROOT), "BENCH_SAMPLES_FILE": f"{prefix}_samples.tsv"},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=(VAR / "logs" / "locust.log").open("ab"),
    )  # fmt: skip
    return Path(f"{prefix}_stats.csv")


def sample(services: Services, scenario: str, seconds: int) -> subprocess.Popen:
    """py-spy recording gunicorn's workers (the master's subprocesses, those it starts anew
    included) while the scenario runs, into var/bench/samples/SCENARIO.txt."""
    output = VAR / "samples" / f"{scenario}.txt"
    return subprocess.Popen(  # noqa: S603 (our own command)
        [str(BIN / "py-spy"), "record", "--pid", str(services.processes["web"].pid),
         "--subprocesses", "--duration", str(seconds), "--rate", "250", "--nonblocking",
         "--format", "raw", "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=(VAR / "logs" / "py-spy.log").open("ab"),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark (docs/performance.md)")
    parser.add_argument("--reseed", action="store_true", help="empty the bench data, seed again")
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--users", type=int, default=2, help="concurrent users per scenario")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    parser.add_argument(
        "--sample",
        action="store_true",
        help="record the web workers with py-spy during each scenario (var/bench/samples/; "
        "python -m tests.performance.samples reads them); implies --no-write",
    )
    parser.add_argument(
        "--scenarios",
        help="comma-separated scenarios to run (e.g. Floor,Queue), while working on a page; "
        f"implies --no-write. All: {', '.join(name for name, _ in SCENARIOS)}",
    )
    options = parser.parse_args()
    chosen = set(options.scenarios.split(",")) if options.scenarios else None
    if chosen is not None:
        unknown = chosen - {name for name, _ in SCENARIOS}
        if unknown:
            parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
        options.no_write = True
    options.no_write = options.no_write or options.sample  # the samples slow the workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop everything on TERM too

    for folder in ("logs", "results", "spool", "samples"):
        (VAR / folder).mkdir(parents=True, exist_ok=True)
    for old in [
        path for name in ("results", "spool", "samples") for path in (VAR / name).iterdir()
    ]:
        old.unlink()
    port, broker_port, mail_port = free_port(), free_port(), free_port()
    persons = VAR / "ssa-persons.csv"
    write_persons(persons, PERSONS_PER_SCENARIO * (len(SCENARIOS) + 1))
    env = environment(port=port, broker_port=broker_port, mail_port=mail_port, persons=persons)
    started = time.monotonic()
    prepare(env, reseed=options.reseed)
    services = Services(VAR / "logs")
    results = {}
    try:
        start(services, env, port=port, broker_port=broker_port, mail_port=mail_port)
        print("Scenarios:", flush=True)
        for number, (scenario, share) in enumerate(SCENARIOS):
            if chosen is not None and scenario not in chosen:
                continue
            seconds = max(5, round(options.duration * share))
            offset = {"BENCH_PERSON_OFFSET": str(number * PERSONS_PER_SCENARIO)}
            sampler = sample(services, scenario, seconds) if options.sample else None
            results[scenario] = locust(
                {**env, **offset}, scenario=scenario, seconds=seconds, users=options.users, port=port,
                tag=scenario,
            )  # fmt: skip
            if sampler is not None:
                sampler.wait(timeout=30)
            services.check_running()
        if chosen is None or "EmailStep" in chosen:
            services.stop("broker")
            print("  (broker stopped)", flush=True)
            results["EmailStepBrokerDown"] = locust(
                {**env, "BENCH_BROKER": "down",
                 "BENCH_PERSON_OFFSET": str(len(SCENARIOS) * PERSONS_PER_SCENARIO)},
                scenario="EmailStep",
                seconds=options.duration, users=options.users, port=port, tag="EmailStepBrokerDown",
            )  # fmt: skip
    finally:
        services.stop_all()
    table = report.build(results, database_url=DATABASE, cache_url=CACHE)
    print(table.summary())
    if not options.no_write:
        report.write(table, ROOT / "docs" / "performance.md", users=options.users,
                     duration=options.duration)  # fmt: skip
        print("Wrote docs/performance.md")
    print(f"Done in {time.monotonic() - started:.0f}s.")


if __name__ == "__main__":
    main()
