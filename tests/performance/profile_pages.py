"""Time pages in process against the seeded bench database (a tool for speeding a page up).

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_pages [--repeat 200]
        [--pages floor,queue,...] [--profile queue] [--database-url postgres://...]

`make bench` measures through gunicorn and locust, with the noise of a whole machine; this
measures one page at a time with Django's test client, in one process, on the same data
(``iacs_bench``, seeded by `make bench`, whose keys are read from var/bench-keys.env) and with
the same settings (tests.performance.settings), and prints each page's median and its ratio to
the floor of the same visitor. ``--profile NAME`` prints that page's cProfile, by cumulative
time. These pages only read: nothing is approved, submitted or sent.

``--wizard N`` walks the registration wizard N times instead, as a new Backup Security Official
(the locustfile's Registration), and times each step's GET and POST apart ("reg: review POST",
...) against the anonymous floor; ``--profile "reg: review POST"`` profiles that request in
every walk. The walks write to the database, as real registrations do: each submits a request
(so use your own copy of the bench database). The SSA stub's CSV is made for the run
(var/profile/ssa-persons.csv). The outbox hands its emails to the broker at CELERY_BROKER_URL
(default: the cache's Redis, where no worker listens), as in production with the broker up; the
verification code is read from the email, delivered after the POST and outside its time with
the locmem mail backend. The tasks left in that Redis database are removed at the end.
"""

import argparse
import cProfile
import logging
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERSONS = ROOT / "var" / "profile" / "ssa-persons.csv"
PROFILE = ROOT / "var" / "profile" / "last.prof"


def configure(database_url: str, cache_url: str, *, persons: int = 0) -> None:
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
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", cache_url),
        EMAIL_URL="smtp://127.0.0.1:1",
    )
    if persons:
        from .run import RATE_LIMITED, write_persons

        PERSONS.parent.mkdir(parents=True, exist_ok=True)
        write_persons(PERSONS, persons)
        os.environ.update(SSA_STUB_RECORDS=str(PERSONS), BENCH_PERSONS=str(PERSONS))
        for action in RATE_LIMITED:  # every walk comes from the one test client's address
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


class WizardWalk:
    """One new Backup Security Official through the wizard, as the locustfile's Registration.

    Each request is timed into ``times`` under its name in the bench's table, and the CPU time
    this process spent on it (the database's not included: steadier when the machine is
    shared) into ``cpu``. Before each, ``floor_client`` (when given) requests the floor, timed
    as "floor": the floor is measured as often as the steps, in the same conditions (a step
    comes once in a walk, not warmed by the same request just before). ``profile`` names the
    request to run under ``profiler``; ``queries`` (when given) gets each one's SQL.
    """

    def __init__(self, client, times, cpu, *, chooser, floor_client=None, **options):
        self.client = anonymous_client(client)
        self.times, self.cpu, self.chooser, self.floor_client = times, cpu, chooser, floor_client
        self.profile = options.get("profile")
        self.profiler = options.get("profiler")
        self.queries = options.get("queries")

    def timed(self, name: str, client, method: str, address: str, data=None):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = getattr(client, method)
        captured = CaptureQueriesContext(connection) if self.queries is not None else None
        start, cpu = time.perf_counter(), time.process_time()
        if captured is not None:
            with captured:
                response = call(address, data or {})
            self.queries[name] = [query["sql"] for query in captured.captured_queries]
        elif name == self.profile:
            response = self.profiler.runcall(call, address, data or {})
        else:
            response = call(address, data or {})
        self.times[name].append((time.perf_counter() - start) * 1000)
        self.cpu[name].append((time.process_time() - cpu) * 1000)
        return response

    def request(self, name: str, method: str, address: str, data=None, *, expect=None):
        """One request, timed; a POST must redirect onward (to ``expect`` when given)."""
        if self.floor_client is not None:
            self.timed("floor", self.floor_client, "get", "/bench/floor/")
        response = self.timed(name, self.client, method, address, data)
        if method == "get":
            assert response.status_code == 200, (name, response.status_code)
        else:
            target = response.get("Location", "")
            assert response.status_code == 302 and target != address, (name, "not accepted")
            assert target.startswith(expect or ""), (name, "went to", target)
        return response

    def step(self, label: str, address: str, data: dict, **kwargs):
        self.request(f"reg: {label} GET", "get", address)
        return self.request(f"reg: {label} POST", "post", address, data, **kwargs)

    def run(self) -> None:
        from . import portal

        for label, address, data in portal.WIZARD_START:
            self.step(label, address, data)
        person = portal.next_person("profile")
        self.step(
            "user information",
            "/register/user-information/",
            person,
            expect="/register/verify-email/",
        )
        code = verification_code(person["email"])
        self.step("verify email", "/register/verify-email/", {"code": code})
        contact = {**portal.CONTACT, "work_email": person["email"]}
        self.step("contact", "/register/contact/", contact)
        self.request("reg: organization GET", "get", "/register/organization/")
        for _ in range(20):
            search = portal.search_terms(self.chooser)
            found = self.request(
                "reg: organization search", "get", "/register/organization/", search
            )
            choices = portal.CHOICE.findall(found.content.decode())
            if choices:
                break
        else:
            raise RuntimeError("twenty searches found no organization")
        choice = {**search, "organization": self.chooser.choice(choices)}
        self.request("reg: organization POST", "post", "/register/organization/", choice)
        justification = {"justification": "I back up our Security Official."}
        self.step("justification", "/register/justification/", justification)
        self.step("review", "/register/review/", {}, expect="/register/ack")
        self.request("reg: acknowledgement GET", "get", "/register/acknowledgement/")


