"""Migration operations that run only on PostgreSQL (ADR 18, ADR 23).

A pg_trgm GIN index has no SQLite equivalent, and SQLite (``make run``, tests by default) must
still migrate. The index stays in the model's ``Meta.indexes`` so ``makemigrations --check``
sees the state it expects; only the SQL is skipped elsewhere.
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db.migrations.operations import AddIndex, RunSQL


class PostgreSQLOnly:
    """Runs the operation's SQL on PostgreSQL; elsewhere changes only the migration state."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgreSQL(PostgreSQLOnly, AddIndex):
    pass


class TrigramExtensionOnPostgreSQL(PostgreSQLOnly, TrigramExtension):
    """pg_trgm. (Django's own skips SQLite going forwards, but not backwards.)"""


class BtreeGinExtensionOnPostgreSQL(PostgreSQLOnly, BtreeGinExtension):
    """btree_gin: a plain column (the state) beside the trigrams in one GIN index."""


class RunSQLOnPostgreSQL(PostgreSQLOnly, RunSQL):
    """SQL of PostgreSQL's own (a function, say), which SQLite has no use for."""
