"""Every form class of the portal, found by walking its packages, and how to build each one.

``portal_forms()`` imports every module of the portal's apps and returns each Form or ModelForm
class defined there. ``ADAPTERS`` says how to build each with the objects it needs (a user, an
organization...); ``ABSTRACT`` names the bases that are only ever used through a subclass.
A new form class that is in neither fails ``test_every_form_has_an_adapter``.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts.contact_forms import ProfessionalContactForm
from accounts.forms import (
    AuthenticationAnswersForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
)
from accounts.recovery_forms import (
    ChangeEmailForm,
    ContactInformationForm,
    EmailCodeForm,
    ForgotPasswordForm,
    ForgotUserIdForm,
    RecoveryAnswersForm,
)
from accounts.two_factor_forms import CodeForm, ConfirmDeviceForm, PasswordCheckForm
from approvals.forms import DecisionForm, QueueFilterForm, StatusLookupForm
from approvals.registration import role_forms
from approvals.registration.additional import CommunityForm
from approvals.registration.forms import (
    AcceptTermsForm,
    ContactForm,
    JustificationForm,
    OrganizationChoiceForm,
    OrganizationSearchForm,
    RoleForm,
    UserInformationForm,
)
from approvals.selectors import queue_filter_options
from approvals.staff_actions import ApproveForm, DenyForm
from iacs_portal.admin_actions import ReasonForm
from organizations.forms import RoleFilterForm, RoleRemovalForm
from organizations.models import Organization, RoleAssignment, UserGroup
from organizations.roles import Role
from organizations.selectors import SearchResult
from organizations.staff_actions import ReseatForm
from tests.factories import (
    DEMO_PERSON,
    OrganizationFactory,
    UserGroupFactory,
    community,
    role_holder,
    security_official,
    submitted_request,
)
from tests.registration import PASSWORD

PACKAGES = ("accounts", "approvals", "organizations", "iacs_portal")
# Modules that are not the running portal's code: settings read the environment at import.
SKIPPED_MODULES = ("iacs_portal.settings", "iacs_portal.wsgi")


def portal_modules():
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name or info.name.startswith(SKIPPED_MODULES):
                continue
            yield importlib.import_module(info.name)


def portal_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the portal's modules (not Django's own)."""
    found = {}
    for module in portal_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


# Values that pass, by field name: with them the other fields' and the form's own checks run.
VALID = {
    **DEMO_PERSON,
    "middle_name": "Ann",
    "suffix": "Jr.",
    "email": "barbara.okafor@example.org",
    "email_confirmation": "barbara.okafor@example.org",
    "company_name": "Chesapeake Family Medicine",
    "address_line1": "100 Main Street",
    "address_line2": "Suite 2",
    "city": "Baltimore",
    "country": "US",
    "state": "MD",
    "zip_code": "21201",
    "work_phone": "(410) 555-0100",
    "phone_extension": "12",
    "work_email": "barbara@example.org",
    "legal_name": "Severn River Medical Group",
    "ein": "52-1234567",
    "npi": "1234567893",
    "ccn_ptan": "210001",
    "name": "Billing",
    "description": "Submits and follows up claims.",
    "company_ein": "31-7654321",
    "company_address_line1": "9 Pier Road",
    "company_city": "Towson",
    "company_state": "MD",
    "company_zip_code": "21204",
    "company_phone": "410-555-0199",
    "practice_name": "Dr. Mwangi Family Practice",
    "tin": "52-7777777",
    "justification": "I need this access for my duties.",
    "accept": "on",
    "note": "Not on our staff list.",
    "tracking_number": "IR-12345-67890",
    "username": "USER01",
    "password": PASSWORD,
    "old_password": PASSWORD,
    "new_password1": "a quiet walk along the harbour",
    "new_password2": "a quiet walk along the harbour",
    "new_email1": "new.address@example.org",
    "new_email2": "new.address@example.org",
    "code": "123456",
}


class World:
    """The objects forms need, made once per test (inside its transaction)."""

    request_factory = RequestFactory()

    @cached_property
    def organization(self) -> Organization:
        return OrganizationFactory(legal_name="Chesapeake Family Medicine")

    @cached_property
    def organization_search(self) -> dict:
        """A search that finds ``organization``, as the wizard posts it with the choice."""
        organization = self.organization
        return {"name": "Chesapeake", "country": organization.country, "state": organization.state}

    @cached_property
    def organization_result(self) -> SearchResult:
        organization = self.organization
        return SearchResult(
            organization.pk, organization.legal_name, organization.city, organization.state
        )

    @cached_property
    def group(self) -> UserGroup:
        return UserGroupFactory(organization=self.organization, name="Billing team")

    @cached_property
    def security_official(self):
        return security_official(self.organization)

    @cached_property
    def user(self):
        """An end user of the group, with two authentication answers."""
        return role_holder(Role.END_USER, group=self.group)

    @cached_property
    def draft(self):
        from approvals.models import AccessRequest

        return AccessRequest.objects.create(community=community(), completed_steps=["terms"])

    def login_request(self):
        request = self.request_factory.post("/login/")
        request.session = SessionStore()
        request.user = AnonymousUser()
        return request

    def queue_options(self):
        submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=self.organization)
        return queue_filter_options(user=self.security_official)


