"""Real services for the outbox's failure tests (tests/outbox/test_real_services.py).

- ``RedisServer``: a redis-server of the test's own, on a free port, started and stopped at
  will (the shared Redis on 6379 is never touched);
- ``celery_worker`` and ``celery_beat``: ``celery -A iacs_portal worker|beat`` subprocesses
  on the pytest database, with the short outbox delays of ADR 14;
- ``SmtpSink``: an SMTP server (aiosmtpd, in a thread) that accepts, refuses with 451, or
  stalls before answering a message, on cue.

Each process runs in a process group of its own, killed as a whole (``Service.kill``); its
output goes to a log file that ``Services`` prints at teardown, which pytest shows only when
the test failed.
"""

import asyncio
import contextlib
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from email.message import Message
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")

# ADR 14's delays for tests of failures: retries, redispatch and takeover within seconds.
OUTBOX_TEST_DELAYS = {
    "OUTBOX_RETRY_BACKOFF_SECONDS": "0.2",
    "OUTBOX_REDISPATCH_AFTER_SECONDS": "1",
    "OUTBOX_REDISPATCH_INTERVAL_SECONDS": "1",
    "OUTBOX_SENDING_TIMEOUT_SECONDS": "3",
    "EMAIL_TIMEOUT": "10",
}
# The secret (a code, a temporary password) stands alone on an indented line of the text body.
SECRET_LINE = re.compile(r"^ {4}(\S+)\s*$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something true (returned); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if result := condition():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout} s still waiting for {what}")
        time.sleep(interval)


class Service:
    """A subprocess in a process group of its own, its output appended to a log file."""

    def __init__(self, name: str, argv: list[str], *, logs: Path, env: dict | None = None):
        self.name, self.argv, self.env = name, argv, env
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its children
            )
        return self

    def kill(self) -> None:
        """SIGKILL the whole group, as a machine losing the process would; wait for it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Services:
    """Every process a test started, killed at its end (``close``), their logs printed."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[Service] = []

    def start(self, service: Service) -> Service:
        self.started.append(service)
        return service.start()

    def close(self) -> None:
        for service in reversed(self.started):
            service.kill()
        for service in self.started:
            print(f"----- {service.name} ({service.log}) -----\n{service.log_tail()}")


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer(Service):
    """redis-server on ``port``, nothing kept on disk: a restart forgets every message."""

    def __init__(self, port: int, *, logs: Path, run: int = 1):
        argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        argv += ["--appendonly", "no", "--daemonize", "no"]
        super().__init__(f"redis-{port}-{run}", argv, logs=logs)
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> "RedisServer":
        super().start()
        wait_until(lambda: redis_answers(self.port), timeout=10, what=f"Redis on {self.port}")
        return self


def database_url() -> str:
    """The pytest database (test_...), as DATABASE_URL, for the Celery processes."""
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def celery_env(*, broker_url: str, smtp_port: int, **overrides: str) -> dict:
    """The environment of a worker or beat: the development settings (as ``make worker``) on
    the test database, our broker and our SMTP server, and the short delays."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iacs_portal.settings.local",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        **OUTBOX_TEST_DELAYS,
        **overrides,
    }


def celery_worker(name: str, *, env: dict, logs: Path) -> Service:
    """One worker process (solo pool: the process that is killed is the one that sends)."""
    argv = [str(CELERY), "-A", "iacs_portal", "worker", "--pool=solo", "--loglevel=INFO"]
    argv += ["--without-mingle", "--without-gossip", "--without-heartbeat", f"--hostname={name}@%h"]
    return Service(name, argv, logs=logs, env=env)


def celery_beat(*, env: dict, logs: Path) -> Service:
    schedule = logs / "beat-schedule"  # not the repository's celerybeat-schedule
    argv = [str(CELERY), "-A", "iacs_portal", "beat", "--loglevel=INFO", f"--schedule={schedule}"]
    return Service("beat", argv, logs=logs, env=env)


def subject_of(message: Message) -> str:
    """Decoded and unfolded (Django folds a non-ASCII subject onto a line of its own)."""
    return " ".join(str(message["Subject"]).split())


def text_of(message: Message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def secret_in(message: Message) -> str:
    """The code or temporary password the message carries."""
    return SECRET_LINE.search(text_of(message)).group(1)


class SmtpSink:
    """An SMTP server that keeps what it accepts. Set, before the message comes:

    - ``refusals_left``: answer this many messages "451" (a temporary failure) at the end of
      DATA, quoting the message's secret back (as a careless server might); None: all of them;
    - ``stall_subject``: the first message whose subject contains it gets no answer at all: the
      server holds it, never accepts it, and the client waits (until it is killed).

    ``received`` has every message whose content arrived; ``accepted`` those answered 250.
    """

    def __init__(self):
        self.port = free_port()
        self.received: list[Message] = []
        self.accepted: list[Message] = []
        self.refusals_left: int | None = 0
        self.stall_subject = ""
        self.stalled = threading.Event()
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)
        if self.stall_subject and self.stall_subject in subject_of(message):
            self.stall_subject = ""
            self.stalled.set()
            await asyncio.sleep(3600)  # cancelled when the client's connection is lost
        if self.refusals_left != 0:
            if self.refusals_left is not None:
                self.refusals_left -= 1
            return f"451 4.3.0 Try again later (about {secret_in(message)})"
        self.accepted.append(message)
        return "250 2.0.0 Accepted"

    def subjects(self) -> list[str]:
        return [subject_of(message) for message in self.accepted]

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
