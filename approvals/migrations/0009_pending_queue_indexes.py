"""The Pending Approvals queue read from its indexes alone (ADR 18).

Partial indexes on the submitted requests, by organization and by group, in the queue's order
and with every column of its filter: the count, the filters' places and a page's ids need no
read of the table. They replace (status, organization) and (status, group).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_username_email_case_insensitive_indexes"),
        ("approvals", "0008_role_queue_index"),
        ("organizations", "0007_state_name_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="accessrequest",
            name="request_queue",
        ),
        migrations.RemoveIndex(
            model_name="accessrequest",
            name="request_group_queue",
        ),
        migrations.AddIndex(
            model_name="accessrequest",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=[
                    "organization",
                    "submitted_at",
                    "id",
                    "role",
                    "group",
                    "applicant",
                    "ssn_digest",
                ],
                name="request_pending_organization",
            ),
        ),
        migrations.AddIndex(
            model_name="accessrequest",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=[
                    "group",
                    "submitted_at",
                    "id",
                    "role",
                    "organization",
                    "applicant",
                    "ssn_digest",
                ],
                name="request_pending_group",
            ),
        ),
    ]
