"""Values for the statements written by hand (issue 9), prepared as the ORM prepares them.

The ORM's INSERT and UPDATE pass each value through its field's ``get_db_prep_save``: a
datetime becomes text on SQLite, a JSON value is adapted, an encrypted field encrypts, a foreign
key takes its target's form. A statement written by hand does the same, through these, so the
row it writes is the row the ORM would write (each such statement has a test holding it equal).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model


def values_for_save(model: type[Model], values: Mapping[str, Any], connection) -> list:
    """``values`` (field name to value), in their order, each prepared by its field of ``model``
    as the ORM prepares it to save it in ``connection``'s database."""
    meta = model._meta
    return [
        meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()
    ]


def instance_values_for_save(instance: Model, names: Iterable[str], connection) -> list:
    """The fields ``names`` of ``instance`` (a foreign key's id), as ``values_for_save``."""
    meta = type(instance)._meta
    values = {name: getattr(instance, meta.get_field(name).attname) for name in names}
    return values_for_save(type(instance), values, connection)
