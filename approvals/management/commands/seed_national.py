"""Seed a national-scale dataset for the benchmark, and refresh the bench accounts.

    BENCH_PASSWORD=... BENCH_TOTP_KEY=<40 hex> manage.py seed_national [--reset]

The bulk data (approvals.seeding.national) is written once: a database that holds it is left
alone unless ``--reset``, which empties the tables first. The bench accounts and the bench
Security Official's queue (approvals.seeding.bench) are refreshed on every call, with the
password and authenticator key of this run (from the environment, never from the command line,
which other users of the machine can read).
"""

import os
import re
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import User
from approvals.seeding.bench import (
    SO_USERNAME,
    bench_accounts_refresh,
    bench_queue_top_up,
)
from approvals.seeding.national import Scale, Seeder
from organizations.models import Organization

# Emptied by --reset (CASCADE reaches what refers to them: roles, requests, devices, mail).
RESET_TABLES = ["organizations_organization", "accounts_user", "accounts_emailverification"]


class Command(BaseCommand):
    help = "Seed 100,000 organizations, 300,000 users and 50,000 pending requests (benchmark)."

    def add_arguments(self, parser):
        scale = Scale()
        parser.add_argument("--organizations", type=int, default=scale.organizations)
        parser.add_argument("--users", type=int, default=scale.users)
        parser.add_argument("--pending", type=int, default=scale.pending)
        parser.add_argument("--queue", type=int, default=scale.queue)
        parser.add_argument("--sign-in-pool", type=int, default=400)
        parser.add_argument(
            "--reset", action="store_true", help="empty the seeded tables and seed again"
        )

    def handle(self, *args, **options):
        password = os.environ.get("BENCH_PASSWORD", "")
        totp_key = os.environ.get("BENCH_TOTP_KEY", "")
        if len(password) < 15 or not re.fullmatch(r"[0-9a-f]{40}", totp_key):
            raise CommandError(
                "Set BENCH_PASSWORD (15+ characters) and BENCH_TOTP_KEY (40 hex digits) in the "
                "environment: the bench accounts' password and authenticator key for this run."
            )
        scale = Scale(
            organizations=options["organizations"],
            users=options["users"],
            pending=options["pending"],
            queue=options["queue"],
        )
        started = time.monotonic()
        if options["reset"]:
            self._reset()
        if Organization.objects.exclude(ein__startswith="29").exists():
            self.stdout.write("National data already seeded (use --reset to seed again).")
        else:
            self.stdout.write(
                f"Seeding {scale.organizations:,} organizations, {scale.users:,} users, "
                f"{scale.pending:,} pending requests:"
            )
            with transaction.atomic():
                Seeder(scale=scale, out=self.stdout.write).run()
        users = bench_accounts_refresh(
            password=password, totp_key=totp_key, pool_size=options["sign_in_pool"]
        )
        made = bench_queue_top_up(size=scale.queue, out=self.stdout.write)
        # Fresh statistics and visibility maps, as autovacuum keeps them in a running database:
        # without the statistics the planner takes the bench organization, made just now, for
        # one with no requests; without the maps no index-only scan (the queue's, ADR 18).
        # (VACUUM cannot run inside a transaction, as in a test: there, the statistics only.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            f"Bench accounts ready ({len(users)}; {SO_USERNAME} with {scale.queue:,} pending, "
            f"{made:,} added now). Total {time.monotonic() - started:.1f}s; "
            f"{User.objects.count():,} users in the database."
        )

    def _reset(self):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(RESET_TABLES)} RESTART IDENTITY CASCADE")
        self.stdout.write("Emptied the seeded tables.")
