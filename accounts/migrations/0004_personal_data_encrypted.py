"""The SSN is stored encrypted, and the date of birth moves to an encrypted column (ADR 10).

Existing accounts have no SSN to encrypt: theirs was never stored, so it stays empty.
"""

from django.db import migrations

import accounts.model_fields


def encrypt_dates_of_birth(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(date_of_birth=None).only("pk", "date_of_birth").iterator():
        User.objects.filter(pk=user.pk).update(date_of_birth_encrypted=user.date_of_birth)


def decrypt_dates_of_birth(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(date_of_birth_encrypted=None).iterator():
        User.objects.filter(pk=user.pk).update(date_of_birth=user.date_of_birth_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="ssn",
            field=accounts.model_fields.EncryptedTextField(
                blank=True, default="", editable=False, verbose_name="SSN"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="date_of_birth_encrypted",
            field=accounts.model_fields.EncryptedDateField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_dates_of_birth, decrypt_dates_of_birth),
        migrations.RemoveField(model_name="user", name="date_of_birth"),
        migrations.RenameField(
            model_name="user", old_name="date_of_birth_encrypted", new_name="date_of_birth"
        ),
    ]
