"""Help desk tests: staff in the admin, and the pages and actions they use."""

from django.urls import reverse

from tests.factories import staff_member
from tests.registration import enter_signed_in


def staff_in_admin(client, group: str | None, **fields):
    """A staff member of ``group`` signed in with two factors; the client opens the admin."""
    staff = staff_member(group, **fields)
    enter_signed_in(client, staff)
    return staff


def action_url(obj, action: str) -> str:
    """The page of one help desk action (iacs_portal.admin_actions) on ``obj``."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_staff_action", args=[obj.pk, action])


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
