"""Time pages in process against the seeded bench database (a tool for speeding a page up).

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_pages [--repeat 200]
        [--pages floor,queue,...] [--profile queue] [--database-url postgres://...]

`make bench` measures through gunicorn and locust, with the noise of a whole machine; this
measures one page at a time with Django's test client, in one process, on the same data
(``iacs_bench``, seeded by `make bench`, whose keys are read from var/bench-keys.env) and with
the same settings (tests.performance.settings), and prints each page's median and its ratio to
the floor of the same visitor. ``--profile NAME`` prints that page's cProfile, by cumulative
time. Pages only read here: nothing is approved, submitted or sent.
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

ROOT = Path(__file__).resolve().parents[2]


def configure(database_url: str, cache_url: str, **environment: str) -> None:
    """Django set up on the bench database; ``environment`` adds or replaces variables."""
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
    }


def measure(client, address: str, repeat: int) -> list[float]:
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(address)
        times.append((time.perf_counter() - start) * 1000)
    return times


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
    medians = {}
    print(f"{'page':32} {'p50 ms':>8} {'ratio':>6}")
    for name, (visitor, address) in chosen.items():
        medians[name] = statistics.median(measure(clients[visitor], address, options.repeat))
        ratio = medians[name] / medians[floors[visitor]]
        print(f"{name:32} {medians[name]:8.2f} {ratio:6.2f}", flush=True)
    if options.profile:
        visitor, address = chosen[options.profile]
        profiler = cProfile.Profile()
        profiler.runcall(measure, clients[visitor], address, options.repeat)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
