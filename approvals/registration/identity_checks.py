"""Who the person at the user information step already is to the portal (SPEC 1: one account,
one registration a person): both asked in one statement (issue 9).

The step asks, by the SSN's digest, for an account (whose holder is told by email) and for a
registration waiting for approval. Each was its own statement, compiled once (both reads
are kept in tests/approvals/test_identity_checks.py): one round trip each on every user
information POST. Here they are one, written by hand (only quoted names go in; every value is
a parameter), and that test holds its answer equal to theirs for every kind of row.
"""

from functools import cache
from typing import NamedTuple

from django.db import connection

from accounts.models import User
from iacs_portal.compiled_reads import prepared

from ..models import AccessRequest


class KnownPerson(NamedTuple):
    account: User | None  # only its id and address read, the rest deferred, as only("email")
    registration_pending: bool


@cache
def _sql(vendor: str) -> str:
    """The statement for this database (``vendor`` keys the cache). An account is found by its
    digest through a LEFT JOIN from one row, so the row is there whether it exists or not."""
    quote = connection.ops.quote_name
    user, request = User._meta, AccessRequest._meta
    account, pending = quote("account"), quote("pending")

    def column(meta, alias, name):
        return f"{alias}.{quote(meta.get_field(name).column)}"

    return (
        f"SELECT {column(user, account, 'id')}, {column(user, account, 'email')},"  # noqa: S608  # nosec B608
        f" EXISTS (SELECT 1 FROM {quote(request.db_table)} {pending}"
        f" WHERE {column(request, pending, 'kind')} = %s"
        f" AND {column(request, pending, 'status')} = %s"
        f" AND {column(request, pending, 'ssn_digest')} = %s)"
        f" FROM (SELECT 1 AS {quote('one')}) {quote('one')}"
        f" LEFT JOIN {quote(user.db_table)} {account}"
        f" ON {column(user, account, 'ssn_digest')} = %s"
    )


def known_person(digest: str) -> KnownPerson:
    """The account of the person with this SSN digest, if any, and whether a registration of
    theirs is waiting for approval. ``digest``: an SSN's (``accounts.identity.ssn_digest``),
    never empty: the accounts without an SSN all have the empty digest."""
    if not digest:
        raise ValueError("An SSN's digest is never empty.")
    params = [AccessRequest.Kind.REGISTRATION, AccessRequest.Status.SUBMITTED, digest, digest]
    sql = prepared(_sql(connection.vendor))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        account_id, email, pending = cursor.fetchone()
    account = None
    if account_id is not None:
        account = User.from_db(connection.alias, ["id", "email"], [account_id, email])
    return KnownPerson(account, bool(pending))
