"""The client's address reaches the audit trail from the request, without being passed down."""

import pytest

from iacs_portal.audit.middleware import current_client_address
from iacs_portal.audit.models import AuditEvent
from tests.registration import enter_portal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


def probe(client, target, **headers):
    enter_portal(client)
    response = client.get(f"/audit-probe/{target.pk}/", **headers)
    assert response.status_code == 200
    return AuditEvent.objects.get(pk=int(response.content))


def test_remote_address_is_recorded(client, target):
    event = probe(client, target, REMOTE_ADDR="203.0.113.9")

    assert event.client_address == "203.0.113.9"


def test_forwarded_for_is_ignored_unless_a_proxy_header_is_trusted(client, target):
    event = probe(client, target, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert event.client_address == "10.0.0.5"


def test_trusted_proxy_header_gives_the_address_the_proxy_appended(client, target, settings):
    settings.AUDIT_TRUSTED_PROXY_HEADER = "X-Forwarded-For"

    event = probe(
        client, target, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1"
    )

    assert event.client_address == "198.51.100.1"  # the first entry is whatever the client sent


def test_address_is_forgotten_after_the_request(client, target):
    probe(client, target, REMOTE_ADDR="203.0.113.9")

    assert current_client_address() is None
