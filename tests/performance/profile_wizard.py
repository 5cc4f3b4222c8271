"""Walk the registration wizard in process and time each step (a tool for speeding one up).

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_wizard [--repeat 40]
        [--profile "reg: review POST"] [--sql "reg: organization POST"]
        [--database-url postgres://...]

Walks the wizard ``--repeat`` times (after one warm-up walk that records each request's SQL) as a
new Backup Security Official, as the locustfile's Registration does, and times each step's GET
and POST apart ("reg: review POST", ...), in wall and CPU time, against the anonymous floor
requested before each step by a client of its own; ``--profile NAME`` profiles that request
in every walk (and keeps it in var/profile/last.prof), ``--sql NAME`` prints its SQL.

The walks write to the database, as real registrations do: each submits a request (so use a
copy of the bench database, ``--database-url``). The SSA stub's CSV is made for the run
(var/profile/ssa-persons.csv). The outbox hands its emails to the broker at the ``--cache-url``
Redis database, where no worker listens, as in production with the broker up; the verification
code is read from the email, delivered after the POST and outside its time with the locmem mail
backend. The tasks left in that Redis database are removed at the end.
"""

import cProfile
import pstats
import random
import statistics
import time
from collections import defaultdict
from functools import partial
from urllib.parse import urlencode

from .profile_pages import ROOT, anonymous_client, bench_parser, configure

PROFILE = ROOT / "var" / "profile" / "last.prof"


def _post_form(client, address: str, data: dict):
    return client.post(address, urlencode(data), content_type="application/x-www-form-urlencoded")


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
        if method == "post":  # form-encoded, as locust's client posts (the test client's
            # default, multipart, costs the page a parser it never runs under the benchmark)
            call = partial(_post_form, client)
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
    parser = bench_parser(__doc__.split("\n")[0], repeat=40)
    parser.add_argument("--profile", help="print this request's cProfile")
    parser.add_argument("--sql", help="print this request's SQL (in the warm-up walk)")
    options = parser.parse_args()
    configure(options.database_url, options.cache_url, persons=options.repeat + 1)
    walk_wizard(options.repeat, profile=options.profile, sql=options.sql)


if __name__ == "__main__":
    main()
