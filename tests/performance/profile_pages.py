"""Time pages in process against the seeded bench database (a tool for speeding a page up).

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_pages [--repeat 200]
        [--pages floor,queue,...] [--profile queue] [--sql "sign-in: code POST"]
        [--database-url postgres://...]

`make bench` measures through gunicorn and locust, with the noise of a whole machine; this
measures one page at a time with Django's test client, in one process, on the same data
(``iacs_bench``, seeded by `make bench`, whose keys are read from var/bench-keys.env) and with
the same settings (tests.performance.settings), and prints each page's median and its ratio to
the floor of the same visitor. ``--profile NAME`` prints that page's cProfile, by cumulative
time; ``--sql NAME`` the statements of one more request of that page.

Beside the wall-clock median, "cpu ms" is this process's CPU time (the median too): on a
machine shared with other work the wall clock waits for the CPU, the CPU time much less, so it
shows a change in Python's work more steadily. It leaves out PostgreSQL's own time: check the
queries with EXPLAIN ANALYZE.

Pages only read, except two. "sign-in: code POST" is the second step of sign-in as the bench
measures it: each POST is a new sign-in of the next ``BENCHSI`` account whose authenticator has
not accepted this 30-second step's code yet, with that code, computed from the device's key as
the app would. The first step's outcome is put in the session beforehand (the user's id and the
time, what the password step writes: its Argon2 check is measured apart, by the bench), so the
POST runs the view, the code check, the sign-in and its redirect, as in production; only the
test client's CSRF check is off (the signed-in clients check it).
"approve: decision POST": each of its requests approves another request
of the bench Security Official's queue (topped up again to 5,000 when it runs short, as
`make bench` does), with the CSRF token, as in production: the account is made, the role
granted, audited, and the emails queued and handed to the broker when the transaction commits.
The broker is the ``--cache-url`` Redis database (so the publishing really happens); no worker
takes the tasks, which are purged from it afterwards, and the emails stay queued in the
database, unsent. Leave that page out (``--pages``) where nothing may be approved.
"""

import argparse
import cProfile
import logging
import os
import pstats
import re
import statistics
import sys
import time
from functools import partial
from pathlib import Path

from .run import RATE_LIMITED, write_persons

ROOT = Path(__file__).resolve().parents[2]
PERSONS = ROOT / "var" / "profile" / "ssa-persons.csv"


def configure(database_url: str, cache_url: str, *, persons: int = 0, **environment: str) -> None:
    """Django set up on the bench database; ``environment`` adds or replaces variables.

    ``persons``: that many new people for the SSA stub (var/profile/ssa-persons.csv), and the
    per-client rate limits raised as `make bench` does, for tools that register people.
    """
    keys = ROOT / "var" / "bench-keys.env"
    if not keys.exists():
        sys.exit("var/bench-keys.env is missing: run `make bench` once to seed iacs_bench.")
    for line in keys.read_text().split():
        name, value = line.split("=", 1)
        os.environ.setdefault(name, value)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.performance.settings",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        SECURE_SSL_REDIRECT="false",
        COOKIES_SECURE="false",
        ALLOWED_HOSTS="testserver",
        PORTAL_BASE_URL="http://testserver",
        CELERY_BROKER_URL=cache_url,  # the decision POST publishes here; purged after it
        EMAIL_URL="smtp://127.0.0.1:1",
    )
    for action in RATE_LIMITED:  # as in the bench: every request comes from one address
        os.environ[f"RATE_LIMIT_{action.upper()}_RATE"] = "10000000"
    if persons:
        PERSONS.parent.mkdir(parents=True, exist_ok=True)
        write_persons(PERSONS, persons)
        os.environ.update(SSA_STUB_RECORDS=str(PERSONS), BENCH_PERSONS=str(PERSONS))
    os.environ.update(environment)
    import django
    from django.core.management import call_command

    django.setup()
    logging.disable(logging.INFO)  # each request's log line, on every page alike: not printed
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage's


