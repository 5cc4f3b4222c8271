"""EXPLAIN ANALYZE the hot reads on a PostgreSQL database at national scale (a tool, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i9scale \\
    DJANGO_SETTINGS_MODULE=iacs_portal.settings.test \\
        .venv/bin/python -m tests.performance_queries.explain_at_scale [--seed]

``--seed`` fills an empty, migrated database with plain SQL (a minute, not the benchmark's
realistic seed): 100,000 organizations with varied names across every state, 300,000 users
with a role each, 50,000 pending requests of which 5,000 wait for one Security Official
(``SO000001``), and about 7,500 for the CMS approvers. Then each query below is run through ``EXPLAIN (ANALYZE, BUFFERS)`` a few times
and its best execution time and plan's top line printed. The numbers in ADR 18 come from here.
"""

import os
import re
import sys

import django

django.setup()

from django.db import connection  # noqa: E402

ORGANIZATIONS, USERS, PENDING, PENDING_FOR_ONE = 100_000, 300_000, 50_000, 5_000
WORDS = [
    "Harbor",
    "Valley",
    "Summit",
    "Riverside",
    "Lakeside",
    "Pioneer",
    "Cedar",
    "Maple",
    "Liberty",
    "Heritage",
    "Unity",
    "Grace",
    "Mercy",
    "Hope",
    "Bayview",
    "Northside",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Family",
    "Community",
    "Regional",
    "Pediatric",
    "Cardiology",
    "Orthopedic",
    "Dental",
    "Vision",
    "Wellness",
    "Rehab",
    "Home",
    "Hospice",
    "Senior",
    "Kidney",
]
KINDS = [
    "Clinic",
    "Hospital",
    "Medical",
    "Center",
    "Health",
    "Partners",
    "Associates",
    "Physicians",
    "Group",
    "Care",
]


