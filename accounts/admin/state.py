"""What the account's page shows the help desk about its state (a read, for the panel).

Never a secret: no password hash, authenticator key or backup code digest, only whether they
exist and when they were used. Roles and requests are read through the reverse relations
(``role_assignments``, ``access_requests``): accounts imports neither organizations nor
approvals.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticToken

from accounts.lockout import user_is_locked
from accounts.models import AuthenticatorApp, User
from accounts.two_factor import user_requires_two_factor


def admin_change_url(obj, viewer: User) -> str:
    """The admin page of ``obj`` if ``viewer`` may see it and the admin has one, else ""."""
    opts = obj._meta
    label = f"{opts.app_label}.%s_{opts.model_name}"
    if not (viewer.has_perm(label % "view") or viewer.has_perm(label % "change")):
        return ""
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    warning: bool = False  # shown highlighted: something the agent should notice


@dataclass
class AccountState:
    sign_in: list[Row] = field(default_factory=list)
    two_factor: list[Row] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    audit_url: str = ""


def _when(moment: datetime | None, never: str = "Never") -> str:
    if moment is None:
        return never
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _status(user: User) -> Row:
    if not user.is_active:
        if user.disabled_for_inactivity_at:
            since = _when(user.disabled_for_inactivity_at)
            return Row("Status", f"Disabled for inactivity since {since}", warning=True)
        return Row("Status", "Disabled", warning=True)
    return Row("Status", "Active")


def _lock(user: User) -> Row:
    if user_is_locked(user=user):
        return Row("Locked", f"Yes, until {_when(user.locked_until)}", warning=True)
    if user.locked_until is not None:
        return Row("Locked", f"No (the last lock ended {_when(user.locked_until)})")
    return Row("Locked", "No")


def _failures(user: User) -> Row:
    window = settings.LOGIN_FAILURE_WINDOW
    count = user.login_failures.filter(at__gt=timezone.now() - window).count()
    minutes = int(window.total_seconds() // 60)
    text = f"{count} in the last {minutes} minutes (the account locks at {settings.LOGIN_FAILURE_LIMIT})"
    if user_is_locked(user=user):
        text += "; locking started the count again"
    return Row("Failed sign-ins", text, warning=count > 0)


def _first_sign_in(user: User) -> Row:
    missing = []
    if user.must_change_password:
        missing.append("change the temporary password")
    if not user.has_authentication_answers():
        missing.append("answer the authentication questions")
    if not missing:
        return Row("First sign-in", "Done")
    return Row("First sign-in", "Not done: must " + " and ".join(missing), warning=True)


def _temporary_password(user: User) -> Row:
    if not user.must_change_password:
        return Row("Temporary password", "None")
    if user.temporary_password_used_at is not None:
        used = _when(user.temporary_password_used_at)
        return Row("Temporary password", f"Used at {used}; a new password was not chosen yet")
    expires = user.temporary_password_expires_at
    if expires is None:
        return Row("Temporary password", "Being sent (not in the mail yet)")
    if expires <= timezone.now():
        return Row("Temporary password", f"Expired at {_when(expires)}", warning=True)
    return Row("Temporary password", f"Sent; expires at {_when(expires)}")


def _two_factor(user: User) -> list[Row]:
    apps = list(AuthenticatorApp.objects.filter(user=user).order_by("pk"))
    confirmed = [app for app in apps if app.confirmed]
    rows = [
        Row("Required", "Yes (role or staff)" if user_requires_two_factor(user) else "No"),
    ]
    if confirmed:
        app = confirmed[-1]
        rows.append(
            Row(
                "Authenticator app",
                f"Set up {_when(app.created_at, 'at an unknown time')}; "
                f"last used {_when(app.last_used_at)}",
            )
        )
    elif apps:
        rows.append(Row("Authenticator app", "Set-up started, not finished"))
    else:
        rows.append(Row("Authenticator app", "Not set up"))
    unused = StaticToken.objects.filter(device__user=user).count()
    rows.append(Row("Backup codes", f"{unused} unused" if unused else "None"))
    return rows


def _roles(user: User, viewer: User) -> list[dict]:
    assignments = user.role_assignments.select_related("organization", "group__organization")
    roles = []
    for assignment in assignments.order_by("status", "-granted_at"):
        organization = assignment.organization or (
            assignment.group.organization if assignment.group_id else None
        )
        roles.append(
            {
                "role": assignment.get_role_display(),
                "organization": organization,
                "organization_url": admin_change_url(organization, viewer) if organization else "",
                "group": assignment.group,
                "group_url": admin_change_url(assignment.group, viewer) if assignment.group else "",
                "status": assignment.get_status_display(),
                "active": assignment.status == "active",
                "granted_at": _when(assignment.granted_at),
            }
        )
    return roles


def _requests(user: User, viewer: User) -> list[dict]:
    return [
        {
            "tracking_number": request.tracking_number or "Draft (not submitted)",
            "url": admin_change_url(request, viewer),
            "role": request.get_role_display(),
            "status": request.get_status_display(),
            "submitted_at": _when(request.submitted_at, "Not submitted"),
        }
        for request in user.access_requests.order_by("-created_at")
    ]


def _audit_url(user: User, viewer: User) -> str:
    if not viewer.has_perm("audit.view_auditevent"):
        return ""
    try:
        changelist = reverse("admin:audit_auditevent_changelist")
    except NoReverseMatch:
        return ""
    return (
        f"{changelist}?{urlencode({'target_type': user._meta.label_lower, 'target_id': user.pk})}"
    )


def account_state(user: User, *, viewer: User) -> AccountState:
    return AccountState(
        sign_in=[
            _status(user),
            Row("Last sign-in", _when(user.last_login)),
            _lock(user),
            _failures(user),
            _first_sign_in(user),
            _temporary_password(user),
        ],
        two_factor=_two_factor(user),
        roles=_roles(user, viewer),
        requests=_requests(user, viewer),
        audit_url=_audit_url(user, viewer),
    )
