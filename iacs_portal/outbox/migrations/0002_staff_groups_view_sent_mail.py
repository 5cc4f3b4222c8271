"""The staff groups see the sent mail: ``outbox.view_outgoingemail`` (iacs_portal.staff_groups).

Depends on the latest migration of every app whose permissions the groups hold, so that it
runs after all of them and the groups end up with exactly their permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def groups_update(apps, schema_editor):
    from iacs_portal.staff_groups import ensure_staff_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # create_permissions skips an app without this
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    # skip_missing: a later app's migration may add permissions of a newer STAFF_GROUPS.
    ensure_staff_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), skip_missing=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_outgoing_email"),
        ("approvals", "0007_staff_groups"),
        ("accounts", "0008_staff_permissions"),
        ("organizations", "0005_staff_permissions"),
        ("audit", "0002_append_only_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Backwards: the groups lose nothing they need; the permission goes with the model.
    operations = [migrations.RunPython(groups_update, migrations.RunPython.noop)]
