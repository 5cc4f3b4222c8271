"""The pages with a form, each with what must be true before it opens (``SCENARIOS``).

A scenario signs the client in as whoever uses the page, makes what the page needs (a draft at
that wizard step, a request to decide, a role to remove...) and returns the page's address.
``test_every_form_page_has_a_scenario`` checks this list against the URL configuration.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.profile import user_email_change_start
from accounts.recovery import recovery_tokens
from accounts.recovery_views import SESSION_ANSWERED, SESSION_TOKEN, SESSION_USER
from accounts.signin import PENDING_SESSION_KEY
from accounts.verification import email_verification_start
from approvals.models import AccessRequest
from approvals.registration import steps as wizard
from approvals.registration.drafts import DRAFT_SESSION_KEY
from approvals.registration.steps import Step
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from organizations.models import UserGroup
from organizations.roles import Role
from tests.factories import (
    DEMO_PERSON,
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    community,
    role_holder,
    security_official,
    set_up,
    staff_member,
    submitted_request,
)
from tests.helpdesk.support import action_url
from tests.registration import (
    CONTACT,
    NEW_ORGANIZATION,
    PRACTICE,
    PROVIDER_GROUP,
    SURROGATE_GROUP,
    enter_portal,
    enter_signed_in,
)
from tests.two_factor import authenticator

GroupAction = AccessRequest.GroupAction


def session_set(client: Client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


# Drafts -----------------------------------------------------------------------------------------


def draft_at(
    client: Client,
    step: Step,
    *,
    role: str = Role.BACKUP_SECURITY_OFFICIAL,
    kind: str = AccessRequest.Kind.REGISTRATION,
    group_action: str = "",
    organization=None,
    applicant=None,
) -> AccessRequest:
    """A draft whose steps before ``step`` are done, as the wizard would have left it."""
    sequence = wizard.sequence(role, kind)
    done = sequence[: sequence.index(step)]
    person = applicant
    values = {
        "community": community(),
        "kind": kind,
        "role": role,
        "applicant": applicant,
        "completed_steps": [s.value for s in done],
        "terms_accepted_at": timezone.now(),
        "first_name": person.first_name if person else DEMO_PERSON["first_name"],
        "last_name": person.last_name if person else DEMO_PERSON["last_name"],
        "email": person.email if person else "barbara.okafor@example.org",
        "group_action": group_action if Step.GROUP_ACTION in done else "",
    }
    if kind == AccessRequest.Kind.ASSOCIATION:
        values["group_action"] = GroupAction.CREATE_SURROGATE
    if Step.ROLE_TERMS in done:
        values["role_terms_accepted_at"] = timezone.now()
    if Step.USER_INFO in done:
        values.update(ssn="123456781", ssn_last4="6781", ssa_verified_at=timezone.now())
        values["email_verification"] = email_verification_start(email=values["email"])
    if Step.CONTACT in done:
        values.update({**CONTACT, "work_phone": "410-555-0100"})
    details = {}
    if Step.ORGANIZATION in done or step == Step.ORGANIZATION:
        organization = organization or OrganizationFactory(legal_name="Chesapeake Family Medicine")
    if Step.ORGANIZATION in done:
        values["organization"] = organization
    if Step.NEW_ORGANIZATION in done:
        details["organization"] = {**NEW_ORGANIZATION, "ein": "521234567"}
    if Step.PRACTICE in done:
        details["practice"] = {**PRACTICE, "tin": "527777777"}
    if Step.USER_GROUP in done:
        if values["group_action"] in (GroupAction.CREATE_PROVIDER, GroupAction.CREATE_SURROGATE):
            template = SURROGATE_GROUP if "surrogate" in values["group_action"] else PROVIDER_GROUP
            details["group"] = dict(template)
        else:
            values["group"] = UserGroupFactory(organization=organization)
    if Step.JUSTIFICATION in done:
        values["justification"] = "I need this access for my duties."
    draft = AccessRequest.objects.create(details=details, **values)
    session_set(client, **{DRAFT_SESSION_KEY: draft.pk})
    return draft


def registration_step(step: Step, *, role: str = Role.BACKUP_SECURITY_OFFICIAL, action: str = ""):
    def prepare(client: Client) -> str:
        enter_portal(client)
        draft = draft_at(client, step, role=role, group_action=action)
        if step == Step.USER_GROUP:
            UserGroupFactory(organization=draft.organization)  # something to choose
        return reverse(f"registration:{step.value}")

    return prepare


# People -----------------------------------------------------------------------------------------


def signed_in_person(client: Client, **fields):
    user = set_up(UserFactory(**fields))
    enter_signed_in(client, user)
    return user


def with_authenticator(client: Client):
    user = signed_in_person(client)
    authenticator(user)
    return user


def staff_in(client: Client, group: str):
    staff = staff_member(group)
    enter_signed_in(client, staff)
    return staff


# The pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    url_name: str  # as in the URL configuration: "namespace:name"
    prepare: Callable[[Client], str]  # -> the page's address
    variant: str = ""
    admin: bool = False  # the Django admin's own error display
    method: str = "post"
    # The form whose errors the page shows after a refused post (the context's "form" unless
    # the page says otherwise), and any text the page must show instead of form errors.
    shown: Callable[[dict], tuple] = lambda context: (context.get("form"), None)

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.variant}]" if self.variant else self.url_name


def _login(client):
    enter_portal(client)
    set_up(UserFactory(username="USER01"))
    return reverse("accounts:login")


def _login_code(client):
    enter_portal(client)
    user = set_up(UserFactory())
    authenticator(user)
    session_set(client, **{PENDING_SESSION_KEY: {"user_id": user.pk, "at": time.time()}})
    return reverse("accounts:login_code")


def _first_login_password(client):
    signed_in_person(client, must_change_password=True)
    return reverse("accounts:change_password")


def _profile_page(name: str):
    def prepare(client):
        signed_in_person(client)
        return reverse(f"accounts:{name}")

    return prepare


def _change_email_verify(client):
    user = signed_in_person(client)
    verification = user_email_change_start(user=user, new_email="new.address@example.org")
    session_set(client, _email_change_verification_id=verification.pk)
    return reverse("accounts:change_email_verify")


def _anonymous(url_name: str, **kwargs):
    def prepare(client):
        enter_portal(client)
        return reverse(url_name, kwargs=kwargs or None)

    return prepare


def _recovery(*, answered: bool):
    def prepare(client):
        enter_portal(client)
        user = set_up(UserFactory())
        token = recovery_tokens.make_token(user)
        values = {SESSION_USER: user.pk, SESSION_TOKEN: token}
        if answered:
            values[SESSION_ANSWERED] = token
        session_set(client, **values)
        return reverse(
            "accounts:password_reset_new" if answered else "accounts:password_reset_questions"
        )

    return prepare


def _two_factor(name: str):
    def prepare(client):
        with_authenticator(client)
        return reverse(f"accounts:{name}")

    return prepare


def _decision(client):
    organization = OrganizationFactory()
    approver = security_official(organization)
    enter_signed_in(client, approver)
    access_request = submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    return reverse("approvals:detail", args=[access_request.tracking_number])


def _queue(client):
    organization = OrganizationFactory()
    enter_signed_in(client, security_official(organization))
    submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    return reverse("approvals:queue")


def _role_removal(client):
    organization = OrganizationFactory()
    enter_signed_in(client, security_official(organization))
    assignment = role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    return reverse("organizations:remove-role", args=[assignment.role_assignments.get().pk])


def _manage_roles(client):
    organization = OrganizationFactory()
    enter_signed_in(client, security_official(organization))
    role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    return reverse("organizations:manage-roles")


def _user_action(client):
    staff_in(client, CMS_APPROVER)
    return action_url(set_up(UserFactory()), "disable")


def _request_action(action: str):
    def prepare(client):
        staff_in(client, CMS_APPROVER)
        return action_url(submitted_request(Role.INDIVIDUAL_PRACTITIONER), action)

    return prepare


def _reseat(client):
    staff_in(client, CMS_APPROVER)
    organization = OrganizationFactory()
    security_official(organization)
    set_up(UserFactory(username="USER01"))
    return action_url(organization, "reseat-security-official")


def _group_action(client):
    staff_in(client, CMS_APPROVER)
    return action_url(UserGroupFactory(status=UserGroup.Status.PENDING), "approve")


def _mail_retry(client):
    from accounts.emails import user_email_enqueue
    from iacs_portal.outbox.models import OutgoingEmail

    staff_in(client, HELP_DESK)
    email = user_email_enqueue(event="duplicate_registration", user=set_up(UserFactory()))
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    email.refresh_from_db()
    return action_url(email, "retry")


def _organization_step_shows(context) -> tuple:
    """The list to choose from is on the page only when the search found something."""
    if context.get("result_count"):
        return context["form"], None
    if context.get("result_count") == 0:
        return context["search_form"], "No approved organization matches your search"
    return context["search_form"], None


def _add_role(client):
    signed_in_person(client)
    return reverse("registration:add-role")


UGA = Role.USER_GROUP_ADMINISTRATOR
SCENARIOS = [
    # Sign-in and recovery
    Scenario("accounts:login", _login),
    Scenario("accounts:login_code", _login_code),
    Scenario("accounts:forgot_user_id", _anonymous("accounts:forgot_user_id")),
    Scenario("accounts:forgot_password", _anonymous("accounts:forgot_password")),
    Scenario("accounts:password_reset_questions", _recovery(answered=False)),
    Scenario("accounts:password_reset_new", _recovery(answered=True)),
    # My Profile
    Scenario("accounts:change_password", _first_login_password, variant="first login"),
    Scenario("accounts:change_password", _profile_page("change_password")),
    Scenario("accounts:change_answers", _profile_page("change_answers")),
    Scenario("accounts:contact", _profile_page("contact")),
    Scenario("accounts:change_email", _profile_page("change_email")),
    Scenario("accounts:change_email_verify", _change_email_verify),
    Scenario("accounts:two_factor_setup", _profile_page("two_factor_setup")),
    Scenario("accounts:two_factor_backup_codes", _two_factor("two_factor_backup_codes")),
    Scenario("accounts:two_factor_remove", _two_factor("two_factor_remove")),
    # New User Registration and signed-in requests
    Scenario("registration:terms", _anonymous("registration:terms", community="provider-supplier")),
    Scenario("registration:role", registration_step(Step.ROLE)),
    Scenario("registration:role-terms", registration_step(Step.ROLE_TERMS)),
    Scenario("registration:user-information", registration_step(Step.USER_INFO)),
    Scenario("registration:verify-email", registration_step(Step.VERIFY_EMAIL)),
    Scenario("registration:contact", registration_step(Step.CONTACT)),
    Scenario(
        "registration:new-organization",
        registration_step(Step.NEW_ORGANIZATION, role=Role.SECURITY_OFFICIAL),
    ),
    Scenario(
        "registration:organization",
        registration_step(Step.ORGANIZATION),
        shown=_organization_step_shows,
    ),
    Scenario("registration:group-action", registration_step(Step.GROUP_ACTION, role=UGA)),
    Scenario(
        "registration:user-group",
        registration_step(Step.USER_GROUP, role=Role.END_USER),
        variant="join",
    ),
    Scenario(
        "registration:user-group",
        registration_step(Step.USER_GROUP, role=UGA, action=GroupAction.CREATE_PROVIDER),
        variant="provider group",
    ),
    Scenario(
        "registration:user-group",
        registration_step(Step.USER_GROUP, role=UGA, action=GroupAction.CREATE_SURROGATE),
        variant="surrogate group",
    ),
    Scenario(
        "registration:practice",
        registration_step(Step.PRACTICE, role=Role.INDIVIDUAL_PRACTITIONER),
    ),
    Scenario("registration:justification", registration_step(Step.JUSTIFICATION)),
    Scenario("registration:review", registration_step(Step.REVIEW)),
    Scenario("registration:add-role", _add_role),
    # Approvers, officials, the public status page
    Scenario("approvals:detail", _decision),
    Scenario("approvals:status", _anonymous("approvals:status")),
    Scenario("approvals:queue", _queue, method="get"),
    Scenario("organizations:remove-role", _role_removal),
    Scenario("organizations:manage-roles", _manage_roles, method="get"),
    # The help desk's action forms in the admin
    Scenario("admin:accounts_user_staff_action", _user_action, admin=True),
    Scenario(
        "admin:approvals_accessrequest_staff_action",
        _request_action("approve"),
        variant="approve",
        admin=True,
    ),
    Scenario(
        "admin:approvals_accessrequest_staff_action",
        _request_action("deny"),
        variant="deny",
        admin=True,
    ),
    Scenario("admin:organizations_organization_staff_action", _reseat, admin=True),
    Scenario("admin:organizations_usergroup_staff_action", _group_action, admin=True),
    Scenario("admin:outbox_outgoingemail_staff_action", _mail_retry, admin=True),
]
