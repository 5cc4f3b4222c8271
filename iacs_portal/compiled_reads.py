"""Reads whose SQL the ORM compiles once per process and database, then runs with new values.

For the hottest reads by key: the wizard's draft, on every step, alone or with the relations a
step shows (issue 9). Compiling its 45-column SELECT cost about 0.35 ms of CPU each time, as
much as PostgreSQL's work for it; with the email verification joined, about 0.8 ms.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError


def prepared(sql: str, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """``sql``, run as a prepared statement from now on where the database can (PostgreSQL:
    parsed and planned once per connection, ADR 22); elsewhere as it is."""
    if prepare := getattr(connections[using], "prepare_when_run", None):
        prepare(sql)
    return sql


@dataclass
class _Compiled:
    """What the ORM's ``ModelIterable`` takes from a compiler, kept from the first one."""

    sql: str
    params: tuple
    slots: dict[str, int]
    model: type[Model]
    columns: slice  # the model's own columns in each row
    init_list: list[str]  # their fields
    related_populators: list  # the joined relations (select_related), as the ORM fills them
    annotations: dict[str, int]  # each annotation's column, set on the object under its name
    locks: bool  # select_for_update(), on a database that locks rows
    expressions: list  # each column's, for its converters
    # The connection they were made for (one a thread) and the columns' converters, as one
    # value: a thread never takes the converters another made for its own connection.
    converters: tuple[object, dict] = (None, {})


class CompiledRead:
    """``build(**markers)``'s statement, compiled by the ORM once per database, then run with the
    real values and its rows made into objects by the ORM's own pieces.

    ``markers`` name the read's parameters and give each a value that stands for it while the
    statement is compiled; each must come out as exactly one parameter of the statement (a
    distinctive value compared with ``=``: an id such as -7_000_000_001 for ``pk``), or
    compiling refuses. Calling the read runs the ORM's statement with the real values and makes
    each row an object as ``ModelIterable`` does: the columns' converters (decryption
    included), ``Model.from_db`` (fields left out by ``only()`` deferred), and the relations of
    ``select_related()`` filled by its ``RelatedPopulator``s, and each annotation set under its
    name. The objects are those the queryset would make (tests/test_compiled_reads.py holds them
    equal). A queryset with ``values()`` is not supported.

    A read that locks (``select_for_update()``) is refused outside a transaction, as the ORM
    refuses it, also once compiled: its lock would end with the statement.
    """

    def __init__(self, build: Callable[..., QuerySet], **markers: Any):
        self.build, self.markers = build, markers
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        queryset = self.build(**self.markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        features = connections[using].features
        if queryset._fields is not None:
            raise ValueError("A compiled read makes model objects only: no values().")
        slots = {}
        for name, marker in self.markers.items():
            found = [index for index, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ValueError(
                    f"The marker for {name!r} is {len(found)} parameters of the statement, "
                    "not one: choose a value that stands for it alone."
                )
            slots[name] = found[0]
        prepared(sql, using=using)
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        columns = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            model=klass_info["model"],
            columns=columns,
            init_list=[column[0].target.attname for column in select[columns]],
            related_populators=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map or {}),
            locks=bool(queryset.query.select_for_update and features.has_select_for_update),
            expressions=[column[0] for column in select[: compiler.col_count]],
        )

    @staticmethod
    def _converters(compiled: _Compiled, connection) -> dict:
        made_for, converters = compiled.converters
        if made_for is not connection:
            converters = {}
            for index, expression in enumerate(compiled.expressions):
                backend = connection.ops.get_db_converters(expression)
                if found := backend + expression.get_db_converters(connection):
                    converters[index] = (found, expression)
            compiled.converters = (connection, converters)
        return converters

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Model]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        connection = connections[using]
        if (
            compiled.locks
            and connection.get_autocommit()
            and connection.features.supports_transactions
        ):
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        bound = list(compiled.params)
        for name, index in compiled.slots.items():
            bound[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            rows = cursor.fetchall()
        converters = self._converters(compiled, connection).items()
        objects = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters:
                value = row[index]
                for function in functions:
                    value = function(value, expression, connection)
                row[index] = value
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.columns])
            for populator in compiled.related_populators:
                populator.populate(row, obj)
            for name, index in compiled.annotations.items():
                setattr(obj, name, row[index])
            objects.append(obj)
        return objects
