"""A national-scale synthetic dataset, written in batches (``manage.py seed_national``).

Organizations in every state and territory, their Security Officials, Backup Security Officials,
user groups with their administrators and end users, and pending requests spread over them.
Every row is valid as the services would write it: encrypted SSN and date of birth with their
keyed digest and last four digits, one shared password hash computed once (nobody signs in as a
synthetic person; the bench accounts of ``approvals.seeding.bench`` get their own). No audit
events are written for seeded rows: they are history the portal never made, and the queue and
the decision page read none to work (a request's history is then empty).
"""

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from accounts.geo import US_STATES_AND_TERRITORIES
from accounts.identity import ssn_digest
from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import Community, Organization, RoleAssignment, UserGroup
from organizations.roles import Role

from . import names

BATCH = 5000
# SSN ranges that never overlap: seeded accounts, seeded requests, bench persons (bench.py).
USER_SSN_BASE = 600_000_000
REQUEST_SSN_BASE = 700_000_000
EIN_BASE = 300_000_000


@dataclass(frozen=True)
class Scale:
    organizations: int = 100_000
    users: int = 300_000
    pending: int = 50_000
    queue: int = 5_000  # of ``pending``, in the bench Security Official's queue


def work_contact(organization: Organization) -> dict:
    """The professional contact fields of someone who works at ``organization``."""
    return {
        "company_name": organization.legal_name,
        "address_line1": organization.address_line1,
        "city": organization.city,
        "state": organization.state,
        "zip_code": organization.zip_code,
        "work_phone": "410-555-0100",
    }


