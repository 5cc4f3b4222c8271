"""The session engine: Django's database sessions (rows shared by every process, ADR 15), in
fewer statements for the same rows (issue 9).

- ``SignInSessionMixin`` (``accounts.session_keys``, ADR 20): no look-up before a new key's
  INSERT, the sign-in's key cycle in one DELETE, a save of what was written already skipped.
- ``OneStatementSave`` (ADR 15): Django saves an existing session in a transaction of its own,
  BEGIN, the UPDATE, COMMIT, after the page's transaction has committed (or, in one, in a
  savepoint). One UPDATE is atomic by itself, so here it runs alone: in autocommit one round
  trip instead of three on every page that changes the session; inside the view's transaction
  (``iacs_portal.transactions.session_saved_in_transaction``) one instead of three (no
  savepoint), committed with the view's changes. A row found gone raises ``UpdateError``, as
  Django's save, and leaves the caller's transaction usable.
- ``OneStatementSave`` also creates a session's row in one statement: an INSERT that does
  nothing on a key in use (``ON CONFLICT DO NOTHING``, SQLite's ``INSERT OR IGNORE``), which
  then raises ``CreateError`` as Django's does. Django wraps its INSERT in a transaction or a
  savepoint to survive that collision: BEGIN and COMMIT around every new visitor's first save,
  and a savepoint and its release in every sign-in (ADR 20), two round trips each.
- On PostgreSQL that INSERT also deletes the row of the key the sign-in cycled away from, in
  a data-modifying ``WITH`` (``DELETE`` of the old key, then the ``INSERT``): the old row's
  DELETE and the new row's INSERT of every sign-in in one round trip. PostgreSQL runs the
  ``WITH``'s DELETE whether or not the INSERT then finds its key in use.
- ``save_with(updates)``: the same save, and on PostgreSQL the INSERT also runs the row
  UPDATEs held in ``updates`` (``iacs_portal.row_updates``), as more ``WITH`` parts: the
  sign-in's device step and ``last_login`` in the session's round trip (ADR 20). Where the save
  is no such INSERT, the ORM writes them after it.
- ``OneStatementSave`` reads a session's row by a statement written once, not by the ORM's
  ``get()`` compiled on every request that reads its session (about 0.3 ms of CPU): the same
  row, found by the same key and expiry, the values prepared by their fields as the ORM
  prepares them (tests/accounts/test_session_store_read.py holds it equal to Django's read).
  It updates the row by a statement written once too (``iacs_portal.compiled_writes``), the
  UPDATE ``QuerySet.update`` made, not compiled on every page that changes the session.
- ``save_held``: the save a view's transaction makes (``iacs_portal.transactions``), its UPDATE
  held for the COMMIT on PostgreSQL, and made to fail there if the row is gone (ADR 23). The
  sign-in's INSERT is held for its COMMIT too.
"""

from contextlib import nullcontext
from functools import cache

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.db.models.constants import OnConflict
from django.utils import timezone

from iacs_portal.compiled_writes import expecting_rows, hold_write, update_sql
from iacs_portal.field_values import instance_values_for_save
from iacs_portal.row_updates import RowUpdates
from iacs_portal.transactions import SESSION_GONE

from .session_keys import SignInSessionMixin

_COLUMNS = ("session_key", "session_data", "expire_date")


@cache
def _read_sql(alias: str) -> str:
    """The session's read by key and expiry, its text made once per database: quoted names
    only; the key and the time are parameters."""
    quote, meta = connections[alias].ops.quote_name, Session._meta
    key, data, expires = (quote(meta.get_field(name).column) for name in _COLUMNS)
    return (
        f"SELECT {data} FROM {quote(meta.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {key} = %s AND {expires} > %s"
    )


