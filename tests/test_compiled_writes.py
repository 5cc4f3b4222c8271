"""iacs_portal.compiled_writes: the rows written, and what happens around them, are the ORM's.

Each write is made twice, on twin rows: once by the ORM (``save(update_fields=...)``, ``create``,
``bulk_create``), once by compiled_writes; the rows read back afterwards must be the same (the
encrypted fields compared decrypted, Fernet tokens being never twice the same), on whichever
database the suite runs on (PostgreSQL with DATABASE_URL, else SQLite).
"""

import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models import F, signals
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import ConcurrentTransition
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import EmailVerification
from approvals.models import AccessRequest
from iacs_portal.compiled_writes import insert, update_fields
from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import community

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=123456)


@pytest.fixture(autouse=True)
def twins_made_at_the_same_instant():
    with time_machine.travel(NOW, tick=False):
        yield


def draft(**fields) -> AccessRequest:
    return AccessRequest.objects.create(
        community=community(),
        first_name="Pat",
        date_of_birth=datetime.date(1980, 2, 29),
        ssn="123456789",
        completed_steps=["terms"],
        **fields,
    )


def row(obj) -> dict:
    """The row as stored (read again, decrypted), without its id and the other twin's."""
    again = type(obj)._base_manager.get(pk=obj.pk)
    values = {
        field.attname: getattr(again, field.attname)
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key
    }
    return values


def raw_column(obj, column: str):
    quote = connection.ops.quote_name
    sql = f"SELECT {quote(column)} FROM {quote(obj._meta.db_table)} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [obj.pk])
        return cursor.fetchone()[0]


def verification() -> EmailVerification:
    return EmailVerification.objects.create(
        email="pat@example.org", code_hash="x" * 64, expires_at=NOW
    )


# A step's changes: each field the wizard's steps write, with values of every kind it takes.
CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "first_name": st.text(max_size=30).filter(lambda t: "\x00" not in t),
        "ssn": st.from_regex(r"\A[0-9]{9}\Z"),
        "date_of_birth": st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1))),
        "details": st.dictionaries(st.sampled_from(["group", "organization"]), st.integers()),
        "role_terms_accepted_at": st.one_of(st.none(), st.just(NOW)),
        "justification": st.text(max_size=50).filter(lambda t: "\x00" not in t),
        "group_action": st.sampled_from(["", "join", "create_provider"]),
    },
)


@settings(max_examples=25, deadline=None)
@given(changes=CHANGES, completed=st.lists(st.sampled_from(["terms", "role", "contact"])))
def test_a_draft_step_writes_the_row_the_orms_save_writes(changes, completed):
    with transaction.atomic():
        by_orm, by_hand = draft(), draft()
        for twin in (by_orm, by_hand):
            for name, value in changes.items():
                setattr(twin, name, value)
            twin.completed_steps = completed
            twin.last_activity_at = NOW
        names = ["completed_steps", "last_activity_at", *changes]
        by_orm.save(update_fields=names)
        update_fields(by_hand, names)
        assert row(by_hand) == row(by_orm)
        if changes.get("ssn"):  # stored encrypted, as the ORM stores it
            assert changes["ssn"] not in raw_column(by_hand, "ssn")
        transaction.set_rollback(True)


def test_a_relation_is_written_as_its_id_and_an_unsaved_one_refused():
    by_orm, by_hand = draft(), draft()
    by_orm.email_verification, by_hand.email_verification = verification(), verification()
    by_orm.save(update_fields=["email_verification"])
    update_fields(by_hand, ["email_verification"])
    assert row(by_hand)["email_verification_id"] == by_hand.email_verification.pk
    by_hand.email_verification = EmailVerification(email="x@example.org", expires_at=NOW)
    with pytest.raises(ValueError, match="unsaved related object 'email_verification'"):
        update_fields(by_hand, ["completed_steps"])


def test_one_statement_each_and_nothing_compiled(orm_compiles):
    first, second = draft(), draft()
    update_fields(first, ["completed_steps", "last_activity_at"])
    insert([OutgoingEmail(event="account_id", recipients="a@example.org")])
    orm_compiles.clear()
    with CaptureQueriesContext(connection) as captured:
        update_fields(second, ["completed_steps", "last_activity_at"])
        insert([OutgoingEmail(event="account_id", recipients="b@example.org")])
    assert orm_compiles == [] and len(captured) == 2


