"""iacs_portal.compiled_reads: the ORM's statement compiled once, the same objects as the ORM's."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from accounts.models import EmailVerification
from approvals.models import AccessRequest
from iacs_portal.compiled_reads import CompiledRead
from tests.factories import community

pytestmark = pytest.mark.django_db


def draft(**fields) -> AccessRequest:
    return AccessRequest.objects.create(
        community=community(),
        first_name="Pat",
        last_name="Applicant",
        date_of_birth=datetime.date(1980, 2, 29),
        ssn="123456789",
        ssn_last4="6789",
        completed_steps=["terms", "role"],
        details={"group": {"name": "Billing"}},
        **fields,
    )


def by_id_and_status():
    return CompiledRead(
        lambda pk, status: AccessRequest.objects.filter(pk=pk, status=status).order_by()[:1],
        pk=-7_000_000_001,
        status="marker-status",
    )


def test_the_objects_are_those_of_the_queryset_decrypted_fields_included():
    wanted = draft()
    read = by_id_and_status()
    [got] = read(pk=wanted.pk, status="draft")
    [orm] = AccessRequest.objects.filter(pk=wanted.pk, status="draft")
    for field in AccessRequest._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(orm, field.attname), field.name
    assert got.ssn == "123456789" and got.date_of_birth == datetime.date(1980, 2, 29)
    assert got._state.adding is False and got._state.db == "default"
    assert read(pk=wanted.pk, status="submitted") == []  # the values are the parameters
    assert read(pk=wanted.pk + 1, status="draft") == []


def test_compiled_once_then_run_with_the_new_values(monkeypatch):
    first, second = draft(), draft()
    read = by_id_and_status()
    read(pk=first.pk, status="draft")
    compiled = []
    real = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or real(self, *a, **k)
    )
    with CaptureQueriesContext(connection) as captured:
        [got] = read(pk=second.pk, status="draft")
    assert got.pk == second.pk and compiled == [] and len(captured) == 1


@pytest.mark.parametrize(
    "build, times",
    [
        (lambda name: AccessRequest.objects.filter(first_name=name, last_name=name), 2),
        (lambda name: AccessRequest.objects.filter(first_name__icontains=name), 0),  # '%Pat%'
    ],
)
def test_a_marker_that_is_not_exactly_one_parameter_is_refused(build, times):
    read = CompiledRead(build, name="Pat")
    with pytest.raises(ValueError, match=f"is {times} parameters of the statement"):
        read(name="Lee")


def with_relations():
    return CompiledRead(
        lambda pk: (
            AccessRequest.objects.filter(pk=pk)
            .select_related("community", "email_verification")
            .order_by()[:1]
        ),
        pk=-7_000_000_001,
    )


def test_joined_relations_are_those_of_select_related_and_read_without_a_query():
    verification = EmailVerification.objects.create(
        email="pat@example.org", code_hash="hmac-sha256$00", failed_attempts=2
    )
    wanted = draft(email_verification=verification)
    [got] = with_relations()(pk=wanted.pk)
    [orm] = AccessRequest.objects.filter(pk=wanted.pk).select_related(
        "community", "email_verification"
    )
    with CaptureQueriesContext(connection) as captured:
        for relation in ("community", "email_verification"):
            related, expected = getattr(got, relation), getattr(orm, relation)
            assert type(related) is type(expected) and related.pk == expected.pk
            for field in type(expected)._meta.concrete_fields:
                assert getattr(related, field.attname) == getattr(expected, field.attname)
            assert related._state.adding is False and related._state.db == "default"
    assert len(captured) == 0
    for field in AccessRequest._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(orm, field.attname), field.name


def test_a_relation_that_is_null_is_none_without_a_query():
    wanted = draft()
    [got] = with_relations()(pk=wanted.pk)
    with CaptureQueriesContext(connection) as captured:
        assert got.email_verification is None and got.community is not None
    assert len(captured) == 0


def test_fields_left_out_by_only_are_deferred_as_the_orm_defers_them():
    wanted = draft()
    read = CompiledRead(
        lambda pk: AccessRequest.objects.filter(pk=pk).only("first_name").order_by()[:1],
        pk=-7_000_000_001,
    )
    [got] = read(pk=wanted.pk)
    [orm] = AccessRequest.objects.filter(pk=wanted.pk).only("first_name")
    assert got.get_deferred_fields() == orm.get_deferred_fields() != set()
    assert got.first_name == "Pat" and got.pk == wanted.pk


def test_annotations_are_set_on_the_objects_as_the_orm_sets_them():
    twin, its_twin, alone = draft(), draft(), draft()
    AccessRequest.objects.filter(pk__in=[twin.pk, its_twin.pk]).update(ssn_digest="d" * 64)

    def build(pk):
        twins = AccessRequest.objects.filter(ssn_digest=OuterRef("ssn_digest"))
        return (
            AccessRequest.objects.filter(pk=pk)
            .only("first_name")
            .annotate(
                community_name=F("community__name"),
                has_twin=Exists(twins.exclude(pk=OuterRef("pk"))),
            )
            .order_by()[:1]
        )

    read = CompiledRead(build, pk=-7_000_000_001)
    for request, has_twin in [(twin, True), (alone, False)]:
        [got] = read(pk=request.pk)
        [orm] = build(request.pk)
        assert (got.community_name, got.has_twin) == (orm.community_name, orm.has_twin)
        assert bool(got.has_twin) is has_twin
        assert got.first_name == orm.first_name == "Pat"


def test_values_are_refused():
    read = CompiledRead(
        lambda pk: AccessRequest.objects.filter(pk=pk).values("first_name"), pk=-7_000_000_001
    )
    with pytest.raises(ValueError, match="model objects only"):
        read(pk=1)


@pytest.mark.django_db(transaction=True)  # autocommit outside the atomic block, as in a task
def test_a_locking_read_is_refused_outside_a_transaction_as_the_orms():
    wanted = draft()
    read = CompiledRead(
        lambda pk: AccessRequest.objects.filter(pk=pk).select_for_update(), pk=-7_000_000_001
    )
    with transaction.atomic():
        [got] = read(pk=wanted.pk)  # compiled in a transaction, as it runs
    assert got.pk == wanted.pk
    if not connection.features.has_select_for_update:  # SQLite: no FOR UPDATE, no refusal
        assert read(pk=wanted.pk)
        return
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        list(AccessRequest.objects.filter(pk=wanted.pk).select_for_update())
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        read(pk=wanted.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_a_compiled_read_runs_as_a_prepared_statement():
    one, other = draft(role="bso"), draft(role="so")
    read = CompiledRead(lambda pk: AccessRequest.objects.filter(pk=pk), pk=-7_000_000_099)
    with CaptureQueriesContext(connection) as captured:
        assert [found.role for found in read(pk=one.pk)] == ["bso"]
        assert [found.role for found in read(pk=other.pk)] == ["so"]
    sql = read._compiled[connection.alias].sql
    assert connection._prepared[sql].startswith("iacs_read_")  # prepared on this connection
    # The log shows the statement run, with its values, as the ORM's would be logged.
    logged = captured.captured_queries[-1]["sql"]
    assert logged.startswith('SELECT "approvals_accessrequest"') and f" = {other.pk}" in logged
