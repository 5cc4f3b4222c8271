"""Admin-wide guarantees: who gets in, what each staff group may do on every admin page, and that
no admin page shows an SSN, a date of birth or a secret.

The matrix and the leak check are generated from ``admin.site._registry``: a new admin is
covered the moment it is registered.
"""

from base64 import b32encode
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils.formats import date_format
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.emails import user_email_enqueue
from accounts.lockout import user_unlock
from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
from accounts.models import AuthenticationQuestion, AuthenticatorApp
from accounts.two_factor import backup_codes_regenerate
from approvals.models import AccessRequest
from iacs_portal.audit.services import audit_record
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK, STAFF_GROUPS
from organizations.models import Community
from organizations.roles import Role
from tests.factories import (
    RoleAssignmentFactory,
    UserFactory,
    UserGroupFactory,
    account_holder,
    set_up,
    staff_member,
    submitted_request,
)
from tests.pii import forms_of
from tests.registration import Person, enter_portal, enter_signed_in
from tests.two_factor import authenticator

from .read_only import admin_url
from .support import staff_in_admin

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
SITE_HEADER = admin.site.site_header
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _ in REGISTERED]
GROUPS = [HELP_DESK, CMS_APPROVER, None]  # None: staff in no group

# What each group may add, change or delete in the admin, as (model label, "add" | "change" |
# "delete"). Today nothing: staff work through the actions of iacs_portal.admin_actions, each
# behind its own permission, and reference data and staff accounts are for superusers.
MAY_EDIT: dict[str | None, set[tuple[str, str]]] = {
    HELP_DESK: set(),
    CMS_APPROVER: set(),
    None: set(),
}


def enter_without_second_factor(client, user) -> None:
    """Signed in with the password only: a session the sign-in pages never make for staff."""
    client.force_login(user)
    session = client.session
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()


# Who gets in ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_portal_sign_in(client):
    enter_portal(client)

    response = client.get(INDEX, follow=True)

    assert [url for url, _ in response.redirect_chain] == [
        f"{reverse('admin:login')}?next={INDEX}",
        f"{reverse('accounts:login')}?next={INDEX.replace('/', '%2F')}",
    ]
    assert "accounts/login.html" in [t.name for t in response.templates]
    assert SITE_HEADER not in response.content.decode()


def test_before_the_warning_screen_the_admin_shows_the_warning(client):
    response = client.get(INDEX)

    assert response.url.startswith(reverse("accounts:warning"))


@pytest.mark.parametrize("path", [INDEX, reverse("admin:accounts_user_changelist")])
def test_a_signed_in_person_who_is_not_staff_is_refused(client, path):
    enter_signed_in(client, set_up(UserFactory()))

    response = client.get(path, follow=True)

    assert response.status_code == 403  # not sent to the sign-in, which would send them back
    assert SITE_HEADER not in response.content.decode()


def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client):
    enter_without_second_factor(client, staff_member(HELP_DESK))

    response = client.get(INDEX)

    assert response.url == reverse("accounts:two_factor_setup")


def test_staff_signed_in_without_their_code_are_signed_out(client):
    staff = staff_member(HELP_DESK)
    authenticator(staff)
    enter_without_second_factor(client, staff)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("is_staff", "verified", "admitted"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_the_admin_site_itself_needs_staff_and_a_verified_device(is_staff, verified, admitted):
    """Behind the middleware, the site refuses too (django-otp's OTPAdminSite)."""
    request = RequestFactory().get(INDEX)
    request.user = UserFactory(is_staff=is_staff)
    request.user.is_verified = lambda: verified

    assert admin.site.has_permission(request) is admitted


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER, "superuser"])
def test_staff_with_a_verified_device_get_the_admin(client, group):
    if group == "superuser":
        staff_in_admin(client, None, is_superuser=True)
    else:
        staff_in_admin(client, group)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert SITE_HEADER in response.content.decode()


# The groups and the permission matrix ----------------------------------------------------------


def permission_codes(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER])
def test_each_group_has_exactly_its_listed_permissions(group):
    assert permission_codes(group) == set(STAFF_GROUPS[group])


def test_the_help_desk_can_do_nothing_a_cms_approver_cannot():
    assert permission_codes(HELP_DESK) < permission_codes(CMS_APPROVER)


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER])
def test_no_group_holds_a_model_add_change_or_delete_permission(group):
    """Custom permissions such as change_organization_status are not Django's model ones."""
    model_permissions = {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in apps.get_models()
        for action in ("add", "change", "delete")
    }

    assert set(STAFF_GROUPS[group]) & model_permissions == set()


def staff_request(group: str | None):
    request = RequestFactory().get(INDEX)
    request.user = staff_member(group)
    return request


