import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    settings.OUTBOX_PAGE_ENABLED = True
    return tmp_path


def send(subject="Email Address Verification"):
    with override_settings(EMAIL_BACKEND=BACKEND):
        message = EmailMultiAlternatives(subject, "Your code is 123456", to=["a@example.org"])
        message.attach_alternative("<p>Your code is <b>123456</b></p>", "text/html")
        message.send()


def test_message_is_written_listed_and_readable(client, outbox):
    send()
    (path,) = outbox.glob("*.eml")
    listing = client.get(reverse("outbox:list")).content.decode()
    assert "Email Address Verification" in listing
    detail = client.get(reverse("outbox:detail", args=[path.stem])).content.decode()
    assert "Your code is 123456" in detail
    html = client.get(reverse("outbox:html", args=[path.stem]))
    assert html["Content-Security-Policy"] == "sandbox" and b"<b>123456</b>" in html.content


def test_outbox_page_is_not_found_when_disabled(client, outbox, settings):
    settings.OUTBOX_PAGE_ENABLED = False
    assert client.get(reverse("outbox:list")).status_code == 404


@pytest.mark.parametrize(
    "message_id", ["..%2F..%2Fetc%2Fpasswd", "x", "20260101T000000000000-zzzzzzzz"]
)
def test_unknown_or_hostile_ids_are_not_found(client, outbox, message_id):
    assert client.get(f"/outbox/{message_id}/").status_code == 404


def test_garbage_file_does_not_break_the_list(client, outbox):
    (outbox / "20260101T000000000000-deadbeef.eml").write_bytes(b"\xff\xfe not mail")
    assert client.get(reverse("outbox:list")).status_code == 200
