import pytest
from django.core import mail
from django.urls import reverse

from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import UserFactory
from tests.outbox.support import deliveries_published

from .recovery_support import enter, mails, make_person

pytestmark = pytest.mark.django_db
SUBJECT = "FYI: Your IACS User ID"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the mail tasks) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def person():
    return make_person()


def ask(client, email):
    return enter(client).post(reverse("accounts:forgot_user_id"), {"email": email}, follow=True)


def test_user_id_is_emailed_once_when_the_address_is_on_file(client, person, on_commit):
    with on_commit():
        response = ask(client, person.email.upper())
    assert response.redirect_chain[-1][0] == reverse("accounts:forgot_user_id_sent")
    [message] = mails(SUBJECT)
    assert message.to == [person.email]
    assert person.username in message.body
    assert len(mail.outbox) == 1


def test_unknown_address_gets_the_same_page_and_no_mail(client, person, on_commit):
    with on_commit():
        known = ask(client, person.email)
    mail.outbox.clear()
    with on_commit():
        unknown = ask(client, "nobody@example.org")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert mail.outbox == []


def test_every_account_with_the_address_is_listed_disabled_ones_too(client, on_commit):
    active = UserFactory(email="shared@example.org")
    disabled = UserFactory(email="Shared@example.org", is_active=False)
    UserFactory(email="other@example.org")
    with on_commit():
        ask(client, "shared@example.org")
    [message] = mail.outbox
    assert active.username in message.body and disabled.username in message.body


def test_the_email_is_queued_and_handed_to_celery_with_ids_only(client, person, on_commit):
    with deliveries_published() as published, on_commit():
        ask(client, person.email)
    [email] = OutgoingEmail.objects.all()
    assert (email.event, email.params) == ("forgot_user_id", {"user_ids": [person.pk]})
    assert published == [[email.pk]]


def test_the_email_carries_no_password(client, person, on_commit):
    with on_commit():
        ask(client, person.email)
    assert "password" not in mail.outbox[0].body.lower().replace("forgot password", "")


def test_login_page_and_account_management_link_to_both_recoveries(client):
    enter(client)
    for name in ("accounts:login", "accounts:account_management"):
        page = client.get(reverse(name)).content.decode()
        assert reverse("accounts:forgot_user_id") in page
        assert reverse("accounts:forgot_password") in page


def test_invalid_address_is_an_error_next_to_the_field(client):
    response = enter(client).post(reverse("accounts:forgot_user_id"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
