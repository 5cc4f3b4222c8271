"""What the help desk actions refuse: without the permission, without a reason, in the wrong
state, and on staff or administrator accounts for anyone but an administrator."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts import helpdesk
from accounts.models import AuthenticatorApp
from iacs_portal.audit.models import AuditEvent
from tests.factories import staff_member
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.helpdesk.users_support import REASON, act, after_commit, lock, person
from tests.registration import PASSWORD

pytestmark = pytest.mark.django_db

ACTIONS = [
    "unlock",
    "reset-password",
    "resend-credentials",
    "resend-user-id",
    "disable",
    "enable",
    "reset-two-factor",
]


def ready_for(action: str, **fields):
    """An account the action applies to now."""
    if action == "enable":
        fields["is_active"] = False
    if action == "resend-credentials":
        fields["must_change_password"] = True
    user = person(**fields)
    if action == "unlock":
        lock(user)
    if action == "reset-two-factor":
        AuthenticatorApp.objects.create(user=user, name="app", confirmed=True)
    return user


def nothing_happened(user, state: dict):
    user.refresh_from_db()
    assert {name: getattr(user, name) for name in state} == state
    assert not AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
    assert mail.outbox == []


def state_of(user) -> dict:
    names = ["is_active", "password", "locked_until", "must_change_password"]
    return {name: getattr(user, name) for name in names}


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_in_no_group_get_403_on_every_action(client, action):
    staff_in_admin(client, None)
    user = ready_for(action)
    state = state_of(user)
    assert client.get(action_url(user, action)).status_code == 403
    assert act(client, user, action).status_code == 403
    nothing_happened(user, state)


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_help_desk_agents_cannot_disable_or_enable(client, action):
    staff_in_admin(client, "Help Desk")
    user = ready_for(action)
    state = state_of(user)
    assert "Disable account" not in client.get(change_url(user)).content.decode()
    assert client.get(action_url(user, action)).status_code == 403
    assert act(client, user, action).status_code == 403
    nothing_happened(user, state)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_every_action_needs_a_reason(client, action, reason):
    staff_in_admin(client, "CMS Approver")
    user = ready_for(action)
    state = state_of(user)
    response = act(client, user, action, reason=reason)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Enter the reason for this action."]
    html = response.content.decode()
    row = html[html.index('<div class="form-row errors">') : html.index('id="id_reason"')]
    assert "Enter the reason for this action." in row  # next to the field
    nothing_happened(user, state)


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("unlock", {}, "The account is not locked."),
        ("reset-password", {"is_active": False}, "The account is disabled. It must be enabled"),
        (
            "reset-password",
            {"is_active": False, "disabled_for_inactivity_at": timezone.now()},
            "or the person can use Forgot password, which enables it again",
        ),
        ("resend-credentials", {}, "The person has already signed in and chosen a password"),
        ("resend-credentials", {"is_active": False}, "The account is disabled. It must be"),
        ("resend-user-id", {"email": ""}, "The account has no email address to send to."),
        ("disable", {"is_active": False}, "The account is already disabled."),
        ("enable", {}, "The account is already active."),
        ("reset-two-factor", {}, "No two-factor sign-in is set up."),
    ],
)
def test_actions_refuse_the_wrong_state_with_a_message(client, action, fields, message):
    staff_in_admin(client, "CMS Approver")
    user = person(**fields)
    state = state_of(user)
    assert action_url(user, action) not in client.get(change_url(user)).content.decode()
    for response in (client.get(action_url(user, action)), act(client, user, action)):
        assert response.status_code == 302
        assert response.url == change_url(user)
    assert message in client.get(change_url(user)).content.decode().replace("&#x27;", "'")
    nothing_happened(user, state)


def test_the_services_check_the_state_again(client):
    # Another agent acted between the page and the click: the service refuses on its own.
    agent = staff_member("Help Desk")
    rosa = person()
    with pytest.raises(helpdesk.AccountActionRefused, match="not locked"):
        helpdesk.user_help_desk_unlock(user=rosa, by=agent, reason=REASON)
    with pytest.raises(helpdesk.AccountActionRefused, match="Enter the reason"):
        helpdesk.user_id_resend(user=rosa, by=agent, reason=" ")
    with pytest.raises(PermissionDenied):
        helpdesk.user_disable(user=rosa, by=agent, reason=REASON)


# Staff and administrator accounts

GIVES_ACCESS = ["reset-password", "resend-credentials", "reset-two-factor", "enable"]


@pytest.mark.parametrize("group", ["Help Desk", "CMS Approver"])
@pytest.mark.parametrize("action", GIVES_ACCESS)
@pytest.mark.parametrize("target", ["staff", "superuser"])
def test_only_superusers_give_access_to_staff_accounts(client, group, action, target):
    staff_in_admin(client, group)
    colleague = ready_for(action, is_staff=True, is_superuser=target == "superuser")
    state = state_of(colleague)
    assert action_url(colleague, action) not in client.get(change_url(colleague)).content.decode()
    assert client.get(action_url(colleague, action)).status_code == 403
    assert act(client, colleague, action).status_code == 403
    nothing_happened(colleague, state)


def test_the_service_refuses_a_staff_target_too():
    agent = staff_member("Help Desk")
    colleague = ready_for("reset-password", is_staff=True)
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        helpdesk.user_password_reset(user=colleague, by=agent, reason=REASON)
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)


@pytest.mark.parametrize("action", GIVES_ACCESS)
def test_a_superuser_may_act_on_a_staff_account(client, action):
    staff_in_admin(client, None, is_superuser=True)
    colleague = ready_for(action, is_staff=True)
    assert action_url(colleague, action) in client.get(change_url(colleague)).content.decode()
    assert act(client, colleague, action).status_code == 302
    assert AuditEvent.objects.filter(target_id=str(colleague.pk), actor__is_superuser=True)


@pytest.mark.parametrize("action", ["unlock", "resend-user-id"])
def test_help_desk_may_unlock_a_colleague_or_resend_their_user_id(client, action):
    agent = staff_in_admin(client, "Help Desk")
    colleague = ready_for(action, is_staff=True)
    assert act(client, colleague, action).status_code == 302
    assert AuditEvent.objects.filter(target_id=str(colleague.pk), actor=agent)


def test_cms_approver_may_disable_staff_but_not_a_superuser(client):
    approver = staff_in_admin(client, "CMS Approver")
    colleague = person(is_staff=True)
    assert act(client, colleague, "disable").status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    administrator = person(is_staff=True, is_superuser=True, ssn="111-22-3333")
    assert client.get(action_url(administrator, "disable")).status_code == 403
    assert act(client, administrator, "disable").status_code == 403
    administrator.refresh_from_db()
    assert administrator.is_active
    assert act(client, approver, "disable").status_code == 403  # not yourself either


def test_a_superuser_may_disable_a_superuser_but_not_themselves(client):
    me = staff_in_admin(client, None, is_superuser=True)
    other = person(is_staff=True, is_superuser=True)
    assert act(client, other, "disable").status_code == 302
    assert act(client, me, "disable").status_code == 403
    with after_commit(), pytest.raises(PermissionDenied, match="your own account"):
        helpdesk.user_disable(user=me, by=me, reason=REASON)
    me.refresh_from_db()
    assert me.is_active


def test_help_desk_sees_the_buttons_it_may_use(client):
    staff_in_admin(client, "Help Desk")
    rosa = ready_for("reset-two-factor")
    lock(rosa)
    html = client.get(change_url(rosa)).content.decode()
    for action in ["unlock", "reset-password", "resend-user-id", "reset-two-factor"]:
        assert action_url(rosa, action) in html
    for action in ["disable", "enable", "resend-credentials"]:
        assert action_url(rosa, action) not in html
