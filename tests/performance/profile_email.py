"""Time the cost of queuing and sending an email, in process, on the bench database.

    PYTHONPATH=. .venv/bin/python -m tests.performance.profile_email [--repeat 100]
        [--database-url postgres://...] [--cache-url redis://...] [--broker-url redis://...]
        [--profile post|deliver]

Two halves, as `make bench` runs them in two processes:

- **email step POST**: the registration step that queues the verification email
  (POST /register/user-information/), as a new person each time (the wizard's first steps
  walked untimed before it), against the anonymous floor. ``--broker-url`` is where the email
  is published on commit: a Redis database of yours ("broker up"), or a closed port ("broker
  down": the publish fails at once and the row waits for the redispatch).
- **deliver**: what the Celery task does for each of these emails (``delivery``'s claim, build,
  render, send and sent mark), called here in process, to a mail sink on a free port by SMTP:
  its median wall and CPU time and its SQL statements. The CPU time is this thread's: the sink
  runs in another thread of this process, and stands in for a mail server on another machine
  (``--profile deliver``'s times, by the same clock, leave it out too).

The messages published to the broker are purged at the end (the emails were delivered here).
A Celery worker running on the same broker meanwhile delivers them instead (then "deliver"
counts only what it left): a way to see what the worker's CPU costs the page.
"""

import contextlib
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from kombu.exceptions import OperationalError

from .profile_pages import anonymous_client, bench_parser, configure, measure_get
from .run import RATE_LIMITED, write_persons
from .services import free_port


def walk_to_user_information(client) -> None:
    """``client`` as a new visitor past the warning page and the wizard's first steps."""
    from http.cookies import SimpleCookie

    from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
    from tests.performance import portal

    client.cookies = SimpleCookie()
    session = client.session
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()
    for _label, address, data in portal.WIZARD_START:
        response = client.post(address, data)
        assert response.status_code == 302, (address, response.status_code)


def email_step(repeat: int, profiler: cProfile.Profile | None = None) -> tuple[list, list]:
    """The user-information POST's times (ms) and the verification ids it started."""
    from approvals.models import AccessRequest
    from tests.performance import portal

    client = anonymous_client()
    times, verifications = [], []
    for _ in range(repeat):
        walk_to_user_information(client)
        person = portal.next_person("profile")
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        response = client.post("/register/user-information/", person)
        times.append((time.perf_counter() - start) * 1000)
        if profiler:
            profiler.disable()
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/register/verify-email/"), response["Location"]
        draft = AccessRequest.objects.filter(email=person["email"]).latest("pk")
        verifications.append(draft.email_verification_id)
    return times, verifications


def deliver(verification_ids: list[int]) -> tuple[list[float], list[float], int]:
    """Deliver the queued verification emails here: wall ms, CPU ms, statements per email."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iacs_portal.outbox.delivery import SENT, outgoing_email_deliver
    from iacs_portal.outbox.models import OutgoingEmail

    ids = OutgoingEmail.objects.filter(
        event="email_verification",
        params__verification_id__in=verification_ids,
        status=OutgoingEmail.Status.QUEUED,
    ).values_list("pk", flat=True)
    walls, cpus, statements = [], [], 0
    for email_id in ids:
        wall, cpu = time.perf_counter(), time.thread_time()
        with CaptureQueriesContext(connection) as queries:
            outcome = outgoing_email_deliver(email_id=email_id)
        if outcome != SENT:  # a worker on the same broker took it meanwhile
            continue
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
        statements = len(queries)
    return walls, cpus, statements


def main() -> None:
    parser = bench_parser(__doc__.split("\n")[0], repeat=100)
    parser.add_argument("--broker-url", help="default: the cache's Redis (broker up)")
    parser.add_argument("--profile", choices=["post", "deliver"], help="print its cProfile")
    options = parser.parse_args()
    persons = Path(tempfile.mkdtemp()) / "ssa-persons.csv"
    write_persons(persons, options.repeat * 2 + 10)
    sink_port = free_port()
    configure(
        options.database_url,
        options.cache_url,
        CELERY_BROKER_URL=options.broker_url or options.cache_url,
        EMAIL_URL=f"smtp://127.0.0.1:{sink_port}",
        SSA_STUB_RECORDS=str(persons),
        BENCH_PERSONS=str(persons),
        **{f"RATE_LIMIT_{action.upper()}_RATE": "10000000" for action in RATE_LIMITED},
    )
    from iacs_portal.celery import app
    from iacs_portal.mailsink import serve

    sink = serve(host="127.0.0.1", port=sink_port, echo=False)
    try:
        floor = statistics.median(
            measure_get("/bench/floor/", anonymous_client(), options.repeat)[0]
        )
        email_step(3)  # warm up: templates, the broker's connection
        # The delivery's profile by this thread's CPU clock, as its times (not the sink's).
        profiler = cProfile.Profile(*[time.thread_time] * (options.profile == "deliver"))
        times, verifications = email_step(
            options.repeat, profiler if options.profile == "post" else None
        )
        post = statistics.median(times)
        if options.profile == "deliver":
            profiler.enable()
        walls, cpus, statements = deliver(verifications)
        profiler.disable()
    finally:
        with contextlib.suppress(OperationalError):  # the broker is down: nothing to purge
            app.control.purge()
        sink.stop()
    print(f"{'':32} {'p50 ms':>8} {'ratio':>6}")
    print(f"{'floor':32} {floor:8.2f} {1:6.2f}")
    print(f"{'email step POST':32} {post:8.2f} {post / floor:6.2f}")
    if walls:
        print(
            f"deliver ({len(walls)} emails here): wall p50 {statistics.median(walls):.2f} ms, "
            f"CPU p50 {statistics.median(cpus):.2f} ms, {statements} SQL statements"
        )
    if options.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
