"""The benchmark's dataset (manage.py seed_national), seeded small: rows the portal can use.

make bench seeds 100,000 organizations; here a few hundred, through the same code, checked for
what the benchmark relies on: the counts asked for, personal data encrypted as the services
write it, the bench accounts signing in with this run's password and authenticator key, and
the bench Security Official's queue.
"""

import io
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_otp.oath import totp

from accounts.identity import ssn_digest
from accounts.models import AuthenticatorApp, User
from approvals import routing
from approvals.models import AccessRequest
from approvals.seeding.bench import BENCH_EIN, SO_USERNAME, USER_USERNAME
from organizations.models import Organization, RoleAssignment

pytestmark = pytest.mark.django_db

PASSWORD = secrets.token_urlsafe(24)
TOTP_KEY = secrets.token_hex(20)
SMALL = {"organizations": 200, "users": 600, "pending": 90, "queue": 15, "sign_in_pool": 3}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_national", stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture
def bench_secrets(monkeypatch):
    monkeypatch.setenv("BENCH_PASSWORD", PASSWORD)
    monkeypatch.setenv("BENCH_TOTP_KEY", TOTP_KEY)


def test_it_refuses_to_run_without_this_runs_password_and_key(monkeypatch):
    monkeypatch.delenv("BENCH_PASSWORD", raising=False)
    monkeypatch.setenv("BENCH_TOTP_KEY", TOTP_KEY)
    with pytest.raises(CommandError, match="BENCH_PASSWORD"):
        seed()
    assert not Organization.objects.exists()


def test_the_counts_asked_for_with_every_state_and_encrypted_personal_data(bench_secrets):
    seed()
    national = Organization.objects.exclude(ein=BENCH_EIN)
    assert national.count() == SMALL["organizations"]
    assert national.values("state").distinct().count() > 20
    assert User.objects.filter(role_assignments__status="active").distinct().count() >= 600
    pending = AccessRequest.objects.filter(status=AccessRequest.Status.SUBMITTED)
    assert pending.count() >= SMALL["pending"]
    person = User.objects.exclude(ssn_digest="").order_by("pk").first()
    assert len(person.ssn) == 9 and person.ssn.isdigit()
    assert person.ssn_digest == ssn_digest(person.ssn)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, date_of_birth FROM accounts_user WHERE id = %s", [person.pk])
        stored_ssn, stored_birth = cursor.fetchone()
    assert person.ssn not in stored_ssn and str(person.date_of_birth.year) not in stored_birth


def test_the_bench_accounts_sign_in_with_this_runs_password_and_key(bench_secrets):
    seed()
    so, user = User.objects.get(username=SO_USERNAME), User.objects.get(username=USER_USERNAME)
    assert so.check_password(PASSWORD) and user.check_password(PASSWORD)
    assert PASSWORD not in so.password
    app = AuthenticatorApp.objects.get(user=so)
    assert app.verify_token(f"{totp(bytes.fromhex(TOTP_KEY)):06d}")
    assert RoleAssignment.objects.filter(
        user=so, role="so", organization__ein=BENCH_EIN, status="active"
    ).exists()


def test_the_bench_sos_queue_is_topped_up_and_a_second_run_seeds_nothing_more(bench_secrets):
    seed()
    so = User.objects.get(username=SO_USERNAME)
    assert routing.decidable_requests(user=so).count() == SMALL["queue"]
    organizations = Organization.objects.count()
    AccessRequest.objects.filter(pk__in=routing.decidable_requests(user=so)[:5]).update(
        status=AccessRequest.Status.APPROVED
    )

    output = seed()
    assert "already seeded" in output
    assert Organization.objects.count() == organizations
    so = User.objects.get(username=SO_USERNAME)  # a fresh object: its roles are read again
    assert routing.decidable_requests(user=so).count() == SMALL["queue"]
