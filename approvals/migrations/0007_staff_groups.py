"""The staff groups "Help Desk" and "CMS Approver" (iacs_portal.staff_groups).

Django makes permissions after the migrations have run, so they are made here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def groups_create(apps, schema_editor):
    from iacs_portal.staff_groups import ensure_staff_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # create_permissions skips an app without this
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    # On a new database, later permissions (e.g. outbox's) may not exist yet: the migration
    # that makes them runs this again (outbox 0002), see ensure_staff_groups.
    ensure_staff_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), skip_missing=True
    )


def groups_delete(apps, schema_editor):
    from iacs_portal.staff_groups import STAFF_GROUPS

    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_staff_permissions"),
        ("accounts", "0008_staff_permissions"),
        ("organizations", "0005_staff_permissions"),
        ("audit", "0002_append_only_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
