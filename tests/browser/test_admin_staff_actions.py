"""The staff actions on organizations, user groups and sent mail, in the browser.

A CMS approver opens each object's page, where a button leads to each action that applies; every
action's page is checked by axe (with the CSP watch, Desk.go) as it opens and again after being
confirmed without a reason, which is refused. One action per model is then taken to the end:
an organization suspended, a pending user group approved, a failed email retried. The user
account and request actions are taken in test_help_desk.py.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from iacs_portal.outbox.models import OutgoingEmail
from organizations.models import Organization, UserGroup
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    failed_email,
    security_official,
    staff_member,
)

from .help_desk_support import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUSPEND_REASON = "Ticket 7310: the organization's IRS letter was revoked."
APPROVE_REASON = "Ticket 7311: the group's administrator confirmed it by phone."
RETRY_REASON = "Ticket 7312: the caller's mailbox was full; it has room now."


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def action_url(obj, action: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_staff_action", args=[obj.pk, action])


def status_shown(desk: Desk) -> str:
    return desk.page.locator(".field-status .readonly").inner_text()


def test_every_staff_action_page_empty_and_refused_without_a_reason(desk):
    approved = OrganizationFactory(legal_name="Harbor Pediatrics")
    security_official(approved)  # so the hand-over offers someone to replace
    offered = {  # each object, and the buttons its page offers
        OrganizationFactory(status=Organization.Status.PENDING): {
            "approve": "Approve organization",
            "deny": "Deny organization",
        },
        approved: {
            "suspend": "Suspend organization",
            "reseat-security-official": "Hand over the Security Official role",
        },
        OrganizationFactory(status=Organization.Status.SUSPENDED): {
            "reinstate": "Reinstate organization",
            "reseat-security-official": "Hand over the Security Official role",
        },
        UserGroupFactory(status=UserGroup.Status.PENDING): {
            "approve": "Approve user group",
            "deny": "Deny user group",
        },
        failed_email(UserFactory()): {"retry": "Retry"},
    }
    desk.sign_in_to_admin(staff_member("CMS Approver"))

    for obj, actions in offered.items():
        desk.open(change_url(obj))
        for label in actions.values():
            expect(desk.page.get_by_role("link", name=label, exact=True)).to_have_count(1)
        for action, label in actions.items():
            desk.open(action_url(obj, action))
            assert desk.sees_heading(f"{label}: {obj}")
            desk.act_without_reason(label)
    unchanged = [type(obj).objects.get(pk=obj.pk).status for obj in offered]
    assert unchanged == [obj.status for obj in offered]  # nothing was done


def test_an_organization_suspended_a_group_approved_and_an_email_retried(desk):
    organization = OrganizationFactory(legal_name="Bayview Cardiology")
    group = UserGroupFactory(name="Bayview Billing", status=UserGroup.Status.PENDING)
    email = failed_email(UserFactory(username="MILO07", email="milo.grant@example.org"))
    desk.sign_in_to_admin(staff_member("CMS Approver"))

    desk.open(change_url(organization))
    assert desk.act("Suspend organization", SUSPEND_REASON) == ["Bayview Cardiology was suspended."]
    assert status_shown(desk) == "Suspended"

    desk.open(change_url(group))
    assert desk.act("Approve user group", APPROVE_REASON) == [f"{group} was approved."]
    assert status_shown(desk) == "Approved"

    desk.open(change_url(email))
    assert desk.act("Retry", RETRY_REASON) == [
        f"Email {email.pk} (account_id) is queued again and will be sent in a moment. A "
        "temporary password, code or link in it is a new one."
    ]
    # Celery runs the task at once in tests, once the page is answered (ADR 14): look again.
    for _ in range(50):
        if status_shown(desk) == "Sent":
            break
        desk.page.wait_for_timeout(100)
        desk.open(change_url(email))
    assert status_shown(desk) == "Sent"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
