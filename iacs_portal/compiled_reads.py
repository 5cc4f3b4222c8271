"""Reads whose SQL the ORM compiles once per process and database, then runs with new values.

For the hottest read by key: the wizard's draft, on every step (issue 9). Compiling its
45-column SELECT cost about 0.35 ms of CPU each time, as much as PostgreSQL's work for it.
"""

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError


class CompiledRead:
    """``build(**markers)``'s statement, compiled by the ORM once per database, run by ``raw()``.

    ``markers`` name the read's parameters and give each a value that stands for it while the
    statement is compiled; each must come out as exactly one parameter of the statement (a
    distinctive value compared with ``=``: an id such as -7_000_000_001 for ``pk``), or
    compiling refuses. Calling the read with the real values runs the ORM's own statement
    through ``Model.objects.raw``, which maps its columns to the model's fields with their
    converters (decryption included): the objects are those the queryset would make.
    tests/test_compiled_reads.py holds them equal.

    A read that locks (``select_for_update()``) is refused outside a transaction, as the ORM
    refuses it, also once compiled: its lock would end with the statement.
    """

    def __init__(self, build: Callable[..., QuerySet], **markers: Any):
        self.build, self.markers = build, markers
        self._compiled: dict[str, tuple[type[Model], str, tuple, dict[str, int], bool]] = {}

    def _compile(self, using: str) -> tuple[type[Model], str, tuple, dict[str, int], bool]:
        queryset = self.build(**self.markers)
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        features = connections[using].features
        locks = bool(queryset.query.select_for_update and features.has_select_for_update)
        slots = {}
        for name, marker in self.markers.items():
            found = [index for index, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ValueError(
                    f"The marker for {name!r} is {len(found)} parameters of the statement, "
                    "not one: choose a value that stands for it alone."
                )
            slots[name] = found[0]
        return queryset.model, sql, tuple(params), slots, locks

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Model]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        model, sql, params, slots, locks = compiled
        connection = connections[using]
        if locks and connection.get_autocommit() and connection.features.supports_transactions:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        bound = list(params)
        for name, index in slots.items():
            bound[index] = values[name]
        return list(model._default_manager.db_manager(using).raw(sql, bound))
