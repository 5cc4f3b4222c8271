"""An email is decided in the transaction of the change that causes it (the outbox, ADR 14):
it exists if and only if that change commits, and is handed to Celery, by id, after commit."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.loader import get_template

from accounts.emails import user_credentials_enqueue, user_email_enqueue
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.registry import BUILDERS
from iacs_portal.outbox.services import email_enqueue
from tests.factories import UserFactory

from .support import deliveries_published

pytestmark = pytest.mark.django_db


class ChangeFailed(Exception):
    pass


def test_an_email_rolls_back_with_the_change_that_queued_it(django_capture_on_commit_callbacks):
    user = UserFactory()

    with (
        deliveries_published() as published,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ChangeFailed),
        transaction.atomic(),
    ):
        user_email_enqueue(event="password_changed", user=user)
        raise ChangeFailed  # e.g. the password could not be saved

    assert not OutgoingEmail.objects.exists()
    assert published == []
    assert mail.outbox == []


def test_a_committed_email_is_queued_and_handed_to_celery_by_its_id_only(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()

    with deliveries_published() as published:
        with django_capture_on_commit_callbacks() as callbacks:
            email = user_email_enqueue(event="password_changed", user=user)
        assert published == []  # nothing before commit
        email.refresh_from_db()
        assert (email.status, email.attempts, email.recipients) == ("queued", 0, user.email)
        assert email.params == {"user_id": user.pk}
        for callback in callbacks:  # the commit
            callback()

    assert published == [[email.pk]]


def test_the_password_email_follows_the_user_id_email():
    user = UserFactory()

    password_email = user_credentials_enqueue(user=user)

    assert password_email.event == "account_password"
    assert password_email.follows.event == "account_id"
    assert password_email.follows.params == password_email.params == {"user_id": user.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"password": "correcthorse"},
        {"reset_link": 1},
        {"verification_code": 123456},
        {"user_id": "123-45-6789"},
        {"note": "Free text could hold personal data"},
        {"user_id": 1.5},
        {"user_ids": ["7"]},
        {"user_ids": list(range(101))},
        {"User": 1},
        ["user_id", 1],
    ],
)
def test_params_hold_ids_and_plain_words_never_secrets_or_free_text(params):
    with pytest.raises(ValueError):
        email_enqueue(event="account_id", params=params)
    assert not OutgoingEmail.objects.exists()


def test_plain_words_bools_and_lists_of_ids_are_accepted():
    email = email_enqueue(
        event="two_factor_changed", params={"user_id": 1, "change": "help_desk_reset"}
    )
    email_enqueue(event="email_changed", params={"verification_id": 2, "to_old": True})
    email_enqueue(event="forgot_user_id", params={"user_ids": [1, 2]})

    assert OutgoingEmail.objects.count() == 3
    assert email.params == {"user_id": 1, "change": "help_desk_reset"}


def test_an_event_nobody_builds_cannot_be_queued():
    with pytest.raises(ImproperlyConfigured):
        email_enqueue(event="no_such_event", params={"user_id": 1})
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("event", sorted(BUILDERS))
def test_every_event_has_its_subject_text_and_html_templates(event):
    for name in ("subject.txt", "body.txt", "body.html"):
        get_template(f"emails/{event}/{name}")