def signed_in_client(username: str):
    """A client signed in as ``username``, past two-factor and the warning page."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
    from accounts.models import AuthenticatorApp, User

    user = User.objects.get(username=username)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="accounts.backends.UserIdBackend")
    session = client.session
    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()
    return client


def anonymous_client(client=None):
    """A client past the warning page, in a new session: ``client`` itself when given, whose
    handler has its middleware loaded already (whitenoise's scan of the static files takes
    seconds)."""
    from http.cookies import SimpleCookie

    from django.test import Client

    from accounts.middleware import PORTAL_ENTERED_SESSION_KEY

    client = client or Client()
    client.cookies = SimpleCookie()
    session = client.session
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()
    return client


def measure_get(address: str, client, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` GETs, after one that warms up."""
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        client.get(address)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    return times, cpu_times


def get(address: str):
    return partial(measure_get, address)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queue_numbers(so, count: int) -> list[str]:
    """The tracking numbers of ``count`` requests of the SO's queue, oldest first."""
    from approvals.routing import decidable_requests
    from approvals.seeding.bench import bench_queue_top_up
    from approvals.seeding.national import Scale

    if decidable_requests(user=so).count() < count:
        bench_queue_top_up(size=max(Scale.queue, count), out=lambda message: None)
    numbers = list(decidable_requests(user=so).values_list("tracking_number", flat=True)[:count])
    assert len(numbers) == count, "the queue is too short"
    return numbers


def measure_approvals(client, repeat: int) -> tuple[list[float], list[float]]:
    """Approve a different request of the SO's queue each time; the first one warms up."""
    from accounts.models import User
    from approvals.models import AccessRequest
    from approvals.seeding.bench import SO_USERNAME
    from iacs_portal.celery import app

    numbers = queue_numbers(User.objects.get(username=SO_USERNAME), repeat + 1)
    page = client.get(f"/approvals/{numbers[0]}/")
    token = CSRF_INPUT.search(page.content.decode())[1]
    times, cpu_times = [], []
    for number in numbers:
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post(
            f"/approvals/{number}/", {"decision": "approve", "csrfmiddlewaretoken": token}
        )
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 302, (number, response.status_code)
        # The message is shown by the queue the POST redirects to, which is not measured here.
        client.cookies.pop("messages", None)
    approved = AccessRequest.objects.filter(
        tracking_number__in=numbers, status=AccessRequest.Status.APPROVED
    )
    assert approved.count() == len(numbers), "a decision was refused"
    app.control.purge()  # no worker takes the emails' tasks here
    return times[1:], cpu_times[1:]


CODE_POST = "sign-in: code POST"


