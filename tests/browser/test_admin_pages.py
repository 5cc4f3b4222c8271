"""Every page of the help desk's admin, each checked by axe and the CSP watch (Desk.go):
the index and each app's list, and for every registered model its list, add form, and one
object's change, history and delete-confirmation pages (a GET deletes nothing), and the
password pages. The models come from the admin site, so a new one is visited too; a page its
admin refuses to everyone, administrators included (adding or deleting a record), is not a
page (test_zz_every_page_checked.NOT_PAGES, and tests/authz checks the 403)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory

from iacs_portal.audit.services import audit_record
from organizations.roles import Role
from tests.factories import (
    RoleAssignmentFactory,
    UserFactory,
    UserGroupFactory,
    failed_email,
    set_up,
    submitted_request,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def the_pages_of(model_admin, obj, superuser) -> list[str]:
    """The admin's pages of one model that an administrator may open."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    opts = model_admin.opts
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    paths = [base]
    if model_admin.has_add_permission(request):
        paths.append(base + "add/")
    if obj is not None:
        paths += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
        if model_admin.has_delete_permission(request, obj):
            paths.append(f"{base}{obj.pk}/delete/")
    return paths


def test_every_admin_page_passes_axe(desk):
    superuser = set_up(UserFactory(is_staff=True, is_superuser=True))
    Group.objects.create(name="Help Desk Tier 2")
    group = UserGroupFactory()
    RoleAssignmentFactory()
    access_request = submitted_request(Role.END_USER, group=group)
    failed_email(superuser)
    audit_record(action="request.viewed", target=access_request, reason="Checked by phone")
    desk.sign_in_to_admin(superuser)

    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} to open"
        for path in the_pages_of(model_admin, obj, superuser):
            desk.open(path)
    app_labels = {model._meta.app_label for model in admin.site._registry}
    for app_label in sorted(app_labels):
        desk.open(f"/admin/{app_label}/")
    desk.open(f"/admin/accounts/user/{superuser.pk}/password/")
    desk.open("/admin/password_change/done/")
