"""iacs_portal.compiled_reads: the ORM's statement compiled once, the same objects as the ORM's."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

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
