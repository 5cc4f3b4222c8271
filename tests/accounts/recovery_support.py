"""Helpers shared by the recovery, My Profile and inactivity tests (issue 5)."""

import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory, set_up

PASSWORD = "correct-horse-battery-staple-9"  # UserFactory's
NEW_PASSWORD = "a quiet walk along the harbour"
LINK = re.compile(r"https?://\S+/recover/password/link/\S+/")


def make_person(**fields):
    """A signed-up person: own password, two questions answered "answer"."""
    return set_up(UserFactory(first_name="Ada", last_name="Lovelace", **fields))


def enter(client):
    """Past the warning screen."""
    client.post(reverse("accounts:warning"))
    return client


def sign_in(client, user, password=PASSWORD):
    enter(client)
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def mails(event_subject: str):
    return [m for m in mail.outbox if m.subject == event_subject]


def everything_mailed() -> str:
    return "\n".join(
        m.subject + m.body + "".join(str(a[0]) for a in m.alternatives) for m in mail.outbox
    )
