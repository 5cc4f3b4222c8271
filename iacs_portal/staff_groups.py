"""The help desk's staff roles as Django groups, each with the least permissions it needs.

- "Help Desk": find people (view accounts, requests, organizations, groups, roles, the audit
  trail, the sent mail), unlock, reset a password or two-factor sign-in, resend emails.
- "CMS Approver": all of that, and decide Security Official and Individual Practitioner
  requests, approve or suspend organizations and user groups, hand over a Security Official's
  role, disable or enable accounts.

Reference data (communities, authentication questions) and staff accounts are for superusers
(administrators) only: no group can change them. docs/help-desk.md has the whole matrix.
A change here needs a data migration that calls ``ensure_staff_groups`` again (see its
docstring; approvals/0007 and outbox/0002 are examples).
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
