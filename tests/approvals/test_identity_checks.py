"""approvals.registration.identity_checks: the account and the pending registration of a person
asked in one statement, answered as the two reads it replaced, for every kind of row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.identity import ssn_digest
from accounts.models import User
from approvals.models import AccessRequest
from approvals.registration.identity_checks import _sql, known_person
from tests.factories import UserFactory, community

pytestmark = pytest.mark.django_db

Kind, Status = AccessRequest.Kind, AccessRequest.Status
PERSON, OTHER = ssn_digest("123456789"), ssn_digest("987654321")


def orm_account_address(digest: str) -> User | None:
    """The account read the statement replaced (accounts/identity.py before issue 9's): only
    its id and address, the rest deferred."""
    return User.objects.filter(ssn_digest=digest).only("email").order_by().first()


def orm_registration_pending(digest: str) -> bool:
    """The read the statement replaced (approvals/registration/views.py before issue 9's)."""
    return AccessRequest.objects.filter(
        kind=Kind.REGISTRATION, status=Status.SUBMITTED, ssn_digest=digest
    ).exists()


def request_of(digest: str, *, kind=Kind.REGISTRATION, status=Status.SUBMITTED) -> None:
    AccessRequest.objects.create(community=community(), kind=kind, status=status, ssn_digest=digest)


ROWS = {
    "nothing": lambda: None,
    "an account": lambda: UserFactory(ssn_digest=PERSON, email="pat@example.org"),
    "an account without an address": lambda: UserFactory(ssn_digest=PERSON, email=""),
    "another person's account": lambda: UserFactory(ssn_digest=OTHER),
    "accounts without an SSN": lambda: [UserFactory(ssn_digest="") for _ in range(2)],
    "a pending registration": lambda: request_of(PERSON),
    "another person's pending registration": lambda: request_of(OTHER),
    "a registration in draft": lambda: request_of(PERSON, status=Status.DRAFT),
    "a registration approved": lambda: request_of(PERSON, status=Status.APPROVED),
    "a registration denied": lambda: request_of(PERSON, status=Status.DENIED),
    "a registration cancelled": lambda: request_of(PERSON, status=Status.CANCELLED),
    "a pending role request": lambda: request_of(PERSON, kind=Kind.ADDITIONAL_ROLE),
    "a pending association": lambda: request_of(PERSON, kind=Kind.ASSOCIATION),
    "two pending registrations": lambda: [request_of(PERSON) for _ in range(2)],
}


ACCOUNTS = {"an account", "an account without an address"}  # one account a person
CASES = [
    (first, second)
    for first in ROWS
    for second in ("nothing", "an account", "a pending registration")
    if first != second and {first, second} != ACCOUNTS
]


@pytest.mark.parametrize("first, second", CASES)
def test_the_statement_answers_as_the_account_read_and_the_registration_read(first, second):
    ROWS[first]()
    ROWS[second]()

    with CaptureQueriesContext(connection) as captured:
        account, pending = known_person(PERSON)

    assert len(captured) == 1
    expected = orm_account_address(PERSON)
    assert pending is orm_registration_pending(PERSON)
    if expected is None:
        assert account is None
    else:
        assert (account.pk, account.email) == (expected.pk, expected.email)
        assert account.get_deferred_fields() == expected.get_deferred_fields()
        assert account._state.adding is False and account._state.db == expected._state.db


def test_an_empty_digest_is_refused_not_matched_to_the_accounts_without_an_ssn():
    UserFactory(ssn_digest="")
    with pytest.raises(ValueError, match="never empty"):
        known_person("")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_the_statement_runs_prepared():
    UserFactory(ssn_digest=PERSON)
    with CaptureQueriesContext(connection) as captured:
        assert known_person(OTHER).account is None  # PREPARE and EXECUTE
        assert known_person(PERSON).account is not None  # EXECUTE alone
    assert connection._prepared[_sql(connection.vendor)].startswith("iacs_read_")
    logged = captured.captured_queries[-1]["sql"]  # as it would have been sent
    assert logged.startswith('SELECT "account"."id"') and PERSON in logged
