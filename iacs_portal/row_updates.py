"""Changed fields of model instances, collected to be written later in one statement (issue 9).

A ``save(update_fields=...)`` is one UPDATE, one round trip. Where a request changes a few rows
and then writes one more statement anyway (the sign-in: the device's step and ``last_login``,
then the new session's INSERT, ``accounts.session_store``), ``RowUpdates`` holds the UPDATEs
back and hands them to that statement as data-modifying ``WITH`` parts: one round trip for all.
Where the statement cannot carry them (not PostgreSQL), ``write`` saves them with the ORM.

Each UPDATE is the ORM's for ``save(update_fields=...)``: the fields' values prepared as the ORM
prepares them (``field.pre_save``, then ``iacs_portal.field_values``), quoted identifiers only,
the row found by its primary key; ``pre_save`` and ``post_save`` are sent around it, as by
``save``, when it is written (tests/iacs_portal/test_row_updates.py holds the rows equal).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from .field_values import values_for_save


class RowUpdates:
    def __init__(self) -> None:
        self._fields: dict[int, tuple[Model, dict[str, None]]] = {}  # by id(): one per instance

    def __bool__(self) -> bool:
        return bool(self._fields)

    def add(self, instance: Model, fields: Iterable[str]) -> None:
        """Write ``fields`` of ``instance`` later, with the values it holds then."""
        held = self._fields.setdefault(id(instance), (instance, {}))[1]
        held.update(dict.fromkeys(fields))

    @contextmanager
    def saves_of(self, instance: Model) -> Iterator[None]:
        """Inside, ``instance.save(update_fields=...)`` (Django's ``update_last_login`` and the
        like) is held back here; any other save is the model's own, at once."""
        real_save = instance.save

        def save(*args, update_fields=None, **kwargs):
            if args or kwargs or not update_fields:
                return real_save(*args, update_fields=update_fields, **kwargs)
            self.add(instance, update_fields)

        instance.save = save
        try:
            yield
        finally:
            del instance.save

    @contextmanager
    def written_by(self, connection) -> Iterator[list[tuple[str, list]]]:
        """The held UPDATEs as ``(sql, params)``, for the block to run in one statement of its
        own (each a ``WITH`` part); held no more. ``pre_save`` is sent before, ``post_save``
        after the block (not if it raises)."""
        held = [(instance, list(fields)) for instance, fields in self._fields.values()]
        self._fields.clear()
        for instance, fields in held:
            _send(pre_save, instance, fields, connection)
        yield [_update_statement(instance, fields, connection) for instance, fields in held]
        for instance, fields in held:
            _send(post_save, instance, fields, connection, created=False)

    def write(self) -> None:
        """Each held UPDATE by the ORM (where no statement carries them); held no more."""
        held = list(self._fields.values())
        self._fields.clear()
        for instance, fields in held:
            type(instance).save(instance, update_fields=list(fields))


def _send(signal, instance: Model, fields: list[str], connection, **extra) -> None:
    if signal.has_listeners(type(instance)):
        signal.send(
            sender=type(instance),
            instance=instance,
            raw=False,
            using=connection.alias,
            update_fields=frozenset(fields),
            **extra,
        )


def _update_statement(instance: Model, names: list[str], connection) -> tuple[str, list]:
    """``save(update_fields=names)``'s UPDATE of ``instance``'s row, as ``(sql, params)``."""
    meta, quote = instance._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    values = {field.name: field.pre_save(instance, False) for field in fields}
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Quoted names only; the values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608  # nosec B608
    params = values_for_save(type(instance), values, connection)
    params.append(meta.pk.get_db_prep_value(instance.pk, connection))
    return sql, params
