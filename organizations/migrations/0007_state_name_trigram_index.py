"""Organization search in a state (ADR 18): the state and the name's trigrams in one GIN index.

The wizard's search always names a state. With the trigram index alone, PostgreSQL read from
the table every organization of the country whose name matched, and dropped those of other
states; a word as common as "Cardiology" cost 1,250 table pages. btree_gin lets the state sit in
the same GIN index. PostgreSQL only, as 0006.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Upper

from iacs_portal.postgres_only import AddIndexOnPostgreSQL, BtreeGinExtensionOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_legal_name_trigram_index"),
    ]

    operations = [
        BtreeGinExtensionOnPostgreSQL(),
        AddIndexOnPostgreSQL(
            model_name="organization",
            index=GinIndex(
                F("state"),
                OpClass(Upper("legal_name"), name="gin_trgm_ops"),
                name="org_state_name_trgm",
            ),
        ),
    ]
