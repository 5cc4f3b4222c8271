"""Audit events cannot be changed or removed: not in Python, not in the admin, not in PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from iacs_portal.audit.models import AuditEvent, AuditTrailIsAppendOnly
from iacs_portal.audit.services import audit_record
from tests.audit.conftest import on_postgresql
from tests.factories import UserFactory
from tests.registration import enter_portal
from tests.two_factor import mark_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(target, approver):
    return audit_record(action="request.approved", target=target, actor=approver, reason="ok")


def test_saving_an_existing_event_is_refused(event):
    event.reason = "rewritten"

    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    event.refresh_from_db()
    assert event.reason == "ok"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_and_delete_are_refused(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "ok"


@pytest.fixture
def admin_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enter_portal(client)
    client.force_login(staff)
    mark_verified(client, staff)
    return client


def test_admin_lists_and_shows_events_but_cannot_add_change_or_delete(admin_client, event):
    changelist = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()

    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert admin_client.get(change_url).status_code == 200  # view only
    admin_client.post(change_url, {"reason": "rewritten"})
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == "ok"


def _refused_by_the_database(sql, params):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@on_postgresql
def test_postgresql_trigger_refuses_update(event):
    _refused_by_the_database(
        "UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["rewritten", event.pk]
    )
    assert AuditEvent.objects.get(pk=event.pk).reason == "ok"


@on_postgresql
def test_postgresql_trigger_refuses_delete(event):
    _refused_by_the_database("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_postgresql_trigger_allows_only_the_actor_null_out_of_a_user_deletion(event):
    _refused_by_the_database(
        "UPDATE audit_auditevent SET actor_id = NULL, actor_label = '' WHERE id = %s", [event.pk]
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (None, "APPROVER1")
