"""The world the authorization matrix asks about: tests/approvals/world.py's approvers, the
actors it lacks, and one object for each object label of ``expectations``.

Built once for the tests of this package (``conftest.authz_world``), inside a transaction
rolled back at the end; each request of the matrix runs in a savepoint of its own
(``support.ask``), so a POST that changes something (a cancellation, a staff action) changes
nothing for the next actor.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AuthenticationQuestion, User
from accounts.recovery import recovery_tokens
from accounts.verification import email_verification_start
from approvals.models import AccessRequest
from iacs_portal.audit.services import audit_record
from iacs_portal.outbox.backend import SUFFIX, OutboxEmailBackend
from iacs_portal.staff_groups import HELP_DESK
from organizations.models import Community, Organization, RoleAssignment, UserGroup
from organizations.roles import Role
from tests.approvals.world import MATRIX, approvers_world, make_request
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    community,
    failed_email,
    role_holder,
    staff_member,
)
from tests.factories import submitted_request as submitted
from tests.two_factor import authenticator

from .expectations import REQUEST_KIND_LABEL

UNKNOWN_PK = 987654321


def build_world(outbox_dir) -> SimpleNamespace:
    """The people, and every object the tables name, keyed by the tables' labels:
    ``portal_urls`` (URL key -> label -> URL) and ``admin_objects`` (model -> label -> object).
    """
    world = approvers_world()
    world.people.help_desk = staff_member(HELP_DESK)
    world.people.applicant = role_holder(Role.END_USER, group=world.a_front)
    world.requests = _requests(world)
    world.outbox_dir = outbox_dir
    world.portal_urls = {
        **_request_urls(world),
        "organizations:remove-role": {
            label: reverse("organizations:remove-role", args=[pk])
            for label, pk in _roles(world).items()
        },
        "registration:terms": _terms_urls(),
        **_outbox_urls(outbox_dir),
        "admin:view_on_site": {
            "an account": reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(User).pk, world.people.a_end_user.pk],
            )
        },
        "admin:auth_user_password_change": {
            "an account": reverse(
                "admin:auth_user_password_change", args=[world.people.a_end_user.pk]
            )
        },
    }
    world.admin_objects = _admin_objects(world)
    return world


def add_reset_links(world) -> None:
    """A Forgot password link of the End User of group A, and a forged one: made after the
    sign-ins, since a sign-in spends every link issued before it."""
    person = User.objects.get(pk=world.people.a_end_user.pk)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    world.portal_urls["accounts:password_reset_confirm"] = {
        "a valid link of the End User of group A": reverse(
            "accounts:password_reset_confirm", args=[uid, recovery_tokens.make_token(person)]
        ),
        "a forged link": reverse(
            "accounts:password_reset_confirm", args=[uid, "cz3kq0-0123456789abcdef0123"]
        ),
    }


def _requests(world) -> dict[str, AccessRequest]:
    """One pending request of each kind of the approval MATRIX, and the applicant's two."""
    people = world.people
    requests = {REQUEST_KIND_LABEL.format(kind=kind): make_request(world, kind) for kind in MATRIX}
    decided = submitted(
        Role.END_USER, group=world.a_front, group_action="join", applicant=people.applicant
    )
    AccessRequest.objects.filter(pk=decided.pk).update(
        status=AccessRequest.Status.APPROVED,
        decided_by=people.a_front_uga,
        decided_at=timezone.now(),
    )
    return {
        **requests,
        "the applicant's pending request to join group A": submitted(
            Role.END_USER,
            group=world.a_billing,
            group_action="join",
            kind="additional_role",
            applicant=people.applicant,
        ),
        "the applicant's decided request": decided,
    }


def _request_urls(world) -> dict[str, dict[str, str]]:
    requests = world.requests

    def url(name: str, label: str) -> str:
        return reverse(name, args=[requests[label].tracking_number])

    own = "the applicant's pending request to join group A"
    return {
        "approvals:detail": {
            **{label: url("approvals:detail", label) for label in requests},
            "an unknown tracking number": reverse("approvals:detail", args=["IR-00000-00000"]),
        },
        "my_requests:cancel": {
            own: url("my_requests:cancel", own),
            "the surrogate UGA's pending association": url(
                "my_requests:cancel", REQUEST_KIND_LABEL.format(kind="association")
            ),
            "the applicant's decided request": url(
                "my_requests:cancel", "the applicant's decided request"
            ),
            "a registration without an account": url(
                "my_requests:cancel", REQUEST_KIND_LABEL.format(kind="so")
            ),
        },
    }


