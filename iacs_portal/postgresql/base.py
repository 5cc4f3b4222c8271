"""Django's PostgreSQL backend, with a transaction's BEGIN sent with its first statement (issue 9).

psycopg2 opens a transaction by sending ``BEGIN`` alone and waiting for its answer: one more
round trip to the database in every transaction, about as long as a small statement's. Here
psycopg2 stays in autocommit and Django's ``atomic`` opens the transaction the way it does on
SQLite (``_start_transaction_under_autocommit``): nothing is sent then; the transaction's first
statement goes as ``BEGIN;`` followed by it, in one round trip, and the transaction ends with
an explicit ``COMMIT`` or ``ROLLBACK``. A transaction that ran no statement sends nothing.

What is the same: every statement of an ``atomic`` block runs in one transaction, at the
isolation level the server's default gives (READ COMMITTED here); savepoints, ``on_commit``,
``select_for_update`` and the errors raised are Django's. A named (server-side) cursor is
declared after the BEGIN, sent alone first, in the transaction. Where the database's OPTIONS
set an ``isolation_level``, or code turns autocommit off itself (``set_autocommit(False)``),
psycopg2 opens its transactions as before.

A write whose result nobody reads (no row returned, its row count not checked) can be *held*
(``hold_write``): it goes in the same string as the transaction's next statement, or its
COMMIT, one round trip fewer again. The server runs the statements in the order the code asked
for them, so savepoints, locks and rollbacks see them where they were; what changes is where an
error of the held statement is raised: by the next statement sent (or the commit), not by the
call that held it. Hold only writes that cannot fail but for a broken database, or whose
failure is an error of its own (``iacs_portal.compiled_writes.expecting_rows``).

A read run again and again with new values (``iacs_portal.compiled_reads``) can be made a
*prepared statement* (``prepare_when_run``): on each connection, its first run sends
``PREPARE`` with the ``EXECUTE``, in one string; later runs send the ``EXECUTE`` alone, and
PostgreSQL neither parses nor plans the statement again. The query log shows the statement as
it would have been sent. Setting ``POSTGRESQL_PREPARED_READS`` to false turns this off (for a
connection pooler that hands a session's statements to other connections).
"""

import itertools
import re

from django.conf import settings
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import debug_transaction
from psycopg2.extensions import cursor as Psycopg2Cursor
from psycopg2.extensions import encodings

BEGIN = "BEGIN; "

