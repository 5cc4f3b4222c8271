"""The outbox pages: development only, newest first, and safe against hostile ids and bad files."""

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse

from iacs_portal.outbox.backend import OutboxEmailBackend

MESSAGE_ID = "20261122T093000123456-0123abcd"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    settings.OUTBOX_PAGE_ENABLED = True
    return tmp_path


def send(subject="Email Address Verification", text="Your code is 123456", html=None):
    message = EmailMultiAlternatives(subject, text, to=["barbara@example.org"])
    if html:
        message.attach_alternative(html, "text/html")
    OutboxEmailBackend().send_messages([message])


def only_message_id(outbox):
    (path,) = outbox.glob("*.eml")
    return path.stem


def test_outbox_page_is_not_found_when_disabled(client, outbox, settings):
    send(html="<p>Hi</p>")
    message_id = only_message_id(outbox)
    settings.OUTBOX_PAGE_ENABLED = False

    assert client.get(reverse("outbox:list")).status_code == 404
    assert client.get(reverse("outbox:detail", args=[message_id])).status_code == 404
    assert client.get(reverse("outbox:html", args=[message_id])).status_code == 404


def test_empty_outbox_says_so_even_before_the_directory_exists(client, settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "missing"
    settings.OUTBOX_PAGE_ENABLED = True

    response = client.get(reverse("outbox:list"))

    assert response.status_code == 200
    assert b"No messages yet" in response.content


def test_message_with_html_alternative_is_listed_and_readable(client, outbox):
    send(html="<p>Your code is <b>123456</b></p>")
    message_id = only_message_id(outbox)

    listing = client.get(reverse("outbox:list")).content.decode()
    assert "Email Address Verification" in listing
    assert "barbara@example.org" in listing
    assert reverse("outbox:detail", args=[message_id]) in listing

    detail = client.get(reverse("outbox:detail", args=[message_id])).content.decode()
    assert "<pre" in detail and "Your code is 123456" in detail
    assert "barbara@example.org" in detail
    assert reverse("outbox:html", args=[message_id]) in detail

    html = client.get(reverse("outbox:html", args=[message_id]))
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert html["Content-Security-Policy"] == "sandbox"
    assert b"<b>123456</b>" in html.content


def test_pages_have_one_h1_a_title_and_the_development_notice(client, outbox):
    send(subject="FYI: User Creation Completed")
    message_id = only_message_id(outbox)

    for url in (reverse("outbox:list"), reverse("outbox:detail", args=[message_id])):
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1
        assert "only while DEBUG is on" in page
    detail = client.get(reverse("outbox:detail", args=[message_id])).content.decode()
    assert "<title>FYI: User Creation Completed - Mail outbox" in detail


def test_message_text_is_escaped(client, outbox):
    send(subject="<script>alert(1)</script>", text="<img src=x onerror=alert(1)>")
    message_id = only_message_id(outbox)

    for url in (reverse("outbox:list"), reverse("outbox:detail", args=[message_id])):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_plain_text_message_has_no_html_version(client, outbox):
    send()
    message_id = only_message_id(outbox)

    detail = client.get(reverse("outbox:detail", args=[message_id])).content.decode()
    assert reverse("outbox:html", args=[message_id]) not in detail
    assert client.get(reverse("outbox:html", args=[message_id])).status_code == 404


def test_list_is_newest_first(client, outbox):
    for subject in ("First sent", "Second sent", "Third sent"):
        send(subject=subject)

    listing = client.get(reverse("outbox:list")).content.decode()

    positions = [listing.index(s) for s in ("Third sent", "Second sent", "First sent")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "message_id",
    [
        "..%2F..%2Fetc%2Fpasswd",
        "..",
        "%2e%2e",
        "..%5C..%5Cwindows",
        f"{MESSAGE_ID}%0A",
        f"{MESSAGE_ID}.eml",
        f"{MESSAGE_ID.upper()}",
        "x",
        MESSAGE_ID,  # the right shape, but no such file
    ],
)
def test_traversal_id_is_not_found(client, outbox, message_id):
    (outbox.parent / "secret.eml").write_text("Subject: outside the outbox\n\nsecret")

    assert client.get(f"/outbox/{message_id}/").status_code == 404
    assert client.get(f"/outbox/{message_id}/html/").status_code == 404


def test_files_that_are_not_messages_are_neither_listed_nor_opened(client, outbox):
    (outbox / "notes.txt").write_text("Subject: not in the outbox\n\nhello")
    (outbox / MESSAGE_ID).write_text("Subject: no suffix\n\nhello")
    (outbox / f".{MESSAGE_ID}.eml.partial").write_text("Subject: half written\n\nhel")

    listing = client.get(reverse("outbox:list")).content.decode()

    assert "not in the outbox" not in listing
    assert "no suffix" not in listing
    assert "half written" not in listing
    assert "No messages yet" in listing


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00 not mail at all \x80\x81",
        b"Subject: =?unknown-8bit?q?=FF?=\nDate: yesterday\nContent-Type: text/plain; charset=x-nonsense\n"
        b"Content-Transfer-Encoding: base64\n\n!!!not base64!!!",
        b"Content-Type: multipart/alternative; boundary=zzz\n\n--zzz\nContent-Type: text/html\n\n<p>",
    ],
)
def test_garbage_file_does_not_break_the_list_or_the_detail(client, outbox, content):
    (outbox / f"{MESSAGE_ID}.eml").write_bytes(content)
    send(subject="A good message")

    listing = client.get(reverse("outbox:list"))
    assert listing.status_code == 200
    assert b"A good message" in listing.content
    assert client.get(reverse("outbox:detail", args=[MESSAGE_ID])).status_code == 200
    assert client.get(reverse("outbox:html", args=[MESSAGE_ID])).status_code in (200, 404)


def test_directory_and_impossible_date_named_like_messages_do_not_break_the_list(client, outbox):
    (outbox / f"{MESSAGE_ID}.eml").mkdir()
    impossible = "20261399T996199999999-0123abcd"
    (outbox / f"{impossible}.eml").write_bytes(b"\xff")

    assert client.get(reverse("outbox:list")).status_code == 200
    assert client.get(reverse("outbox:detail", args=[MESSAGE_ID])).status_code == 404
    assert client.get(reverse("outbox:detail", args=[impossible])).status_code == 200


def test_pages_are_never_cached_and_only_read(client, outbox):
    send(html="<p>Hi</p>")
    message_id = only_message_id(outbox)

    for url in (
        reverse("outbox:list"),
        reverse("outbox:detail", args=[message_id]),
        reverse("outbox:html", args=[message_id]),
    ):
        assert "no-store" in client.get(url)["Cache-Control"]
        assert client.post(url).status_code == 405


def test_outbox_is_reachable_without_entering_the_portal(client, outbox):
    # The warning-screen gate exempts /outbox/: a developer reads mail in a fresh browser.
    response = client.get(reverse("outbox:list"))

    assert response.status_code == 200
    assert response.templates[0].name == "outbox/list.html"


def test_message_without_alternatives_is_listed(client, outbox):
    OutboxEmailBackend().send_messages([EmailMessage("Plain class", "Body", to=["x@example.org"])])

    assert b"Plain class" in client.get(reverse("outbox:list")).content