def verification_code(email: str) -> str:
    """The code in the verification email to ``email``, delivered now, outside any timing."""
    from django.core import mail

    from iacs_portal.outbox.delivery import outgoing_email_deliver
    from iacs_portal.outbox.models import OutgoingEmail

    from . import portal

    queued = OutgoingEmail.objects.filter(event="email_verification", recipients=email)
    outgoing_email_deliver(email_id=queued.latest("pk").pk)
    return portal.CODE_PATTERN.search(mail.outbox.pop().body).group(1)


def walk_wizard(walks: int, *, profile: str | None, sql: str | None) -> None:
    """Walk the wizard ``walks`` times after one warm-up walk that counts each step's queries."""
    from django.conf import settings
    from django.core import mail
    from django.test import Client

    from iacs_portal.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    chooser = random.Random(9)  # the same searches in every run, so that runs compare
    profiler = cProfile.Profile()
    queries: dict[str, list[str]] = {}
    client = Client()
    WizardWalk(client, defaultdict(list), defaultdict(list), chooser=chooser, queries=queries).run()
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    floor_client = anonymous_client()
    floor_client.get("/bench/floor/")  # its handler's middleware loaded
    for _ in range(walks):
        WizardWalk(
            client,
            times,
            cpu,
            chooser=chooser,
            floor_client=floor_client,
            profile=profile,
            profiler=profiler,
        ).run()
    app.control.purge()  # the walks' emails, handed to a broker where no worker listens
    floor, floor_cpu = statistics.median(times["floor"]), statistics.median(cpu["floor"])
    print(f"{'step':32} {'p50 ms':>8} {'ratio':>6} {'CPU ms':>8} {'ratio':>6} {'queries':>7}")
    for name in ["floor", *sorted(name for name in times if name != "floor")]:
        median, median_cpu = statistics.median(times[name]), statistics.median(cpu[name])
        print(
            f"{name:32} {median:8.2f} {median / floor:6.2f} {median_cpu:8.2f} "
            f"{median_cpu / floor_cpu:6.2f} {len(queries.get(name, '')):>7}"
        )
    for query in queries.get(sql, ()):
        print(query)
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        profiler.dump_stats(PROFILE)  # for a closer look: python -m pstats var/profile/last.prof


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--pages", help="comma-separated names (default: all)")
    parser.add_argument("--profile", help="print this page's (or wizard request's) cProfile")
    parser.add_argument("--sql", help="with --wizard: print this request's SQL (in the first walk)")
    parser.add_argument(
        "--wizard", type=int, metavar="WALKS", help="walk the registration wizard WALKS times"
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/iacs_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
    options = parser.parse_args()
    configure(options.database_url, options.cache_url, persons=(options.wizard or 0) + 1)
    if options.wizard:
        walk_wizard(options.wizard, profile=options.profile, sql=options.sql)
        return

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
