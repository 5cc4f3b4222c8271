"""The accounts and the queue the load test uses, refreshed before every benchmark run.

- ``BENCHSO``: the Security Official of the bench organization, whose queue holds ``queue``
  pending requests (topped up to that number on every run, since the run approves some);
- ``BENCHUSER``: an end user in one of its groups, for My Profile (no two-factor);
- ``BENCHSI0001``...: Backup Security Officials of the bench organization, the pool the sign-in
  scenario signs in as. An authenticator accepts each code once (``last_t``), so each sign-in
  uses the next account of the pool.

Their password and authenticator key come from the harness (generated per run, never kept in
the repository); only the password's hash and the encrypted key are stored.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    AuthenticationAnswer,
    AuthenticationQuestion,
    AuthenticatorApp,
    LoginFailure,
    User,
)
from accounts.services import normalise_answer
from approvals.models import AccessRequest
from organizations.models import Community, Organization, RoleAssignment, UserGroup
from organizations.roles import Role

from .national import Seeder

BENCH_EIN = "290000001"
BENCH_ORGANIZATION = "Potomac Bench Memorial Health System"
BENCH_STATE = "DC"  # the wizard's searches never look here, so nobody else asks to join it
SO_USERNAME = "BENCHSO"
USER_USERNAME = "BENCHUSER"
SIGN_IN_POOL_PREFIX = "BENCHSI"
BENCH_GROUPS = ("Billing Office", "Front Desk")
QUEUE_PERSON_OFFSET = 2_000_000  # SSNs of the queue's applicants: past the national requests'


def sign_in_pool_usernames(size: int) -> list[str]:
    return [f"{SIGN_IN_POOL_PREFIX}{number:04d}" for number in range(1, size + 1)]


def bench_organization() -> Organization:
    organization, _ = Organization.objects.get_or_create(
        ein=BENCH_EIN,
        defaults={
            "legal_name": BENCH_ORGANIZATION,
            "address_line1": "1 Bench Plaza",
            "city": "Washington",
            "state": BENCH_STATE,
            "zip_code": "20001",
            "community": Community.objects.get(slug="provider-supplier"),
            "status": Organization.Status.APPROVED,
            "approved_at": timezone.now(),
        },
    )
    for name in BENCH_GROUPS:
        UserGroup.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={"kind": UserGroup.Kind.PROVIDER, "status": UserGroup.Status.APPROVED},
        )
    return organization


def _account(username: str, role: str, organization, group=None) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": "Bench",
            "last_name": username.title(),
            "email": f"{username.lower()}@bench.example.org",
            "company_name": organization.legal_name,
        },
    )
    RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        group=group,
        status=RoleAssignment.Status.ACTIVE,
    )
    return user


@transaction.atomic
def bench_accounts_refresh(*, password: str, totp_key: str, pool_size: int) -> list[User]:
    """Make the bench accounts, or reset them: this run's password and key, nothing locked."""
    organization = bench_organization()
    group = UserGroup.objects.get(organization=organization, name=BENCH_GROUPS[0])
    users = [_account(SO_USERNAME, Role.SECURITY_OFFICIAL, organization)]
    users.append(_account(USER_USERNAME, Role.END_USER, organization, group))
    users += [
        _account(username, Role.BACKUP_SECURITY_OFFICIAL, organization)
        for username in sign_in_pool_usernames(pool_size)
    ]
    ids = [user.pk for user in users]
    User.objects.filter(pk__in=ids).update(
        password=make_password(password),
        must_change_password=False,
        locked_until=None,
        disabled_for_inactivity_at=None,
        is_active=True,
        last_login=timezone.now(),
    )
    LoginFailure.objects.filter(user_id__in=ids).delete()
    AuthenticatorApp.objects.filter(user_id__in=ids).delete()
    AuthenticatorApp.objects.bulk_create(
        AuthenticatorApp(user=user, name="Bench app", confirmed=True, key=totp_key)
        for user in users
        if user.username != USER_USERNAME
    )
    questions = list(AuthenticationQuestion.objects.filter(is_active=True)[:2])
    answer_hash = make_password(normalise_answer("bench"))
    AuthenticationAnswer.objects.filter(user_id__in=ids).delete()
    AuthenticationAnswer.objects.bulk_create(
        AuthenticationAnswer(user=user, question=question, answer_hash=answer_hash)
        for user in users
        for question in questions
    )
    return users


@transaction.atomic
def bench_queue_top_up(*, size: int, out) -> int:
    """Bring the bench SO's pending requests back to ``size``; returns how many were made."""
    organization = bench_organization()
    pending = AccessRequest.objects.filter(
        organization=organization, status=AccessRequest.Status.SUBMITTED
    )
    missing = size - pending.count()
    if missing <= 0:
        return 0
    # Each applicant a new person: an approval makes their account (one per SSN).
    offset = (
        QUEUE_PERSON_OFFSET
        + AccessRequest.objects.filter(
            organization=organization, tracking_number__isnull=False
        ).count()
    )
    groups = list(UserGroup.objects.filter(organization=organization))
    seeder = Seeder(scale=None, out=out, seed=offset)
    numbers = _free_tracking_numbers(missing, seed=offset)
    rows = []
    for index, number in zip(range(offset, offset + missing), numbers, strict=True):
        join = index % 5 == 0  # a fifth ask to administer one of its groups
        rows.append(
            seeder.request(
                index,
                Role.USER_GROUP_ADMINISTRATOR if join else Role.BACKUP_SECURITY_OFFICIAL,
                organization,
                groups[index % len(groups)] if join else None,
                group_action=AccessRequest.GroupAction.JOIN if join else "",
            )
        )
        rows[-1].tracking_number = number
    # Spread over the last 13 days: younger than the BSO escalation, so the queue is the SO's.
    now = timezone.now()
    for position, row in enumerate(rows):
        row.submitted_at = now - timedelta(minutes=1 + position * 13 * 24 * 60 // max(missing, 1))
        row.last_activity_at = row.submitted_at
    AccessRequest.objects.bulk_create(rows, batch_size=5000)
    return missing


def _free_tracking_numbers(count: int, *, seed: int) -> list[str]:
    chooser = random.Random(seed)
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = count - len(numbers)
        candidates = set()
        while len(candidates) < wanted:
            digits = f"{chooser.randrange(10**10):010d}"
            candidates.add(f"IR-{digits[:5]}-{digits[5:]}")
        taken = set(
            AccessRequest.objects.filter(tracking_number__in=candidates).values_list(
                "tracking_number", flat=True
            )
        )
        numbers |= candidates - taken
    return sorted(numbers)[:count]
