"""The function a held write that must change a number of rows calls (ADR 22,
``iacs_portal.compiled_writes.expecting_rows``): on PostgreSQL only."""

from django.db import migrations

from iacs_portal.postgres_only import RunSQLOnPostgreSQL

CREATE = """
CREATE OR REPLACE FUNCTION iacs_expect_rows(changed bigint, wanted bigint, code text, message text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF changed <> wanted THEN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
    END IF;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        RunSQLOnPostgreSQL(
            CREATE,
            reverse_sql="DROP FUNCTION IF EXISTS iacs_expect_rows(bigint, bigint, text, text)",
        ),
    ]