def saves(by_orm, by_hand):
    """Each twin's save of its completed steps, each in its own transaction."""
    for save in (
        lambda: by_orm.save(update_fields=["completed_steps"]),
        lambda: update_fields(by_hand, ["completed_steps"]),
    ):
        with transaction.atomic():
            yield save
            assert transaction.get_rollback()  # the error marks it, as the ORM's does


def test_a_draft_submitted_meanwhile_raises_concurrent_transition_as_the_orm():
    by_orm, by_hand = draft(), draft()
    AccessRequest.objects.filter(pk__in=[by_orm.pk, by_hand.pk]).update(status="submitted")
    for save in saves(by_orm, by_hand):
        with pytest.raises(ConcurrentTransition):
            save()


def test_a_row_gone_raises_as_the_orm():
    by_orm, by_hand = draft(), draft()
    AccessRequest.objects.filter(pk__in=[by_orm.pk, by_hand.pk]).delete()
    for save in saves(by_orm, by_hand):
        with pytest.raises(DatabaseError, match="did not affect any rows"):
            save()


def test_the_state_saved_is_the_condition_of_the_next_update():
    found = draft()
    found.submit()  # django-fsm: draft -> submitted, not yet saved
    update_fields(found, ["status"])
    update_fields(found, ["completed_steps"])  # on "submitted" now, as after the ORM's save
    assert AccessRequest.objects.get(pk=found.pk).status == "submitted"


def test_the_signals_are_the_orms():
    sent = []

    def record(signal, sender, instance, **kwargs):
        sent.append((signal, sender, kwargs))

    by_orm, by_hand = draft(), draft()
    for signal in (signals.pre_save, signals.post_save):
        signal.connect(record, sender=AccessRequest, weak=False)
    try:
        by_orm.save(update_fields=["completed_steps"])
        orm = list(sent)
        sent.clear()
        update_fields(by_hand, ["completed_steps"])
        assert sent == orm and len(orm) == 2
        sent.clear()
        created = AccessRequest(community=community())
        AccessRequest.objects.create(community=community())
        orm = list(sent)
        sent.clear()
        insert([created], signals_sent=True)
        assert sent == orm and len(orm) == 2
    finally:
        for signal in (signals.pre_save, signals.post_save):
            signal.disconnect(record, sender=AccessRequest)


def test_unknown_fields_and_expressions_are_refused():
    found = draft()
    with pytest.raises(ValueError, match="nickname"):
        update_fields(found, ["nickname"])
    found.first_name = F("last_name")
    with pytest.raises(ValueError, match="expression"):
        update_fields(found, ["first_name"])


def test_a_new_draft_is_the_row_create_writes():
    fields = {
        "community": community(),
        "terms_accepted_at": NOW,
        "completed_steps": ["terms"],
        "ssn": "123456789",
        "date_of_birth": datetime.date(1980, 2, 29),
        "last_activity_at": NOW,
    }
    by_orm = AccessRequest.objects.create(**fields)
    by_hand = AccessRequest(**fields)
    insert([by_hand], signals_sent=True)
    assert by_hand.pk is not None and by_hand.pk != by_orm.pk
    assert by_hand._state.adding is False and by_hand._state.db == "default"
    assert row(by_hand) == row(by_orm)
    assert "123456789" not in raw_column(by_hand, "ssn")


@pytest.mark.parametrize("count", [1, 2, 3])
def test_emails_are_the_rows_bulk_create_writes(count):
    def emails():
        return [
            OutgoingEmail(
                event="account_id",
                params={"user_id": n, "user_ids": [3, 1], "to_old": True},
                recipients=f"{n}@example.org",
                next_attempt_at=NOW,
                created_at=NOW,
            )
            for n in range(count)
        ]

    by_orm, by_hand = OutgoingEmail.objects.bulk_create(emails()), emails()
    insert(by_hand)
    assert len({email.pk for email in by_hand}) == count
    for orm, hand in zip(by_orm, by_hand, strict=True):
        assert model_to_dict(OutgoingEmail.objects.get(pk=hand.pk), exclude=["id"]) == (
            model_to_dict(OutgoingEmail.objects.get(pk=orm.pk), exclude=["id"])
        )
        assert hand._state.adding is False


def test_a_verification_is_the_row_create_writes_its_creation_time_set():
    by_orm = EmailVerification.objects.create(email="pat@example.org")
    by_hand = EmailVerification(email="pat@example.org")
    insert([by_hand], signals_sent=True)
    assert by_hand.created_at == NOW  # auto_now_add, by its field's pre_save
    assert row(by_hand) == row(by_orm)
