"""The portal run as in production, for a browser test: gunicorn with the production settings
(2 workers), a Celery worker, a Redis database of its own and an SMTP sink, all against the
test database that pytest-django made (the test must be ``transaction=True``, so that what it
writes is committed and the servers see it, and what they write, it sees).

The person's mail is read from the SMTP sink, since production has no outbox page.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import redis
from django.conf import settings
from django.db import connection

from iacs_portal.mailsink import MailSink, serve, text_of

from .journey import Journey

ROOT = Path(__file__).resolve().parents[2]
# The test Redis's host and port, and a database number no other test uses.
REDIS_DATABASE = 14


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (test_<name>), as a DATABASE_URL for the servers."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_url() -> str:
    test_broker = urlparse(os.environ["CELERY_TEST_BROKER_URL"])
    return f"redis://{test_broker.hostname}:{test_broker.port or 6379}/{REDIS_DATABASE}"


@dataclass
class ProductionPortal:
    base: str
    mail: MailSink
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def log_of(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def wait_until_healthy(self, timeout: float = 30) -> dict:
        import json

        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log_of(name)[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/health/", timeout=5) as answer:  # noqa: S310
                    return json.loads(answer.read())
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def environment(*, port: int, mail_port: int, static_root: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "iacs_portal.settings.production",
        "DATABASE_URL": database_url(),
        "CACHE_URL": redis_url(),
        "CELERY_BROKER_URL": redis_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        # The test process's keys: it made the approver's authenticator key and reads the data.
        "SECRET_KEY": settings.SECRET_KEY,
        "SSN_DIGEST_KEY": settings.SSN_DIGEST_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
        # CI runs as root, which production never does: Celery's warning about it is printed
        # before logging is set up, as the only line that is not JSON.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
    }


def start(name: str, command: list[str], env: dict, logs: Path) -> subprocess.Popen:
    output = (logs / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_production_portal(tmp_path: Path):
    """A generator for a fixture: yields a running ProductionPortal, then stops everything."""
    port, mail_port = free_port(), free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = environment(port=port, mail_port=mail_port, static_root=tmp_path / "static")
    broker = redis.Redis.from_url(redis_url())
    broker.flushdb()  # this test's own database: queued tasks and cache of an earlier run
    smtp = serve(host="127.0.0.1", port=mail_port, echo=False)
    portal = ProductionPortal(base=f"http://127.0.0.1:{port}", mail=smtp.handler, logs=logs)
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        portal.processes["web"] = start(
            "web", [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], env, logs
        )
        portal.processes["worker"] = start(
            "worker",
            [sys.executable, "-m", "celery", "--app", "iacs_portal", "--quiet", "worker",
             "--concurrency", "1", "--without-mingle", "--without-gossip"],
            env,
            logs,
        )  # fmt: skip
        yield portal
    finally:
        for process in portal.processes.values():
            stop(process)
        smtp.stop()
        broker.flushdb()
        broker.close()


class ProductionJourney(Journey):
    """A Journey whose person reads their mail where production sends it: an SMTP server."""

    def __init__(self, page, portal: ProductionPortal, axe):
        super().__init__(page, portal.base, axe)
        self.portal = portal

    def read_mail(self, subject: str, to: str) -> str:
        return text_of(self.portal.mail.wait_for(subject=subject, to=to, timeout=30))
