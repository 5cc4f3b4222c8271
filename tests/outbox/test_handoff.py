"""Emails are handed to Celery once the response is sent, never while the person waits."""

import pytest
from django.core.signals import request_finished, request_started
from django.http import response as http_response
from django.urls import reverse
from django_guid.context import guid

from iacs_portal.outbox.handoff import after_response
from iacs_portal.outbox.models import OutgoingEmail
from tests.accounts.recovery_support import enter, make_person

from .support import deliveries_published


def test_outside_a_request_the_handoff_runs_at_once():
    ran = []
    after_response(lambda: ran.append("now"))
    assert ran == ["now"]


@pytest.mark.django_db  # the signals' other receiver closes old database connections
def test_during_a_request_it_waits_for_the_response_to_be_sent():
    ran = []
    request_started.send(sender=None, environ={})
    after_response(lambda: ran.append("first"))
    after_response(lambda: ran.append("second"))
    assert ran == []
    request_finished.send(sender=None)
    assert ran == ["first", "second"]
    request_finished.send(sender=None)  # a second close runs nothing again
    assert ran == ["first", "second"]


@pytest.mark.django_db
def test_it_runs_in_the_context_it_was_decided_in_with_the_request_id():
    seen = []
    request_started.send(sender=None, environ={})
    guid.set("a" * 32)  # the request's id, as django-guid's middleware sets it
    after_response(lambda: seen.append(guid.get()))
    request_finished.send(sender=None)  # django-guid clears its id on this signal
    assert guid.get() is None
    assert seen == ["a" * 32]


@pytest.mark.django_db
def test_a_response_never_closed_hands_over_when_the_next_request_starts():
    ran = []
    request_started.send(sender=None, environ={})
    after_response(lambda: ran.append("left"))
    request_started.send(sender=None, environ={})
    assert ran == ["left"]
    after_response(lambda: ran.append("next"))
    request_finished.send(sender=None)
    assert ran == ["left", "next"]


@pytest.mark.django_db(transaction=True)  # the page's own transaction commits
def test_a_page_that_queues_an_email_publishes_it_after_its_response(client, monkeypatch):
    person = make_person()
    enter(client)
    published_at_close = []
    close = http_response.HttpResponseBase.close

    def closing(response):  # the server has written the response, and closes it
        published_at_close.append(list(published))
        close(response)

    with deliveries_published() as published:
        monkeypatch.setattr(http_response.HttpResponseBase, "close", closing)
        response = client.post(reverse("accounts:forgot_user_id"), {"email": person.email})
    assert response.status_code == 302
    [email] = OutgoingEmail.objects.filter(event="forgot_user_id")
    assert published_at_close == [[]]  # nothing handed over while the response was open
    assert published == [[email.pk]]  # then handed over, as the response was closed
