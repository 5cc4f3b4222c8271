"""Every page of the help desk's admin, each checked by axe and the CSP watch (Desk.go):
the index and each app's list, and for every registered model its list, add form, and one
object's change, history and delete-confirmation pages (a GET deletes nothing), and the
password pages. The models come from the admin site, so a new one is visited too."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from tests.factories import RoleAssignmentFactory, UserFactory, UserGroupFactory, set_up

from .help_desk_support import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Known to fail axe, and listed in test_zz_every_page_checked.NOT_YET_CHECKED: Django's
# SplitDateTimeWidget labels only the field, not its date and time boxes (axe: label).
NOT_YET = {
    "/admin/organizations/roleassignment/add/",
    "/admin/organizations/roleassignment/{pk}/change/",
}


def test_every_admin_page_passes_axe(live_server, browser_page, outbox, axe):
    desk = Desk(browser_page, live_server.url, axe)
    superuser = set_up(UserFactory(is_staff=True, is_superuser=True))
    Group.objects.create(name="Help Desk Tier 2")
    UserGroupFactory()
    RoleAssignmentFactory()
    desk.sign_in_to_admin(superuser)  # its sign-in also leaves an audit event

    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        obj = model._default_manager.order_by("pk").first()
        paths = [base, base + "add/"]
        if obj is not None:
            paths += [f"{base}{{pk}}/{page}" for page in ("change/", "history/", "delete/")]
        for path in paths:
            if path not in NOT_YET:
                desk.open(path.format(pk=obj.pk if obj else None))
    app_labels = {model._meta.app_label for model in admin.site._registry}
    for app_label in sorted(app_labels):
        desk.open(f"/admin/{app_label}/")
    desk.open(f"/admin/accounts/user/{superuser.pk}/password/")
    desk.open("/admin/password_change/done/")
