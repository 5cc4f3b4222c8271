"""The staff groups see the sent mail: ``outbox.view_outgoingemail`` (iacs_portal.staff_groups).

Depends on the latest migration of every app whose permissions the groups hold, so that it
runs after all of them and the groups end up with exactly their permissions.
"""

from django.db import migrations

from iacs_portal.staff_groups import staff_groups_migrate


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
    operations = [migrations.RunPython(staff_groups_migrate, migrations.RunPython.noop)]
