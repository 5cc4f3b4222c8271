"""The staff groups may retry a failed email: ``outbox.retry_outgoingemail``
(iacs_portal.staff_groups). Runs after the latest migration of every app whose permissions
the groups hold."""

from django.db import migrations

from iacs_portal.staff_groups import staff_groups_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0003_transactional_outbox"),
        ("approvals", "0007_staff_groups"),
        ("accounts", "0008_staff_permissions"),
        ("organizations", "0005_staff_permissions"),
        ("audit", "0002_append_only_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Backwards: the groups lose nothing they need; the permission goes with the model.
    operations = [migrations.RunPython(staff_groups_migrate, migrations.RunPython.noop)]
