"""The mail record becomes the transactional outbox (issue 7, ADR 14).

Rows recorded before hold no params, so nothing can build them again: one left "sending" (a
send that never finished) is marked failed, so the redispatch does not pick it up.
"""

import django.db.models.deletion
from django.db import migrations, models


def legacy_sending_failed(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    OutgoingEmail.objects.filter(status="sending").update(
        status="failed",
        last_error="The attempt did not finish, before the outbox (issue 7): it cannot be retried.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_staff_groups_view_sent_mail"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="outgoingemail",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("retry_outgoingemail", "Can retry a failed email")],
                "verbose_name": "email",
                "verbose_name_plural": "sent mail",
            },
        ),
        migrations.RemoveField(
            model_name="outgoingemail",
            name="message_key",
        ),
        migrations.RemoveField(
            model_name="outgoingemail",
            name="task_id",
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="follows",
            field=models.ForeignKey(
                blank=True,
                help_text="Sent only after this email (the User ID before the temporary password).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="followers",
                to="outbox.outgoingemail",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a queued email is due.",
                null=True,
                verbose_name="next attempt",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="params",
            field=models.JSONField(
                default=dict,
                editable=False,
                help_text="What the email is built from: ids and plain values, never a secret.",
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="last_error",
            field=models.TextField(
                blank=True, help_text="Why the last attempt failed (the error's class and message)."
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="outgoingemail",
            index=models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due"),
        ),
        migrations.RunPython(legacy_sending_failed, migrations.RunPython.noop),
    ]
