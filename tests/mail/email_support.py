"""Representative contexts for every email event, a renderer, and a reader for HTML bodies.

Each context holds the names its builder returns (accounts/emails.py, approvals/emails.py,
organizations/emails.py), with values of the same kind. ``help_desk`` is added by
``iacs_portal.outbox.rendering``, as ``render`` does here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization, RoleAssignment
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
    UserGroupFactory,
    submitted_request,
)

EMAILS_DIR = Path(__file__).resolve().parents[2] / "templates" / "emails"
EVENTS = sorted(path.name for path in EMAILS_DIR.iterdir() if path.is_dir())

# Values with characters that HTML escapes, as names and passwords can hold.
PASSWORD = "Tq7&mZ2pLx9<vR4>wK8s"
CODE = "482913"


def person(**fields):
    return UserFactory(first_name="Siobhan", last_name="O'Neill", **fields)


def _user() -> dict:
    return {"user": person()}


def _temporary_password() -> dict:
    hours = int(settings.TEMPORARY_PASSWORD_TTL.total_seconds() // 3600)
    return {"user": person(), "password": PASSWORD, "hours": hours}


def _reset_link() -> str:
    path = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": "Mw", "token": "cz1x4-9f2e6b0a1d"}
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _email_changed(to_old: bool) -> Callable[[], dict]:
    def build() -> dict:
        user = person(email="siobhan.new@example.org")
        return {
            "user": user,
            "old_email": "siobhan.old@example.org",
            "new_email": user.email,
            "to_old": to_old,
        }

    return build


def _two_factor(change: str) -> Callable[[], dict]:
    from accounts.emails import TWO_FACTOR_CHANGES

    return lambda: {
        "user": person(),
        "change": TWO_FACTOR_CHANGES[change],
        "by_help_desk": change == "help_desk_reset",
    }


def _registration(role=Role.BACKUP_SECURITY_OFFICIAL):
    organization = OrganizationFactory(legal_name="O'Hara & Sons Clinic")
    return submitted_request(role, organization=organization)


def _added_role():
    """An account holder's request for a role in a user group (not a registration)."""
    from approvals.models import AccessRequest

    group = UserGroupFactory()
    return submitted_request(
        Role.END_USER,
        group=group,
        kind=AccessRequest.Kind.ADDITIONAL_ROLE,
        applicant=person(),
    )


def _denied(access_request):
    access_request.deny(
        by=UserFactory(),
        reason=access_request.DenialReason.NOT_EMPLOYED,
        note="Not on our staff list.\nAsk your manager.",
    )
    access_request.save()
    return access_request


def _request_reminder() -> dict:
    access_request = _registration()
    return {
        "request": access_request,
        "queue_path": reverse("approvals:queue"),
        "expires_at": access_request.expires_at,
    }


def _role_removed() -> dict:
    holder = person()
    assignment = RoleAssignmentFactory(
        user=holder,
        role=Role.END_USER,
        status=RoleAssignment.Status.REVOKED,
        revoked_at=timezone.now(),
        revoked_by=UserFactory(),
        revocation_reason="Left the practice in May.",
    )
    return {"assignment": assignment, "user": holder}


def _security_official_seated() -> dict:
    holder = person()
    assignment = RoleAssignmentFactory(user=holder, role=Role.SECURITY_OFFICIAL)
    return {"assignment": assignment, "user": holder}


def _organization(status) -> Callable[[], dict]:
    return lambda: {
        "organization": OrganizationFactory(legal_name="O'Hara & Sons <Clinic>", status=status)
    }


def _forgot_user_id() -> dict:
    dormant = person(is_active=False, disabled_for_inactivity_at=timezone.now())
    return {"users": [person(), dormant, person(is_active=False)]}


