"""The audit trail in the admin: useful to read (reason, actor, target and a link to it, search,
filters) and read-only for every group and for superusers."""

import pytest
from django.urls import reverse

from accounts.lockout import user_unlock
from accounts.models import EmailVerification
from iacs_portal.audit.models import AuditEvent
from iacs_portal.audit.services import audit_record
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from organizations.roles import Role
from tests.factories import UserFactory, staff_member, submitted_request

from .read_only import admin_url, assert_read_only_in_the_admin
from .support import staff_in_admin

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def trail():
    """An unlock by a staff member, and a request's decision by a CMS approver."""
    agent = staff_member(HELP_DESK, username="AGENT01")
    approver = staff_member(CMS_APPROVER, username="APPROVER1")
    person = UserFactory(username="PERSON01")
    access_request = submitted_request(Role.SECURITY_OFFICIAL)
    user_unlock(user=person, by=agent, reason="Caller verified by phone, ticket 4711")
    audit_record(
        action="request.approved",
        target=access_request,
        actor=approver,
        from_state="submitted",
        to_state="approved",
        reason="Organization confirmed by letter",
    )
    return {"agent": agent, "approver": approver, "person": person, "request": access_request}


def listed(client, **query) -> list[str]:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return sorted(event.action for event in response.context["cl"].result_list)


def test_the_list_shows_reason_actor_and_target_linked_to_their_pages(client, trail):
    staff_in_admin(client, HELP_DESK)

    html = client.get(CHANGELIST).content.decode()

    assert "Caller verified by phone, ticket 4711" in html
    assert "Organization confirmed by letter" in html
    person, access_request = trail["person"], trail["request"]
    assert f'<a href="{admin_url(type(person), "change", person.pk)}">user PERSON01</a>' in html
    request_url = admin_url(type(access_request), "change", access_request.pk)
    assert f'<a href="{request_url}">access request {access_request.tracking_number}</a>' in html
    agent_url = admin_url(type(person), "change", trail["agent"].pk)
    assert f'<a href="{agent_url}">AGENT01</a>' in html


def test_a_long_reason_is_cut_in_the_list_and_whole_on_the_event_page(client, trail):
    reason = "The caller explained at length " + "and again " * 20 + "the end."
    audit_record(action="account.unlocked", target=trail["person"], reason=reason)
    staff_in_admin(client, HELP_DESK)

    assert reason not in client.get(CHANGELIST).content.decode()
    event = AuditEvent.objects.get(reason=reason)
    page = client.get(admin_url(AuditEvent, "change", event.pk)).content.decode()
    assert reason in page and "system" in page  # no actor: the periodic tasks


def test_a_target_without_an_admin_page_is_named_without_a_link(client, trail):
    verification = EmailVerification.objects.create(email="a@example.org")
    audit_record(action="verification.checked", target=verification)
    staff_in_admin(client, HELP_DESK)

    html = client.get(CHANGELIST, {"action": "verification.checked"}).content.decode()

    assert "email verification Verification of a@example.org" in html
    assert "/admin/accounts/emailverification/" not in html


def test_a_deleted_target_shows_its_id_without_a_link(client, trail):
    person = UserFactory(username="GONE01")
    audit_record(action="account.unlocked", target=person, reason="before deletion")
    pk = person.pk
    person.delete()
    staff_in_admin(client, HELP_DESK)

    html = client.get(CHANGELIST, {"q": "before deletion"}).content.decode()

    assert f"user #{pk}" in html
    assert admin_url(type(person), "change", pk) not in html


@pytest.mark.parametrize(
    ("term", "actions"),
    [
        ("PERSON01", ["account.unlocked"]),  # the target's User ID
        ("AGENT01", ["account.unlocked"]),  # the actor's User ID
        ("APPROVER1", ["request.approved"]),
        ("ticket 4711", ["account.unlocked"]),  # words of the reason
        ("letter", ["request.approved"]),
        ("nobody", []),
    ],
)
def test_the_trail_is_searched_by_user_ids_and_reason(client, trail, term, actions):
    staff_in_admin(client, HELP_DESK)

    assert listed(client, q=term) == actions


def test_the_trail_is_searched_by_target_id_and_tracking_number(client, trail):
    access_request = trail["request"]
    staff_in_admin(client, CMS_APPROVER)

    assert listed(client, q=access_request.tracking_number) == ["request.approved"]
    assert listed(client, q=str(trail["person"].pk)) == ["account.unlocked"]


def test_the_trail_is_filtered_by_action_and_target_type(client, trail):
    staff_in_admin(client, HELP_DESK)

    assert listed(client, action="request.approved") == ["request.approved"]
    assert listed(client, target_type="accounts.user") == ["account.unlocked"]
    page = client.get(CHANGELIST).content.decode()
    assert "?target_type=approvals.accessrequest" in page and ">access request<" in page


@pytest.mark.parametrize("who", [HELP_DESK, CMS_APPROVER, "superuser"])
def test_the_trail_is_read_only_for_everyone(client, trail, who):
    if who == "superuser":
        staff_in_admin(client, None, is_superuser=True)
    else:
        staff_in_admin(client, who)
    event = AuditEvent.objects.get(action="account.unlocked")

    assert_read_only_in_the_admin(client, event)

    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.get(pk=event.pk).reason == "Caller verified by phone, ticket 4711"


def test_staff_in_no_group_see_no_audit_trail(client, trail):
    staff_in_admin(client, None)

    assert client.get(CHANGELIST).status_code == 403
    event = AuditEvent.objects.first()
    assert client.get(admin_url(AuditEvent, "change", event.pk)).status_code == 403