def sign_in_code_posts(_client, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` sign-ins' code step (module docstring)."""
    from django.test import Client
    from django.utils import timezone
    from django_otp.oath import TOTP

    from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
    from accounts.models import AuthenticatorApp
    from accounts.signin import PENDING_SESSION_KEY
    from approvals.seeding.bench import SIGN_IN_POOL_PREFIX

    devices = list(
        AuthenticatorApp.objects.filter(
            user__username__startswith=SIGN_IN_POOL_PREFIX, confirmed=True
        ).order_by("user__username")
    )
    assert devices, "no sign-in accounts: run `make bench` once"
    client = Client()  # one handler, as a server process has: each sign-in a new session
    times, cpu_times = [], []
    while len(times) < repeat + 1:  # the first, which warms up, is not counted
        step = int(time.time()) // AuthenticatorApp.step
        # The app's code for this step is the device's step ``step + drift`` (its clock's lag).
        device = next((d for d in devices if d.last_t < step + d.drift), None)
        if device is None:  # every account used this step's code: wait for the next one
            time.sleep(AuthenticatorApp.step - time.time() % AuthenticatorApp.step + 0.1)
            continue
        device.last_t = step + device.drift
        totp = TOTP(device.bin_key, AuthenticatorApp.step, AuthenticatorApp.t0, 6, device.drift)
        totp.time = step * AuthenticatorApp.step
        client.cookies.clear()
        session = client.session
        session[PORTAL_ENTERED_SESSION_KEY] = True
        session[PENDING_SESSION_KEY] = {
            "user_id": device.user_id,
            "at": timezone.now().timestamp(),
        }
        session.save()
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post("/login/code/", {"code": f"{totp.token():06d}"})
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert response.status_code == 302, response.status_code
        assert response["Location"] != "/login/", "the code was refused"
        times.append(elapsed * 1000)
        cpu_times.append(cpu * 1000)
    return times[1:], cpu_times[1:]


def pages() -> dict:
    """name -> (visitor, timer). Visitors: anonymous, so (BENCHSO), user (BENCHUSER).

    A timer takes the visitor's client and the repeat count, and returns the times in ms.
    """
    from accounts.models import User
    from approvals.models import AccessRequest
    from approvals.routing import decidable_requests
    from approvals.seeding.bench import SO_USERNAME

    so = User.objects.get(username=SO_USERNAME)
    # The newest: the decision POST approves the oldest first.
    newest = decidable_requests(user=so).reverse()
    number = newest.values_list("tracking_number", flat=True).first()
    assert AccessRequest.objects.filter(tracking_number=number).exists(), "the queue is empty"
    return {
        "floor": ("anonymous", get("/bench/floor/")),
        "warning page": ("anonymous", get("/")),
        "sign-in page": ("anonymous", get("/login/")),
        "floor (so)": ("so", get("/bench/floor/")),
        "queue: first page": ("so", get("/approvals/")),
        "queue: last page": ("so", get("/approvals/?page=200")),
        "approve: request page": ("so", get(f"/approvals/{number}/")),
        "approve: decision POST": ("so", measure_approvals),
        "floor (user)": ("user", get("/bench/floor/")),
        "my profile": ("user", get("/profile/")),
        CODE_POST: ("anonymous", sign_in_code_posts),
    }


def bench_parser(description: str, *, repeat: int) -> argparse.ArgumentParser:
    """The options every in-process tool takes: how many times, and which database and cache."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/iacs_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
    return parser


def main() -> None:
    parser = bench_parser(__doc__.split("\n")[0], repeat=200)
    parser.add_argument("--pages", help="comma-separated names (default: all)")
    parser.add_argument("--profile", help="print this page's cProfile")
    parser.add_argument("--sql", help="print the statements of one more request of this page")
    options = parser.parse_args()
    configure(options.database_url, options.cache_url)

    from approvals.seeding.bench import SO_USERNAME, USER_USERNAME

    clients = {
        "anonymous": anonymous_client(),
        "so": signed_in_client(SO_USERNAME),
        "user": signed_in_client(USER_USERNAME),
    }
    floors = {"anonymous": "floor", "so": "floor (so)", "user": "floor (user)"}
    chosen = pages()
    if options.pages:
        names = options.pages.split(",")
        chosen = {name: chosen[name] for name in chosen if name in names or name in floors.values()}
    medians, cpu_medians = {}, {}
    print(f"{'page':32} {'p50 ms':>8} {'ratio':>6} {'cpu ms':>8} {'ratio':>6}")
    for name, (visitor, timer) in chosen.items():
        times, cpu_times = timer(clients[visitor], options.repeat)
        medians[name], cpu_medians[name] = statistics.median(times), statistics.median(cpu_times)
        ratio = medians[name] / medians[floors[visitor]]
        cpu_ratio = cpu_medians[name] / cpu_medians[floors[visitor]]
        print(
            f"{name:32} {medians[name]:8.2f} {ratio:6.2f} {cpu_medians[name]:8.2f} {cpu_ratio:6.2f}",
            flush=True,
        )
    if options.profile:
        visitor, timer = chosen[options.profile]
        profiler = cProfile.Profile()
        profiler.runcall(timer, clients[visitor], options.repeat)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    if options.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        visitor, timer = chosen[options.sql]
        with CaptureQueriesContext(connection) as captured:
            timer(clients[visitor], 0)  # the one request that warms up, none timed
        for query in captured.captured_queries:
            print(query["sql"])


if __name__ == "__main__":
    main()