# One context per event: the first of each event's cases is its representative one; the
# others take the template's other branches.
CASES: dict[str, dict[str, Callable[[], dict]]] = {
    "email_verification": {
        "code": lambda: {
            "code": CODE,
            "minutes": _minutes(settings.EMAIL_VERIFICATION_CODE_TTL),
        }
    },
    "account_id": {"new_account": _user},
    "account_password": {"new_account": _temporary_password},
    "duplicate_registration": {"holder": _user},
    "forgot_user_id": {"three_accounts": _forgot_user_id},
    "password_reset": {
        "link": lambda: {
            "user": person(),
            "link": _reset_link(),
            "minutes": _minutes(settings.PASSWORD_RESET_LINK_TTL),
        }
    },
    "password_reset_unavailable": {"first_login_unfinished": _user},
    "password_changed": {"holder": _user},
    "answers_changed": {"holder": _user},
    "email_changed": {"to_old": _email_changed(True), "to_new": _email_changed(False)},
    "account_disabled_inactive": {
        "inactive": lambda: {"user": person(), "days": settings.ACCOUNT_INACTIVITY_LIMIT.days}
    },
    "account_locked": {
        "locked": lambda: {
            "user": person(),
            "minutes": _minutes(settings.LOGIN_LOCKOUT_DURATION),
            "failures": settings.LOGIN_FAILURE_LIMIT,
        }
    },
    "two_factor_changed": {
        "help_desk_reset": _two_factor("help_desk_reset"),
        "enrolled": _two_factor("enrolled"),
    },
    "help_desk_user_id": {"holder": _user},
    "account_unlocked": {"holder": _user},
    "account_disabled": {"holder": _user},
    "account_enabled": {"holder": _user},
    "help_desk_temporary_password": {"holder": _temporary_password},
    "request_submitted": {
        "registration": lambda: {"request": _registration()},
        "added_role": lambda: {"request": _added_role()},
    },
    "request_awaiting_approval": {
        "in_organization": lambda: {
            "request": _registration(),
            "queue_path": reverse("approvals:queue"),
        },
        "in_group": lambda: {"request": _added_role(), "queue_path": reverse("approvals:queue")},
    },
    "request_denied": {
        "registration": lambda: {"request": _denied(_registration())},
        "added_role": lambda: {"request": _denied(_added_role())},
    },
    "role_granted": {
        "added_role": lambda: {"request": (r := _added_role()), "user": r.applicant},
    },
    "request_expired": {
        "registration": lambda: {
            "request": _registration(),
            "days": settings.PENDING_REQUEST_TTL.days,
        }
    },
    "request_reminder": {"registration": _request_reminder},
    "role_removed": {"revoked": _role_removed},
    "security_official_seated": {"seated": _security_official_seated},
    "organization_status_changed": {
        "suspended": _organization(Organization.Status.SUSPENDED),
        "reinstated": _organization(Organization.Status.APPROVED),
    },
}

ALL_CASES = [(event, name) for event, cases in CASES.items() for name in cases]


@dataclass
class Rendered:
    subject: str  # as rendered, before rendering.render_message joins its lines
    text: str
    html: str


def render(event: str, context: dict) -> Rendered:
    """As ``iacs_portal.outbox.rendering.render_message`` renders an email."""
    context = {"help_desk": settings.HELP_DESK, **context}
    return Rendered(
        *(
            render_to_string(f"emails/{event}/{name}", context)
            for name in ("subject.txt", "body.txt", "body.html")
        )
    )


def render_footer() -> str:
    return render_to_string("emails/footer.txt", {"help_desk": settings.HELP_DESK})


def words(text: str) -> str:
    return " ".join(text.split())


VOID = {"br", "hr", "meta", "img", "input", "link"}
BLOCKS = {"p", "li", "ul", "ol", "br", "hr", "div", "h1", "h2", "h3", "body", "title", "pre"}


class Page(HTMLParser):
    """What an HTML body holds: its language, title, visible text, tags, attributes, links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.title = ""
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.links: list[list[str]] = []  # [href, text]
        self.paragraphs: list[str] = []
        self._text: list[str] = []
        self._open: list[str] = []  # the elements the parser is in

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        if tag == "a":
            self.links.append([dict(attrs).get("href") or "", ""])
        if tag == "p":
            self.paragraphs.append("")
        if tag in BLOCKS:
            self._text.append(" ")
        if tag not in VOID:
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
        if tag in BLOCKS:
            self._text.append(" ")

    def handle_data(self, data):
        if "title" in self._open:
            self.title += data
            return
        self._text.append(data)
        if "a" in self._open:
            self.links[-1][1] += data
        if "p" in self._open:
            self.paragraphs[-1] += data

    @property
    def text(self) -> str:
        return words("".join(self._text))


def read_html(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page
