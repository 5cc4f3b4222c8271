"""Organization search by part of the name at national scale (ADR 18): a pg_trgm GIN index.

PostgreSQL only: both operations do nothing on SQLite, where the model state still records
the index so ``makemigrations --check`` stays clean.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

from iacs_portal.postgres_only import AddIndexOnPostgreSQL, TrigramExtensionOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0005_staff_permissions"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        AddIndexOnPostgreSQL(
            model_name="organization",
            index=GinIndex(
                OpClass(Upper("legal_name"), name="gin_trgm_ops"), name="org_legal_name_trgm"
            ),
        ),
    ]