@pytest.mark.parametrize("group", GROUPS, ids=["help-desk", "cms-approver", "no-group"])
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_each_group_may_do_on_each_admin_exactly_what_the_matrix_says(model, model_admin, group):
    request = staff_request(group)
    label = model._meta.label
    view = f"{model._meta.app_label}.view_{model._meta.model_name}"

    assert model_admin.has_view_permission(request) is (view in STAFF_GROUPS.get(group, []))
    assert model_admin.has_add_permission(request) is ((label, "add") in MAY_EDIT[group])
    assert model_admin.has_change_permission(request) is ((label, "change") in MAY_EDIT[group])
    assert model_admin.has_delete_permission(request) is ((label, "delete") in MAY_EDIT[group])


@pytest.mark.parametrize("model", [Community, AuthenticationQuestion], ids=lambda m: m.__name__)
def test_reference_data_is_changed_by_superusers_only(model):
    superuser = RequestFactory().get(INDEX)
    superuser.user = staff_member(None, is_superuser=True)
    model_admin = admin.site._registry[model]

    assert model_admin.has_change_permission(superuser)
    for group in GROUPS:
        assert not model_admin.has_change_permission(staff_request(group))


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER])
def test_no_group_can_set_staff_fields_on_an_account(client, group):
    person = UserFactory(username="CALLER01")
    staff_in_admin(client, group)

    page = client.get(admin_url(type(person), "change", person.pk))
    refused = client.post(admin_url(type(person), "change", person.pk), {"is_superuser": "on"})

    assert page.status_code == 200 and "CALLER01" in page.content.decode()
    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in page.content.decode()
    assert refused.status_code == 403
    person.refresh_from_db()
    assert not person.is_superuser


# No admin page shows an SSN, a date of birth or a secret ---------------------------------------------------

PERSON = Person(
    first_name="Rosalind", last_name="Achebe", date_of_birth="07/19/1961", ssn="219-09-9999"
)
BIRTH = date(1961, 7, 19)
PAGES_PER_MODEL = 25


def written_forms() -> list[str]:
    """Every way the SSN and date of birth might be written, on a page too."""
    return [
        *forms_of(ssn=PERSON.ssn, date_of_birth=BIRTH),
        date_format(BIRTH),  # the admin's own date format
        date_format(BIRTH, "SHORT_DATE_FORMAT"),
        BIRTH.strftime("%b. %d, %Y"),
        BIRTH.strftime("%B %d, %Y"),
    ]


@pytest.fixture
def personal_data(django_capture_on_commit_callbacks):
    """One person in every place an admin page can reach: account, request, role, group, mail,
    audit trail, backup codes."""
    digits = PERSON.ssn.replace("-", "")
    user = account_holder(PERSON, date_of_birth=BIRTH)
    assignment = RoleAssignmentFactory(user=user, role=Role.SECURITY_OFFICIAL)
    UserGroupFactory(organization=assignment.organization)
    access_request = submitted_request(
        Role.SECURITY_OFFICIAL,
        applicant=user,
        date_of_birth=BIRTH,
        ssn=digits,
        ssn_last4=digits[-4:],
    )
    with django_capture_on_commit_callbacks(execute=True):
        user_email_enqueue(event="account_id", user=user)
    user_unlock(user=user, by=staff_member(HELP_DESK), reason="Caller verified")
    audit_record(action="request.viewed", target=access_request, reason="Checked by phone")
    backup_codes_regenerate(user=user)
    authenticator(user)
    user.refresh_from_db()
    assert (user.date_of_birth, user.ssn) == (BIRTH, digits)  # the data is really there
    assert AccessRequest.objects.get(pk=access_request.pk).ssn == digits
    return user


def secrets_of(user) -> list[str]:
    """What must never be on a page: backup code digests, the authenticator's key, the password
    hash."""
    device = AuthenticatorApp.objects.get(user=user)
    digests = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(digests) == settings.TWO_FACTOR_BACKUP_CODE_COUNT
    return [*digests, device.key, b32encode(device.bin_key).decode(), user.password.split("$")[-1]]


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_no_admin_page_shows_an_ssn_a_date_of_birth_or_a_secret(
    client, personal_data, model, model_admin
):
    staff_in_admin(client, None, is_superuser=True)  # a superuser sees the most
    needles = [*written_forms(), *secrets_of(personal_data)]
    pages = {admin_url(model, "changelist"): None}
    for pk in model._default_manager.values_list("pk", flat=True)[:PAGES_PER_MODEL]:
        pages[admin_url(model, "change", pk)] = None
        pages[admin_url(model, "history", pk)] = None

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert [needle for needle in needles if needle in html] == [], path
    assert len(pages) > 1, "no object of this model to look at"


def test_the_account_page_shows_the_last_four_digits_only(client, personal_data):
    staff_in_admin(client, HELP_DESK)

    html = client.get(admin_url(type(personal_data), "change", personal_data.pk)).content.decode()

    assert "9999" in html
    assert [form for form in written_forms() if form in html] == []


def test_the_backup_code_admin_of_django_otp_is_not_offered():
    """It would show every backup code's digest and let anyone with it add codes."""
    assert not admin.site.is_registered(StaticDevice)


def test_staff_change_their_password_on_my_profile_not_in_the_admin(client):
    staff_in_admin(client, "Help Desk")
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response.url == reverse("accounts:change_password")
    assert client.get(response.url).status_code == 200