def _roles(world) -> dict[str, int]:
    people = world.people

    def role_of(user, role: str) -> int:
        return RoleAssignment.objects.get(user=user, role=role, status="active").pk

    removed = RoleAssignment.objects.create(
        user=role_holder(Role.END_USER, group=world.a_billing),
        role=Role.END_USER,
        organization=world.a,
        group=world.a_billing,
        granted_at=timezone.now(),
        status=RoleAssignment.Status.REVOKED,
    )
    uga, bso, so = (
        Role.USER_GROUP_ADMINISTRATOR,
        Role.BACKUP_SECURITY_OFFICIAL,
        Role.SECURITY_OFFICIAL,
    )
    return {
        "the End User role of group A": role_of(people.a_end_user, Role.END_USER),
        "the End User role of group A-front": role_of(people.applicant, Role.END_USER),
        "the UGA role of group A": role_of(people.a_billing_uga, uga),
        "the BSO role of organization X": role_of(people.a_bso, bso),
        "the only SO role of organization X": role_of(people.a_so, so),
        "the SO role of organization Y": role_of(people.b_so, so),
        "the UGA role of Y's surrogate group": role_of(people.b_uga, uga),
        "the Individual Practitioner role": role_of(
            people.practitioner, Role.INDIVIDUAL_PRACTITIONER
        ),
        "a removed End User role of group A": removed.pk,
        "an unknown role": UNKNOWN_PK,
    }


def _terms_urls() -> dict[str, str]:
    inactive = Community.objects.create(slug="retired", name="Retired Community", is_active=False)
    return {
        "the Provider/Supplier community": reverse("registration:terms", args=[community().slug]),
        "an inactive community": reverse("registration:terms", args=[inactive.slug]),
        "an unknown community": reverse("registration:terms", args=["no-such-community"]),
    }


def _outbox_urls(outbox_dir) -> dict[str, dict[str, str]]:
    """One message, with an HTML version, in a development outbox of its own."""
    with override_settings(OUTBOX_DIR=str(outbox_dir)):
        message = EmailMultiAlternatives("Hello", "Text", "portal@example.org", ["a@example.org"])
        message.attach_alternative("<p>Text</p>", "text/html")
        OutboxEmailBackend().send_messages([message])
    [message_file] = outbox_dir.iterdir()
    message_id = message_file.name.removesuffix(SUFFIX)
    unknown = "20200101T000000000000-00000000"
    return {
        name: {
            "a message, outbox on": reverse(name, args=[message_id]),
            "an unknown message, outbox on": reverse(name, args=[unknown]),
            "a message, outbox off": reverse(name, args=[message_id]),
        }
        for name in ("outbox:detail", "outbox:html")
    }


def _admin_objects(world) -> dict[str, dict[str, object]]:
    """Model label -> object label -> object; the first is the one whose pages are asked for."""
    people, requests = world.people, world.requests
    registration = requests[REQUEST_KIND_LABEL.format(kind="so")]
    failed = failed_email(people.a_end_user)
    return {
        "accounts.user": _accounts(world),
        "accounts.authenticationquestion": {
            "a question": AuthenticationQuestion.objects.order_by("pk").first()
        },
        "organizations.community": {"a community": community()},
        "organizations.organization": {
            "an approved organization": world.a,
            "a pending organization": OrganizationFactory(status=Organization.Status.PENDING),
            "a suspended organization": OrganizationFactory(status=Organization.Status.SUSPENDED),
            "an organization a pending request proposes": registration.organization,
        },
        "organizations.usergroup": {
            "a user group": world.a_billing,
            "a pending user group": UserGroupFactory(
                organization=world.a, status=UserGroup.Status.PENDING
            ),
        },
        "organizations.roleassignment": {
            "a role": RoleAssignment.objects.get(user=people.a_end_user, status="active")
        },
        "approvals.accessrequest": {
            "a pending SO request": registration,
            "a pending BSO request": requests[REQUEST_KIND_LABEL.format(kind="bso")],
            "a draft waiting for its email code": AccessRequest.objects.create(
                community=community(),
                role=Role.INDIVIDUAL_PRACTITIONER,
                email="waiting@example.org",
                email_verification=email_verification_start(email="waiting@example.org"),
            ),
        },
        "outbox.outgoingemail": {"a failed email": failed},
        "audit.auditevent": {
            "an event": audit_record(
                action="request.viewed", target=registration, reason="Checked by phone"
            )
        },
        "auth.group": {"a staff group": Group.objects.get(name=HELP_DESK)},
    }


def _accounts(world) -> dict[str, User]:
    """Accounts in the states the help desk's actions apply to."""
    locked = role_holder(Role.END_USER, group=world.a_front)
    locked.locked_until = timezone.now() + timedelta(hours=1)
    locked.must_change_password = True  # so its credentials can be sent again
    locked.save()
    authenticator(locked)  # so its two-factor sign-in can be reset
    disabled = role_holder(Role.END_USER, group=world.a_front)
    disabled.is_active = False
    disabled.save()
    colleague = staff_member(HELP_DESK)
    authenticator(colleague)
    return {
        "an account": world.people.a_end_user,
        "a locked account": locked,
        "a disabled account": disabled,
        "a staff account": colleague,
        "a disabled staff account": staff_member(HELP_DESK, is_active=False),
        "an administrator's account": staff_member(None, is_superuser=True),
    }