@dataclass(frozen=True)
class Adapter:
    build: Callable[[World, dict | None], forms.BaseForm]


def plain(form_class) -> Adapter:
    return Adapter(lambda world, data: form_class(data))


ADAPTERS: dict[type[forms.BaseForm], Adapter] = {
    # accounts
    LoginForm: Adapter(lambda w, data: LoginForm(w.login_request(), data=data)),
    NewPasswordForm: Adapter(lambda w, data: NewPasswordForm(w.user, data)),
    ChangePasswordForm: Adapter(lambda w, data: ChangePasswordForm(w.user, data)),
    AuthenticationAnswersForm: plain(AuthenticationAnswersForm),
    ForgotUserIdForm: plain(ForgotUserIdForm),
    ForgotPasswordForm: plain(ForgotPasswordForm),
    RecoveryAnswersForm: Adapter(
        lambda w, data: RecoveryAnswersForm(
            data, answers=list(w.user.authentication_answers.select_related("question"))
        )
    ),
    ContactInformationForm: Adapter(lambda w, data: ContactInformationForm(data, instance=w.user)),
    ChangeEmailForm: Adapter(lambda w, data: ChangeEmailForm(data, user=w.user)),
    EmailCodeForm: plain(EmailCodeForm),
    CodeForm: plain(CodeForm),
    PasswordCheckForm: Adapter(lambda w, data: PasswordCheckForm(data, user=w.user)),
    ConfirmDeviceForm: Adapter(
        lambda w, data: ConfirmDeviceForm(data, user=w.user, password_needed=True)
    ),
    # approvals
    DecisionForm: plain(DecisionForm),
    QueueFilterForm: Adapter(lambda w, data: QueueFilterForm(data, options=w.queue_options())),
    StatusLookupForm: plain(StatusLookupForm),
    AcceptTermsForm: plain(AcceptTermsForm),
    RoleForm: Adapter(lambda w, data: RoleForm(data, community=community())),
    UserInformationForm: plain(UserInformationForm),
    ContactForm: Adapter(lambda w, data: ContactForm(data, instance=w.draft)),
    OrganizationSearchForm: plain(OrganizationSearchForm),
    OrganizationChoiceForm: Adapter(
        lambda w, data: OrganizationChoiceForm(
            data, criteria=w.organization_search, rows=[w.organization_result]
        )
    ),
    JustificationForm: Adapter(lambda w, data: JustificationForm(data, instance=w.draft)),
    role_forms.NewOrganizationForm: plain(role_forms.NewOrganizationForm),
    role_forms.GroupActionForm: plain(role_forms.GroupActionForm),
    role_forms.ProviderGroupForm: Adapter(
        lambda w, data: role_forms.ProviderGroupForm(data, organization=w.organization)
    ),
    role_forms.SurrogateGroupForm: Adapter(
        lambda w, data: role_forms.SurrogateGroupForm(data, organization=w.organization)
    ),
    role_forms.GroupChoiceForm: Adapter(
        lambda w, data: role_forms.GroupChoiceForm(
            data, groups=UserGroup.objects.filter(pk=w.group.pk)
        )
    ),
    role_forms.PracticeForm: plain(role_forms.PracticeForm),
    CommunityForm: plain(CommunityForm),
    ApproveForm: plain(ApproveForm),
    DenyForm: plain(DenyForm),
    # organizations
    RoleFilterForm: Adapter(
        lambda w, data: RoleFilterForm(
            data, assignments=RoleAssignment.objects.filter(group=w.group)
        )
    ),
    RoleRemovalForm: plain(RoleRemovalForm),
    ReseatForm: Adapter(lambda w, data: ReseatForm(data, organization=w.organization)),
    # iacs_portal
    ReasonForm: plain(ReasonForm),
}


def _user_change_form(world: World, data):
    from accounts.admin.users import UserChangeForm

    return UserChangeForm(data, instance=world.user)


def _add_late_adapters() -> None:
    """Forms in admin modules, imported late: the admin registers its models at import."""
    from accounts.admin.users import UserChangeForm

    ADAPTERS[UserChangeForm] = Adapter(_user_change_form)


_add_late_adapters()

ABSTRACT = {
    ProfessionalContactForm: "no model: ContactForm and ContactInformationForm are its forms",
    role_forms._DetailsForm: "no field: the role steps' forms add theirs",
}


def valid_sample(form: forms.BaseForm, world: World) -> dict[str, str]:
    """A passing value for each field of ``form`` that has one."""
    valid = {}
    for name in form.fields:
        if name in VALID:
            valid[name] = VALID[name]
        elif name.startswith(("question_", "answer_")):
            valid[name] = "answer"
    reason = form.fields.get("reason")
    if reason is not None and not isinstance(reason, forms.ChoiceField):
        valid["reason"] = "Caller verified by ticket 42."
    if "new_user_id" in form.fields:
        valid["new_user_id"] = world.user.username
    return valid
