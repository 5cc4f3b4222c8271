"""The admin's part of the authorization matrix: per registered model, who may view, add,
change and delete, and who may take each staff action (docs/help-desk.md "Staff roles").

Read by ``test_admin_matrix`` (every admin URL of every model, for every actor) and by
``test_url_classification`` (the admin's routes of a model are classified by being here).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from .expectations import (
    CMS_AND_UP,
    FORBIDDEN,
    HELP_DESK_AND_UP,
    NOBODY,
    SUPERUSER,
    TO_CHANGE_PAGE,
    Rule,
)

# The admin, per model (docs/help-desk.md "Staff roles") --------------------------------------


@dataclass(frozen=True)
class AdminModel:
    """Who may do what on one model's admin pages (the anonymous visitor: sent to sign in;
    anyone else: 403).

    ``view``: the list, an object's page (read-only without ``change``) and its history.
    ``actions``: (staff action, the object it is asked for) -> who may take it; an action on an
    object it does not apply to now sends those who may back to the object's page.
    """

    view: frozenset[str]
    add: frozenset[str] = NOBODY
    change: frozenset[str] = NOBODY
    delete: frozenset[str] = NOBODY
    actions: Mapping[tuple[str, str], Rule] = field(default_factory=dict)


def may_act(who: frozenset[str]) -> Rule:
    return Rule(who, no=FORBIDDEN)


# Adding, changing and deleting in the admin: administrators only, wherever it is allowed at all.
ADMINISTRATORS_EDIT = {"add": SUPERUSER, "change": SUPERUSER, "delete": SUPERUSER}


ADMIN_MODELS: dict[str, AdminModel] = {
    "accounts.user": AdminModel(
        view=HELP_DESK_AND_UP,
        **ADMINISTRATORS_EDIT,  # staff fields and the person's details included
        actions={
            ("unlock", "a locked account"): may_act(HELP_DESK_AND_UP),
            ("reset-password", "a locked account"): may_act(HELP_DESK_AND_UP),
            ("resend-credentials", "a locked account"): may_act(HELP_DESK_AND_UP),
            ("resend-user-id", "a locked account"): may_act(HELP_DESK_AND_UP),
            ("reset-two-factor", "a locked account"): may_act(HELP_DESK_AND_UP),
            ("disable", "a locked account"): may_act(CMS_AND_UP),
            ("enable", "a disabled account"): may_act(CMS_AND_UP),
            # Letting someone into a staff account is for administrators only.
            ("reset-password", "a staff account"): may_act(SUPERUSER),
            ("reset-two-factor", "a staff account"): may_act(SUPERUSER),
            ("enable", "a disabled staff account"): may_act(SUPERUSER),
            ("disable", "an administrator's account"): may_act(SUPERUSER),
        },
    ),
    "accounts.authenticationquestion": AdminModel(view=SUPERUSER, **ADMINISTRATORS_EDIT),
    "organizations.community": AdminModel(view=SUPERUSER, **ADMINISTRATORS_EDIT),
    "organizations.organization": AdminModel(
        view=HELP_DESK_AND_UP,
        **ADMINISTRATORS_EDIT,
        actions={
            ("approve", "a pending organization"): may_act(CMS_AND_UP),
            ("deny", "a pending organization"): may_act(CMS_AND_UP),
            ("suspend", "an approved organization"): may_act(CMS_AND_UP),
            ("reinstate", "a suspended organization"): may_act(CMS_AND_UP),
            ("reseat-security-official", "an approved organization"): may_act(CMS_AND_UP),
            # Proposed by a pending SO request: decided with the request, not here.
            ("approve", "an organization a pending request proposes"): Rule(
                CMS_AND_UP, yes=TO_CHANGE_PAGE, no=FORBIDDEN
            ),
        },
    ),
    "organizations.usergroup": AdminModel(
        view=HELP_DESK_AND_UP,
        **ADMINISTRATORS_EDIT,
        actions={
            ("approve", "a pending user group"): may_act(CMS_AND_UP),
            ("deny", "a pending user group"): may_act(CMS_AND_UP),
        },
    ),
    "organizations.roleassignment": AdminModel(view=HELP_DESK_AND_UP, **ADMINISTRATORS_EDIT),
    # Requests, sent mail and the audit trail are records: nobody edits them, administrators
    # included; they change only through the actions.
    "approvals.accessrequest": AdminModel(
        view=HELP_DESK_AND_UP,
        actions={
            ("approve", "a pending SO request"): may_act(CMS_AND_UP),
            ("deny", "a pending SO request"): may_act(CMS_AND_UP),
            ("resend-acknowledgement", "a pending SO request"): may_act(HELP_DESK_AND_UP),
            ("resend-verification-code", "a draft waiting for its email code"): may_act(
                HELP_DESK_AND_UP
            ),
            # CMS decides SO and Individual Practitioner requests only: the routing says who.
            ("approve", "a pending BSO request"): Rule(
                CMS_AND_UP, yes=TO_CHANGE_PAGE, no=FORBIDDEN
            ),
        },
    ),
    "outbox.outgoingemail": AdminModel(
        view=HELP_DESK_AND_UP,
        actions={("retry", "a failed email"): may_act(HELP_DESK_AND_UP)},
    ),
    "audit.auditevent": AdminModel(view=HELP_DESK_AND_UP),
    "auth.group": AdminModel(view=SUPERUSER, **ADMINISTRATORS_EDIT),
}

# The routes Django's admin makes for every registered model, and what they are.
ADMIN_MODEL_ROUTES = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/change/": "change",
    "<path:object_id>/": "object",  # redirects to the change page
    "<path:object_id>/do/<slug:action>/": "staff action",  # iacs_portal.admin_actions
}
