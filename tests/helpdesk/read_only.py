"""Checks that an admin page is a record: it can be read, never added to, changed or deleted."""

from django.contrib import admin
from django.urls import reverse

SAVE_BUTTONS = ('name="_save"', 'name="_continue"', 'name="_addanother"', 'name="_saveasnew"')


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def assert_read_only_in_the_admin(client, obj) -> None:
    """As the signed-in staff member: the object's page shows no button that writes, and every
    way of writing is refused; the object is unchanged at the end."""
    model = type(obj)
    change = admin_url(model, "change", obj.pk)
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert not [button for button in SAVE_BUTTONS if button in html]
    assert admin_url(model, "delete", obj.pk) not in html

    assert client.post(change, {}).status_code == 403
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {}).status_code == 403
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    # No bulk action exists, so a forged "delete selected" does nothing.
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert model._default_manager.filter(pk=obj.pk).exists()
    assert admin.site._registry[model].get_actions(page.wsgi_request) == {}
