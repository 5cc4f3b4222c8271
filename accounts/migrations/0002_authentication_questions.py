from django.db import migrations


def add_questions(apps, schema_editor):
    from accounts.questions import ensure_questions

    ensure_questions(apps.get_model("accounts", "AuthenticationQuestion"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_questions, migrations.RunPython.noop)]