class OneStatementSave(db.SessionStore):
    _row_updates = None  # what save_with hands to the INSERT
    _hold = False  # save_held: an UPDATE held for the transaction's COMMIT

    def _get_session_from_db(self):
        """Django's read of the row (an object with its ``session_data``, or None and the key
        forgotten), in a statement written once; Django's own where the model is not its."""
        if self.model is not Session:
            return super()._get_session_from_db()
        connection = connections[router.db_for_read(self.model)]
        key, expires = (Session._meta.get_field(name) for name in ("session_key", "expire_date"))
        params = [
            key.get_db_prep_value(self.session_key, connection),
            expires.get_db_prep_value(timezone.now(), connection),
        ]
        with connection.cursor() as cursor:
            cursor.execute(_read_sql(connection.alias), params)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])

    def save_with(self, updates: RowUpdates) -> None:
        self._row_updates = updates
        try:
            self.save()
        finally:
            self._row_updates = None
        if updates:  # not carried by an INSERT
            updates.write()

    def save_held(self) -> None:
        """``save``, where it is an UPDATE in a transaction on PostgreSQL, held for that
        transaction's next statement or its COMMIT (ADR 23), one round trip fewer: a row found
        gone then fails the transaction there with ``SESSION_GONE``, which
        ``iacs_portal.transactions`` answers as Django answers ``UpdateError``."""
        self._hold = True
        try:
            self.save()
        finally:
            self._hold = False

    def save(self, must_create=False):
        using = router.db_for_write(self.model)
        connection = connections[using]
        if must_create and self.session_key and connection.features.supports_ignore_conflicts:
            return self._insert(connection)
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        # The UPDATE QuerySet.update makes, written once (compiled_writes), not compiled on
        # every save (about 0.25 ms); not save(force_update=True): a row found gone is a count
        # of 0, not an error that marks the caller's transaction for rollback.
        names = ("session_data", "expire_date")
        sql = update_sql(self.model, names, (), using)
        values = instance_values_for_save(obj, (*names, "session_key"), connection)
        if self._hold and connection.vendor == "postgresql":
            gone = [1, SESSION_GONE, "The session was deleted before the request completed."]
            if hold_write(connection, expecting_rows(sql), [*values, *gone]):
                return
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            written = cursor.rowcount
        if not written:  # the row is gone (signed out meanwhile), as Django's save says
            raise UpdateError

    def _folds_replaced_row(self) -> bool:
        connection = connections[router.db_for_write(self.model)]
        return connection.vendor == "postgresql" and connection.features.supports_ignore_conflicts

    def _insert(self, connection) -> None:
        obj = self.create_model_instance(self._get_session(no_load=True))
        meta, quote = self.model._meta, connection.ops.quote_name
        names = ("session_key", "session_data", "expire_date")
        fields = [meta.get_field(name) for name in names]
        ignore = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
        table = quote(meta.db_table)
        into = (
            f" {table} ({', '.join(quote(field.column) for field in fields)}) VALUES (%s, %s, %s)"
        )
        sql = f"{connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)}{into} {ignore}"
        plain = f"{connection.ops.insert_statement()}{into}"
        values = instance_values_for_save(obj, names, connection)
        parts, params = [], []  # the data-modifying WITH parts: only where _folds_replaced_row
        replaces = getattr(self, "_replaces", None)
        if replaces is not None:
            key = quote(fields[0].column)
            # Quoted names only; the old key is a parameter.
            replaced = f"DELETE FROM {table} WHERE {key} = %s"  # noqa: S608  # nosec B608
            parts.append((quote("replaced"), replaced))
            params.append(replaces)
        folds = self._folds_replaced_row()
        updates = self._row_updates if self._row_updates and folds else None
        with updates.written_by(connection) if updates else nullcontext([]) as statements:
            for number, (update, update_params) in enumerate(statements):
                parts.append((quote(f"updated_{number}"), update))
                params.extend(update_params)
            with_parts = f"WITH {', '.join(f'{name} AS ({part})' for name, part in parts)} "
            with_parts = with_parts if parts else ""
            # In a transaction (the sign-in's), held for its COMMIT (ADR 23): without ON
            # CONFLICT, so a key in use fails the transaction there, where it cannot be drawn
            # again; a 32-character random key never is, and the round trip is every sign-in's.
            if folds and hold_write(connection, with_parts + plain, params + values):
                inserted = 1
            else:
                with connection.cursor() as cursor:
                    cursor.execute(with_parts + sql, params + values)
                    inserted = cursor.rowcount
            # Deleted and updated, whether the INSERT found its key free or not.
            self._replaces = None
        if inserted != 1:  # the key is in use
            raise CreateError


class SessionStore(SignInSessionMixin, OneStatementSave):
    pass
