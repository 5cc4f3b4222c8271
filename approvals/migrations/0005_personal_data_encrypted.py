"""The SSN is stored encrypted, and the date of birth moves to an encrypted column (ADR 10).

Existing requests have no SSN to encrypt: theirs was never stored, so it stays empty.
"""

from django.db import migrations

import accounts.model_fields


def encrypt_dates_of_birth(apps, schema_editor):
    AccessRequest = apps.get_model("approvals", "AccessRequest")
    rows = AccessRequest.objects.exclude(date_of_birth=None).only("pk", "date_of_birth")
    for row in rows.iterator():
        AccessRequest.objects.filter(pk=row.pk).update(date_of_birth_encrypted=row.date_of_birth)


def decrypt_dates_of_birth(apps, schema_editor):
    AccessRequest = apps.get_model("approvals", "AccessRequest")
    for row in AccessRequest.objects.exclude(date_of_birth_encrypted=None).iterator():
        AccessRequest.objects.filter(pk=row.pk).update(date_of_birth=row.date_of_birth_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_personal_data_encrypted"),
        ("approvals", "0004_history_is_the_audit_trail"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrequest",
            name="ssn",
            field=accounts.model_fields.EncryptedTextField(
                blank=True, default="", editable=False, verbose_name="SSN"
            ),
        ),
        migrations.AddField(
            model_name="accessrequest",
            name="date_of_birth_encrypted",
            field=accounts.model_fields.EncryptedDateField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_dates_of_birth, decrypt_dates_of_birth),
        migrations.RemoveField(model_name="accessrequest", name="date_of_birth"),
        migrations.RenameField(
            model_name="accessrequest",
            old_name="date_of_birth_encrypted",
            new_name="date_of_birth",
        ),
    ]