# Each statement text to prepare (prepare_when_run), with its body for PREPARE: psycopg2's %s
# placeholders numbered $1, $2... Shared by the process's connections; each prepares its own.
_PREPARABLE: dict[str, str] = {}
# Names never used twice in a process: a PREPARE sent with a statement that failed may or may
# not have run, so its text is prepared again under a new name (the old one, if any, is unused).
_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%[%s]")


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement as psycopg2 sent it, less what was sent with it (logged apart); a
        prepared statement's EXECUTE as the statement it runs."""
        if getattr(cursor, "executed_prepared", False):
            return cursor.mogrify(sql, params).decode(encodings[cursor.connection.encoding])
        sent = super().last_executed_query(cursor, sql, params)
        prefix = getattr(cursor, "sent_before", "")
        return sent.removeprefix(prefix) if sent and prefix else sent


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._begin_pending = False  # an atomic block opened; BEGIN goes with the next statement
        self._begun = False  # BEGIN was sent: the transaction is open on the server
        self._held: list[str] = []  # writes held for the next statement (hold_write)
        self._prepared: dict[str, str] = {}  # statement text: its name prepared on the connection

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.cursor_factory = _BeginningCursor
        self._begin_pending = self._begun = False
        self._held, self._prepared = [], {}
        return connection

    def set_autocommit(self, autocommit, force_begin_transaction_with_broken_autocommit=False):
        # atomic() asks for force_begin...: the hook SQLite uses, taken where no isolation level
        # is set, so that psycopg2 stays in autocommit and sends no BEGIN of its own.
        return super().set_autocommit(
            autocommit,
            force_begin_transaction_with_broken_autocommit=(
                force_begin_transaction_with_broken_autocommit
                and "isolation_level" not in self.settings_dict["OPTIONS"]
            ),
        )

    def _start_transaction_under_autocommit(self):
        self._begin_pending = True

    def begin_now(self) -> bool:
        """Take the pending BEGIN for the statement about to be sent; False if none is.

        Where queries are logged (DEBUG, the tests), the BEGIN is logged as Django logs it,
        before the statement: the query log and the statement counts are those of Django's
        backend, a BEGIN included, though it no longer costs a round trip of its own."""
        if not self._begin_pending:
            return False
        self._begin_pending = False
        self._begun = True  # even should the statement fail: ROLLBACK then ends the transaction
        with debug_transaction(self, "BEGIN"):
            pass
        return True

    def sent_before(self) -> str:
        """What goes before the statement about to be sent: a pending BEGIN, the held writes."""
        begin = BEGIN if self.begin_now() else ""
        held, self._held = self._held, []
        return begin + "".join(held)

    def hold_write(self, sql: str, params=None) -> bool:
        """Hold this write for the transaction's next statement (or its COMMIT); False where it
        cannot be held, outside a transaction this backend opened: the caller then runs it.

        For a write whose result nobody reads. It is logged now, where it was asked for, as
        Django logs a statement (DEBUG, the tests' statement counts)."""
        if not (self.in_atomic_block and (self._begin_pending or self._begun)):
            return False
        self.ensure_connection()
        with self.connection.cursor() as raw:  # psycopg2's own: nothing is prefixed
            statement = raw.mogrify(sql, params).decode(encodings[self.connection.encoding])
        if self.begin_now():  # logged before the write, as it will be sent
            self._held.append(BEGIN)
        with debug_transaction(self, statement):
            self._held.append(statement + "; ")
        return True

    def prepare_when_run(self, sql: str) -> None:
        """Run this statement text as a prepared statement from now on (module docstring); one
        with named placeholders (``%(name)s``) is left as it is."""
        if sql not in _PREPARABLE and settings.POSTGRESQL_PREPARED_READS and "%(" not in sql:
            numbers = itertools.count(1)
            _PREPARABLE[sql] = _PLACEHOLDER.sub(
                lambda found: "%%" if found[0] == "%%" else f"${next(numbers)}", sql
            )

    def prepared(self, query: str, vars) -> tuple[str, str | None]:  # noqa: A002
        """What to send for ``query``: itself, or its EXECUTE (preceded by its PREPARE on this
        connection's first run: the name to remember once it ran, else None)."""
        body = _PREPARABLE.get(query)
        if body is None or vars is None:
            return query, None
        arguments = ", ".join(["%s"] * len(vars))
        if (name := self._prepared.get(query)) is not None:
            return f"EXECUTE {name}({arguments})", None
        name = f"iacs_read_{next(_NAMES)}"
        return f"PREPARE {name} AS {body}; EXECUTE {name}({arguments})", name

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        cursor.wrapper = self
        return cursor

    def _end(self, statement: str, psycopg2_end) -> None:
        held, self._held = self._held, []
        begun, self._begin_pending, self._begun = self._begun, False, False
        if statement == "ROLLBACK":
            if held[:1] == [BEGIN]:
                return  # nothing of the transaction reached the server: nothing to end
            held = []  # dropped unsent, as the transaction is
        if not begun:
            psycopg2_end()  # its own transaction (autocommit turned off by hand), or nothing
            return
        with self.connection.cursor() as cursor:  # no wrapper: nothing is prefixed
            try:
                cursor.execute("".join(held) + statement)
            except Exception:
                # A held write failed: the server skipped the COMMIT, and the transaction,
                # failed, is open until the rollback Django sends next.
                self._begun = bool(held)
                raise

    def _commit(self):
        if self.connection is not None:
            with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
                self._end("COMMIT", self.connection.commit)

    def _rollback(self):
        if self.connection is not None:
            with debug_transaction(self, "ROLLBACK"), self.wrap_database_errors:
                self._end("ROLLBACK", self.connection.rollback)


class _BeginningCursor(Psycopg2Cursor):
    """psycopg2's cursor, sending a pending BEGIN and the held writes with its statement
    (``DatabaseWrapper``): in the same string where it can, alone first where it cannot (a named
    cursor's DECLARE, a composed statement, several parameter sets, a procedure call, a COPY)."""

    wrapper: DatabaseWrapper | None = None  # None: a cursor of psycopg2's own (is_usable)

    sent_before = ""  # what the last execute() sent before its statement (last_executed_query)
    executed_prepared = False  # the last execute() ran a prepared statement

    def _begin_alone(self) -> None:
        """A pending BEGIN and the held writes, sent before a statement they cannot go with."""
        self.sent_before = ""
        if self.wrapper is not None and (before := self.wrapper.sent_before()):
            with self.connection.cursor() as plain:
                plain.execute(before)

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's name
        wrapper, text, preparing = self.wrapper, query, None
        self.executed_prepared = False
        if self.name is None and isinstance(query, str) and wrapper is not None:
            statement, preparing = wrapper.prepared(query, vars)
            self.executed_prepared = statement is not query
            self.sent_before = before = wrapper.sent_before()
            # Where psycopg2 formats the query (any vars, even empty), a % is written %%.
            query = (before if vars is None else before.replace("%", "%%")) + statement
        else:
            self._begin_alone()
        result = super().execute(query, vars)
        if preparing is not None:  # it ran: the connection has it from now on
            wrapper._prepared[text] = preparing
        return result

    def executemany(self, query, vars_list):
        self._begin_alone()
        return super().executemany(query, vars_list)

    def callproc(self, procname, parameters=None):
        self._begin_alone()
        return super().callproc(procname, parameters)

    def copy_expert(self, *args, **kwargs):
        self._begin_alone()
        return super().copy_expert(*args, **kwargs)

    def copy_from(self, *args, **kwargs):
        self._begin_alone()
        return super().copy_from(*args, **kwargs)

    def copy_to(self, *args, **kwargs):
        self._begin_alone()
        return super().copy_to(*args, **kwargs)