class Seeder:
    def __init__(self, *, scale: Scale, out, seed: int = 2026):
        self.scale = scale
        self.out = out
        self.random = random.Random(seed)
        self.now = timezone.now()
        self.states = [code for code, _ in US_STATES_AND_TERRITORIES]
        self.state_weights = [names.STATE_WEIGHTS.get(code, 0.3) for code in self.states]
        self.communities = {c.slug: c for c in Community.objects.all()}
        # Nobody signs in as a synthetic person: one hash of a random throwaway, never kept.
        self.password_hash = make_password(None)

    def timed(self, label: str, function, *args):
        started = time.monotonic()
        result = function(*args)
        self.out(f"  {label}: {time.monotonic() - started:.1f}s")
        return result

    def run(self) -> None:
        organizations = self.timed("organizations", self.organizations)
        approved = [o for o in organizations if o.status == Organization.Status.APPROVED]
        groups = self.timed("user groups", self.groups, approved)
        self.timed("users and roles", self.users_and_roles, approved, groups)
        self.timed("pending requests", self.pending_requests, approved, groups)
        with connection.cursor() as cursor:
            self.timed("analyze", cursor.execute, "ANALYZE")

    # Organizations and groups

    def organization_name(self) -> str:
        pick = self.random.choice
        name = f"{pick(names.PLACES)} {pick(names.SPECIALTIES)}"
        if self.random.random() < 0.3:
            name = f"{pick(names.LAST_NAMES)} {name}"
        suffix = pick(names.SUFFIXES)
        return f"{name} {suffix}".strip()

    def organizations(self) -> list[Organization]:
        statuses = [Organization.Status.APPROVED] * 95 + [Organization.Status.PENDING] * 3
        statuses += [Organization.Status.SUSPENDED] * 2
        slugs = ["provider-supplier"] * 9 + [
            s for s in self.communities if s != "provider-supplier"
        ]
        rows = []
        for index in range(self.scale.organizations):
            state = self.random.choices(self.states, self.state_weights)[0]
            status = self.random.choice(statuses)
            rows.append(
                Organization(
                    legal_name=self.organization_name(),
                    ein=f"{EIN_BASE + index}",
                    address_line1=f"{self.random.randint(1, 9999)} {self.random.choice(names.STREETS)}",
                    city=self.random.choice(names.CITIES.get(state, names.DEFAULT_CITIES)),
                    state=state,
                    zip_code=f"{self.random.randint(601, 99950):05d}",
                    community=self.communities[self.random.choice(slugs)],
                    status=status,
                    created_at=self.now - timedelta(days=self.random.randint(30, 3000)),
                    approved_at=self.now if status != Organization.Status.PENDING else None,
                )
            )
        return Organization.objects.bulk_create(rows, batch_size=BATCH)

    def groups(self, approved: list[Organization]) -> list[UserGroup]:
        """About one group for every two approved organizations; a tenth surrogate."""
        rows, seen = [], set()
        for _ in range(len(approved) // 2):
            organization = self.random.choice(approved)
            name = self.random.choice(names.GROUP_NAMES)
            if (organization.pk, name) in seen:
                continue
            seen.add((organization.pk, name))
            surrogate = self.random.random() < 0.1
            company = {}
            if surrogate:
                company = {
                    "company_name": f"{self.random.choice(names.PLACES)} Billing Services",
                    "company_ein": f"{EIN_BASE - 1 - len(rows)}",
                    "company_address_line1": "9 Pier Road",
                    "company_city": "Towson",
                    "company_state": "MD",
                    "company_zip_code": "21204",
                    "company_phone": "410-555-0199",
                }
            rows.append(
                UserGroup(
                    organization=organization,
                    kind=UserGroup.Kind.SURROGATE if surrogate else UserGroup.Kind.PROVIDER,
                    name=name if not surrogate else f"{name} (outside)",
                    description="Seeded for the benchmark.",
                    status=UserGroup.Status.APPROVED,
                    approved_at=self.now,
                    **company,
                )
            )
        return UserGroup.objects.bulk_create(rows, batch_size=BATCH)

    # People

    def person(self, index: int, ssn_base: int) -> dict:
        first = self.random.choice(names.FIRST_NAMES)
        last = self.random.choice(names.LAST_NAMES)
        ssn = f"{ssn_base + index}"
        return {
            "first_name": first,
            "last_name": last,
            "date_of_birth": date(1950, 1, 1) + timedelta(days=self.random.randint(0, 18000)),
            "ssn": ssn,
            "ssn_last4": ssn[-4:],
            "ssn_digest": ssn_digest(ssn),
        }

    def users_and_roles(self, approved: list[Organization], groups: list[UserGroup]) -> None:
        """One SO per approved organization, then BSOs, one UGA per group, end users."""
        plan = [(Role.SECURITY_OFFICIAL, organization, None) for organization in approved]
        plan += [(Role.USER_GROUP_ADMINISTRATOR, None, group) for group in groups]
        bsos = max(0, (self.scale.users - len(plan)) // 5)
        plan += [
            (Role.BACKUP_SECURITY_OFFICIAL, self.random.choice(approved), None) for _ in range(bsos)
        ]
        plan += [
            (Role.END_USER, None, self.random.choice(groups))
            for _ in range(max(0, self.scale.users - len(plan)))
        ]
        plan = plan[: self.scale.users]
        for start in range(0, len(plan), BATCH):
            chunk = plan[start : start + BATCH]
            users = [
                self.user(start + offset, role, org, group)
                for offset, (role, org, group) in enumerate(chunk)
            ]
            User.objects.bulk_create(users)
            RoleAssignment.objects.bulk_create(
                RoleAssignment(
                    user=user,
                    role=role,
                    organization=organization or group.organization,
                    group=group,
                    granted_at=user.date_joined,
                )
                for user, (role, organization, group) in zip(users, chunk, strict=True)
            )

    def user(self, index: int, role: str, organization, group) -> User:
        person = self.person(index, USER_SSN_BASE)
        where = organization or group.organization
        username = f"{person['first_name'][0]}{person['last_name'][:5]}{index:06d}".upper()
        joined = self.now - timedelta(days=self.random.randint(1, 2000))
        return User(
            username=username,
            email=f"{username.lower()}@example.org",
            password=self.password_hash,
            **work_contact(where),
            date_joined=joined,
            last_login=self.now - timedelta(days=self.random.randint(0, 50)),
            **person,
        )

    # Requests

    def pending_requests(self, approved: list[Organization], groups: list[UserGroup]) -> None:
        """Requests elsewhere in the country; the bench queue's share is bench.py's."""
        count = self.scale.pending - self.scale.queue
        for start in range(0, count, BATCH):
            rows = []
            for index in range(start, min(start + BATCH, count)):
                if self.random.random() < 0.5:
                    rows.append(
                        self.request(
                            index, Role.BACKUP_SECURITY_OFFICIAL, self.random.choice(approved)
                        )
                    )
                else:
                    group = self.random.choice(groups)
                    rows.append(self.request(index, Role.END_USER, group.organization, group))
            AccessRequest.objects.bulk_create(rows)

    def request(self, index: int, role: str, organization, group=None, **fields) -> AccessRequest:
        person = self.person(index, REQUEST_SSN_BASE)
        submitted = self.now - timedelta(minutes=self.random.randint(1, 60 * 24 * 20))
        steps = ["terms", "role", "role-terms", "user-information", "verify-email", "contact"]
        steps += ["organization"] + (["user-group"] if group else []) + ["justification"]
        return AccessRequest(
            kind=AccessRequest.Kind.REGISTRATION,
            status=AccessRequest.Status.SUBMITTED,
            tracking_number=tracking_number(index),
            role=role,
            community=organization.community,
            organization=organization,
            group=group,
            email=f"{person['first_name']}.{person['last_name']}.{index}@example.org".lower(),
            **work_contact(organization),
            justification="I need this access for my duties.",
            completed_steps=steps,
            terms_accepted_at=submitted,
            role_terms_accepted_at=submitted,
            ssa_verified_at=submitted,
            created_at=submitted - timedelta(minutes=20),
            last_activity_at=submitted,
            submitted_at=submitted,
            **person,
            **fields,
        )


def tracking_number(index: int) -> str:
    """Distinct for every index (7919 is prime to 10**10), and random-looking."""
    digits = f"{(index * 7919 + 1234567) % 10**10:010d}"
    return f"IR-{digits[:5]}-{digits[5:]}"