def _fill(table: str, count: int, values: dict[str, str]) -> None:
    """INSERT ``count`` rows; columns not given get an empty value of their type (``g`` = 1..n)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        empty = {
            "boolean": "false",
            "jsonb": "'{}'::jsonb",
            "timestamp with time zone": "now()",
            "date": "current_date",
        }
        columns = {name: empty.get(kind, "0" if "int" in kind else "''") for name, kind in cursor}
        columns.update(values)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(columns.values())} FROM generate_series(1, {count}) g"
        )


def seed() -> None:
    with connection.cursor() as cursor:  # a throwaway database: start again from empty
        cursor.execute(
            "TRUNCATE approvals_accessrequest, organizations_roleassignment, "
            "organizations_usergroup, organizations_organization, accounts_user CASCADE"
        )
    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    kinds = "(ARRAY[" + ",".join(f"'{k}'" for k in KINDS) + "])"
    from accounts.geo import US_STATES_AND_TERRITORIES

    states = "(ARRAY[" + ",".join(f"'{c}'" for c, _ in US_STATES_AND_TERRITORIES) + "])"
    community = "(SELECT id FROM organizations_community WHERE slug = 'provider-supplier')"
    _fill(
        "organizations_organization",
        ORGANIZATIONS,
        {
            "legal_name": f"{words}[1 + g % {len(WORDS)}] || ' ' || {words}[1 + (g / 7) % "
            f"{len(WORDS)}] || ' ' || {kinds}[1 + (g / 3) % {len(KINDS)}] || ' ' || g",
            "ein": "lpad(g::text, 9, '0')",
            "state": f"{states}[1 + g % array_length({states}, 1)]",
            "country": "'US'",
            "community_id": community,
            # 9 in 10 approved, the rest pending, suspended or denied
            "status": "(ARRAY['approved','approved','approved','approved','approved','approved',"
            "'approved','approved','approved','pending','suspended'])[1 + g % 11]",
        },
    )
    _fill(
        "accounts_user",
        USERS,
        {
            "username": "'U' || lpad(g::text, 7, '0')",
            "first_name": "'First' || g",
            "last_name": "'Last' || g",
            "email": "'user' || g || '@example.org'",
            "is_active": "true",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET username = 'SO000001' WHERE username = 'U0000001'")
        cursor.execute("SELECT min(id) FROM organizations_organization")
        first_org = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM accounts_user")
        first_user = cursor.fetchone()[0]
    # One group per organization for the first 20,000 and ten for the SO's organization.
    _fill(
        "organizations_usergroup",
        20_010,
        {
            "organization_id": f"{first_org} + CASE WHEN g <= 10 THEN 0 ELSE g - 10 END",
            "kind": "'provider'",
            "name": "'Group ' || g",
            "status": "'approved'",
        },
    )
    # Every user holds a role: the first is the SO of the first organization.
    _fill(
        "organizations_roleassignment",
        USERS,
        {
            "user_id": f"{first_user} + g - 1",
            "role": "CASE WHEN g = 1 THEN 'so' WHEN g % 3 = 0 THEN 'bso' ELSE 'end_user' END",
            "organization_id": f"{first_org} + (g - 1) % {ORGANIZATIONS}",
            "status": "'active'",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM organizations_usergroup")
        first_group = cursor.fetchone()[0]
    # 50,000 pending: the first 5,000 the SO's (BSO requests on the organization and UGA
    # requests in its ten groups), the rest spread over the other organizations; and as many
    # decided ones, which the queue must skip.
    _fill(
        "approvals_accessrequest",
        PENDING * 2,
        {
            "kind": "'registration'",
            "status": f"CASE WHEN g <= {PENDING} THEN 'submitted' "
            "WHEN g % 2 = 0 THEN 'approved' ELSE 'denied' END",
            "tracking_number": "'IR-' || lpad((g / 100000)::text, 5, '0') || '-' "
            "|| lpad((g % 100000)::text, 5, '0')",
            # Outside the SO's queue, 1 in 10 asks for a Security Official's role and 1 in 20
            # is a practitioner: the CMS approvers' queue.
            "role": f"CASE WHEN g <= {PENDING_FOR_ONE} THEN "
            "(CASE WHEN g % 2 = 0 THEN 'uga' ELSE 'bso' END) "
            "WHEN g % 10 = 0 THEN 'so' WHEN g % 20 = 1 THEN 'individual_practitioner' "
            "ELSE 'bso' END",
            "organization_id": f"CASE WHEN g <= {PENDING_FOR_ONE} THEN {first_org} "
            f"ELSE {first_org} + 1 + g % ({ORGANIZATIONS} - 1) END",
            "group_id": f"CASE WHEN g <= {PENDING_FOR_ONE} AND g % 2 = 0 "
            f"THEN {first_group} + g % 10 END",
            "first_name": "'Pat'",
            "last_name": "'Applicant' || g",
            "email": "'applicant' || g || '@example.org'",
            "community_id": community,
            "submitted_at": "now() - (g || ' minutes')::interval",
            "completed_steps": "'[]'::jsonb",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _explain(label: str, queryset_or_sql, params=(), runs: int = 5) -> None:
    if isinstance(queryset_or_sql, str):
        sql = queryset_or_sql
    else:
        sql, params = queryset_or_sql.query.sql_with_params()
    best, plan = None, []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            took = float(plan[-1].split(":")[1].split()[0])
            best = took if best is None else min(best, took)
    scans = sorted(
        set(
            re.findall(
                r"(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan)"
                r"(?: using \w+)? on \w+",
                "\n".join(plan),
            )
        )
    )
    print(f"{label:48} {best:9.2f} ms   {'; '.join(scans)[:150]}")


def explain_all() -> None:
    from django.core.paginator import Paginator

    from accounts.models import User
    from approvals.selectors import queue_filter
    from organizations.selectors import _search_scope, organization_search

    so = User.objects.get(username="SO000001")
    for name in ("harbor", "cardio", "valley med", "zzz"):
        criteria = {"name": name, "country": "US", "state": "MD"}
        _explain(f"search '{name}' MD: first 50", organization_search(**criteria)[:50])
        _explain(f"search '{name}' MD: count", organization_search(**criteria).values("pk"))
        _explain(
            f"search '{name}' MD: unselectable count",
            _search_scope(**criteria).filter(status__in=["pending", "suspended"]).values("pk"),
        )
    from organizations.models import Organization

    for name in ("harbor pedia", "cardio"):  # the whole country: where the state narrows nothing
        nationwide = Organization.objects.filter(status="approved", legal_name__icontains=name)
        _explain(f"search '{name}', any state: first 50", nationwide.order_by("legal_name")[:50])
    queue = queue_filter(user=so)
    pages = Paginator(queue, 25)
    sql, params = queue.order_by().values("pk").query.sql_with_params()
    _explain("queue: count", f"SELECT count(*) FROM ({sql}) q", params)
    ids = queue.values_list("pk", flat=True)  # as QueueView pages: ids first, then 25 rows
    _explain("queue: first page (ids)", ids[:25])
    _explain("queue: last page (ids)", ids[(pages.num_pages - 1) * 25 : pages.num_pages * 25])
    newest = queue_filter(user=so, sort="newest").values_list("pk", flat=True)
    _explain("queue: newest first, page 100 (ids)", newest[2475:2500])
    by_name = queue_filter(user=so, sort="applicant").values_list("pk", flat=True)
    _explain("queue: by applicant, first page (ids)", by_name[:25])
    _explain("queue: the page's 25 rows", queue.filter(pk__in=list(ids[4975:5000])))
    _explain("queue, rows joined before paging: last page", queue[4975:5000])
    # A CMS approver's queue: every pending Security Official and practitioner request.
    staff = User.objects.get(username="U0000002")
    if not staff.is_superuser:
        User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
        staff = User.objects.get(pk=staff.pk)
    staff_queue = queue_filter(user=staff)
    sql, params = staff_queue.order_by().values("pk").query.sql_with_params()
    _explain("CMS approver's queue: count", f"SELECT count(*) FROM ({sql}) q", params)
    _explain("CMS approver's queue: first page (ids)", staff_queue.values_list("pk")[:25])

    from organizations.permissions import removable_assignments

    removable = removable_assignments(user=so)
    _explain("manage roles: count", removable.values("pk"))
    _explain("manage roles: first page", removable[:25])
    _explain("my profile: roles", so.role_assignments.select_related("organization", "group"))
    _explain(
        "sign-in: username iexact",
        User.objects.filter(username__iexact="u0123456").order_by("pk")[:1],
    )
    _explain("forgot user id: email iexact", User.objects.filter(email__iexact="USER5@example.org"))
    from organizations.selectors import pending_requests

    organization = Organization.objects.order_by("pk").first()
    _explain("organization pending_requests: count", pending_requests(organization=organization))


if __name__ == "__main__":
    if "--seed" in sys.argv:
        seed()
    print(os.environ.get("DATABASE_URL", ""))
    explain_all()
