from django.db import migrations


def add_communities(apps, schema_editor):
    from organizations.communities import ensure_communities

    ensure_communities(apps.get_model("organizations", "Community"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_communities, migrations.RunPython.noop)]
