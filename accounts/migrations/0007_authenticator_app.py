"""Authenticator apps with an encrypted key (ADR 11), and the move of django-otp's devices.

Until now the apps were django-otp's ``TOTPDevice`` rows, whose key is clear hex. Each such row
becomes an ``AuthenticatorApp`` (its key encrypted; its last accepted step, drift, throttling
and timestamps kept) and is then deleted, so no key stays in clear. The ``otp_totp`` app is no
longer installed, so its table is read with SQL, and only if it exists. A device with other
parameters than 30-second steps, 6 digits and t0 = 0 (the portal never made one) is not
carried over: its owner sets up the app again. Reversing leaves the keys encrypted.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.model_fields
import accounts.models

# Whole statements, not assembled: the table is fixed and its name needs no quoting.
LEGACY_TABLE = "otp_totp_totpdevice"
LEGACY_SELECT = (
    "SELECT user_id, name, confirmed, key, step, t0, digits, drift, last_t, "
    "throttling_failure_timestamp, throttling_failure_count, created_at, last_used_at "
    "FROM otp_totp_totpdevice"
)
LEGACY_DELETE = "DELETE FROM otp_totp_totpdevice"


def legacy_devices_move(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    AuthenticatorApp = apps.get_model("accounts", "AuthenticatorApp")
    with connection.cursor() as cursor:
        cursor.execute(LEGACY_SELECT)
        columns = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            if (row.pop("step"), row.pop("t0"), row.pop("digits")) != (30, 0, 6):
                continue
            created_at = row.pop("created_at")
            app = AuthenticatorApp.objects.create(**{**row, "key": row["key"].lower()})
            # auto_now_add set it to now; keep when the person really set the app up.
            AuthenticatorApp.objects.filter(pk=app.pk).update(created_at=created_at)
        cursor.execute(LEGACY_DELETE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_signin_lockout"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorApp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                (
                    "key",
                    accounts.model_fields.EncryptedTextField(
                        default=accounts.models.authenticator_key_new, editable=False
                    ),
                ),
                ("drift", models.SmallIntegerField(default=0)),
                (
                    "last_t",
                    models.BigIntegerField(
                        default=-1,
                        help_text="The time step of the last accepted code; older ones are refused.",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "abstract": False,
            },
        ),
        migrations.RunPython(legacy_devices_move, migrations.RunPython.noop),
    ]
