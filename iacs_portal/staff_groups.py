"""The help desk's staff roles as Django groups, each with the least permissions it needs.

- "Help Desk": find people (view accounts, requests, organizations, groups, roles, the audit
  trail, the sent mail), unlock, reset a password or two-factor sign-in, resend emails, retry
  an email that failed.
- "CMS Approver": all of that, and decide Security Official and Individual Practitioner
  requests, approve or suspend organizations and user groups, hand over a Security Official's
  role, disable or enable accounts.

Reference data (communities, authentication questions) and staff accounts are for superusers
(administrators) only: no group can change them. docs/help-desk.md has the whole matrix.
A change here needs a data migration that runs ``staff_groups_migrate`` again (see its
docstring; outbox/0004 is an example).
"""

HELP_DESK = "Help Desk"
CMS_APPROVER = "CMS Approver"

_HELP_DESK_PERMISSIONS = [
    "accounts.view_user",
    "accounts.unlock_user",
    "accounts.reset_user_password",
    "accounts.resend_user_email",
    "accounts.reset_two_factor",
    "approvals.view_accessrequest",
    "approvals.resend_request_email",
    "organizations.view_organization",
    "organizations.view_usergroup",
    "organizations.view_roleassignment",
    "audit.view_auditevent",
    "outbox.view_outgoingemail",
    "outbox.retry_outgoingemail",
]
STAFF_GROUPS = {
    HELP_DESK: _HELP_DESK_PERMISSIONS,
    CMS_APPROVER: [
        *_HELP_DESK_PERMISSIONS,
        "accounts.disable_user",
        "approvals.decide_staff_requests",
        "organizations.change_organization_status",
        "organizations.change_usergroup_status",
        "organizations.reseat_security_official",
    ],
}


def staff_groups_migrate(apps, schema_editor) -> None:
    """A data migration's step: create the permissions of every app migrated so far, then give
    each group exactly its own (those that exist yet: ``skip_missing``, see below).

    The migration depends on the latest migration of every app whose permissions the groups
    hold, so that it runs after all of them (outbox/0002 and outbox/0004 are examples).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # create_permissions skips an app without this
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_staff_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), skip_missing=True
    )


def ensure_staff_groups(Group, Permission, *, skip_missing: bool = False) -> None:  # noqa: N803
    """Each group exists with exactly its permissions, which must exist (unless skip_missing).

    ``Group`` and ``Permission`` are models, from a migration too. On a new database a data
    migration can run before the migrations that make some permissions of this (newer) list,
    so migrations pass ``skip_missing=True`` and each depends on the migrations that make the
    permissions it adds: the last of them to run then finds every permission. Tests call it
    without, so a misspelt permission fails there.
    """
    for name, codes in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            if skip_missing and not found.exists():
                continue
            permissions.append(found.get())
        group.permissions.set(permissions)
