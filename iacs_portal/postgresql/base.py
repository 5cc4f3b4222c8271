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
call that held it. Hold only writes that cannot fail but for a broken database.
"""

from django.db.backends.postgresql import base, operations
from django.db.backends.utils import debug_transaction
from psycopg2.extensions import cursor as Psycopg2Cursor
from psycopg2.extensions import encodings

BEGIN = "BEGIN; "


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement as psycopg2 sent it, less what was sent with it (logged apart)."""
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

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.cursor_factory = _BeginningCursor
        self._begin_pending = self._begun = False
        self._held = []
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

    def _begin_alone(self) -> None:
        """A pending BEGIN and the held writes, sent before a statement they cannot go with."""
        self.sent_before = ""
        if self.wrapper is not None and (before := self.wrapper.sent_before()):
            with self.connection.cursor() as plain:
                plain.execute(before)

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's name
        if self.name is None and isinstance(query, str) and self.wrapper is not None:
            self.sent_before = before = self.wrapper.sent_before()
            if before:
                # Where psycopg2 formats the query (any vars, even empty), a % is written %%.
                query = (before if vars is None else before.replace("%", "%%")) + query
        else:
            self._begin_alone()
        return super().execute(query, vars)

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
