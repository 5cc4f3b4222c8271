"""Time pages in process against the seeded bench database (a tool for speeding a page up).

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_pages [--repeat 200]
        [--pages floor,queue,...] [--profile queue] [--database-url postgres://...]

`make bench` measures through gunicorn and locust, with the noise of a whole machine; this
measures one page at a time with Django's test client, in one process, on the same data
(``iacs_bench``, seeded by `make bench`, whose keys are read from var/bench-keys.env) and with
the same settings (tests.performance.settings), and prints each page's median and its ratio to
the floor of the same visitor. ``--profile NAME`` prints that page's cProfile, by cumulative
time. Pages only read here: nothing is approved, submitted or sent; the one exception is
"sign-in: code POST" (below), which signs the bench's sign-in accounts in.

Beside the wall-clock median, "cpu ms" is this process's CPU time (the median too): on a
machine shared with other work the wall clock waits for the CPU, the CPU time much less, so it
shows a change in Python's work more steadily. It leaves out PostgreSQL's own time: check the
queries with EXPLAIN ANALYZE.

"sign-in: code POST" is the second step of sign-in as the bench measures it: each POST is a
new sign-in of the next ``BENCHSI`` account whose authenticator has not accepted this 30-second
step's code yet, with that code, computed from the device's key as the app would. The first
step's outcome is put in the session beforehand (the user's id and the time, what the password
step writes: its Argon2 check is measured apart, by the bench), so the POST runs the view,
the code check, the sign-in and its redirect, as in production; only the test client's CSRF
check is off, as for every page here.
"""

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from .run import RATE_LIMITED

ROOT = Path(__file__).resolve().parents[2]


def configure(database_url: str, cache_url: str) -> None:
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
        CELERY_BROKER_URL=cache_url,  # nothing is queued or sent: these pages only read
        EMAIL_URL="smtp://127.0.0.1:1",
    )
    for action in RATE_LIMITED:  # as in the bench: every request comes from one address
        os.environ[f"RATE_LIMIT_{action.upper()}_RATE"] = "10000000"
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
    client = Client()
    client.force_login(user, backend="accounts.backends.UserIdBackend")
    session = client.session
    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()
    return client


def anonymous_client():
    from django.test import Client

    from accounts.middleware import PORTAL_ENTERED_SESSION_KEY

    client = Client()
    session = client.session
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()
    return client


def pages() -> dict:
    """name -> (visitor, address). Visitors: anonymous, so (BENCHSO), user (BENCHUSER)."""
    from accounts.models import User
    from approvals.models import AccessRequest
    from approvals.routing import decidable_requests
    from approvals.seeding.bench import SO_USERNAME

    so = User.objects.get(username=SO_USERNAME)
    number = decidable_requests(user=so).values_list("tracking_number", flat=True).first()
    assert AccessRequest.objects.filter(tracking_number=number).exists(), "the queue is empty"
    return {
        "floor": ("anonymous", "/bench/floor/"),
        "warning page": ("anonymous", "/"),
        "sign-in page": ("anonymous", "/login/"),
        "floor (so)": ("so", "/bench/floor/"),
        "queue: first page": ("so", "/approvals/"),
        "queue: last page": ("so", "/approvals/?page=200"),
        "approve: request page": ("so", f"/approvals/{number}/"),
        "floor (user)": ("user", "/bench/floor/"),
        "my profile": ("user", "/profile/"),
        CODE_POST: ("anonymous", "/login/code/"),
    }


def timed(name: str, client, address: str, repeat: int) -> tuple[list[float], list[float]]:
    if name == CODE_POST:
        return sign_in_code_posts(repeat)
    return measure(client, address, repeat)


def measure(client, address: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` GETs."""
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        client.get(address)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    return times, cpu_times


CODE_POST = "sign-in: code POST"


def sign_in_code_posts(repeat: int) -> tuple[list[float], list[float]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--pages", help="comma-separated names (default: all)")
    parser.add_argument("--profile", help="print this page's cProfile")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/iacs_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
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
    for name, (visitor, address) in chosen.items():
        times, cpu_times = timed(name, clients[visitor], address, options.repeat)
        medians[name], cpu_medians[name] = statistics.median(times), statistics.median(cpu_times)
        ratio = medians[name] / medians[floors[visitor]]
        cpu_ratio = cpu_medians[name] / cpu_medians[floors[visitor]]
        print(
            f"{name:32} {medians[name]:8.2f} {ratio:6.2f} {cpu_medians[name]:8.2f} {cpu_ratio:6.2f}",
            flush=True,
        )
    if options.profile:
        visitor, address = chosen[options.profile]
        profiler = cProfile.Profile()
        profiler.runcall(timed, options.profile, clients[visitor], address, options.repeat)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
