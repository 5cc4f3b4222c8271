"""The outbox mail backend: one .eml file per message, named so that names sort by time."""

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest
import time_machine
from django.core.mail import EmailMessage, EmailMultiAlternatives

from iacs_portal.outbox.backend import OutboxEmailBackend, is_message_id


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "var" / "outbox"  # not there yet: the backend creates it
    return settings.OUTBOX_DIR


def parse(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def test_each_message_is_written_as_one_eml_file_in_a_new_directory(outbox_dir):
    messages = [EmailMessage(f"Message {n}", "Body", to=["a@example.org"]) for n in range(3)]

    assert OutboxEmailBackend().send_messages(messages) == 3

    paths = sorted(outbox_dir.iterdir())
    assert len(paths) == 3
    assert all(path.suffix == ".eml" and is_message_id(path.stem) for path in paths)


def test_file_names_sort_in_the_order_messages_were_sent(outbox_dir):
    backend = OutboxEmailBackend()
    # Out of alphabetical order on purpose, a microsecond apart.
    moments = ["Zulu", "Alpha", "Mike"]
    for microsecond, subject in enumerate(moments):
        with time_machine.travel(
            datetime(2026, 11, 22, 9, 30, 0, microsecond, tzinfo=UTC), tick=False
        ):
            backend.send_messages([EmailMessage(subject, "Body", to=["a@example.org"])])

    paths = sorted(outbox_dir.iterdir())
    assert [str(parse(path)["Subject"]) for path in paths] == moments
    assert paths[0].name.startswith("20261122T093000000000-")


def test_message_with_html_alternative_keeps_both_parts_and_headers(outbox_dir, settings):
    message = EmailMultiAlternatives(
        "Email Address Verification",
        "Your code is 123456",
        from_email="IACS Portal <no-reply@iacs.example.gov>",
        to=["Barbara Okafor <barbara@example.org>"],
    )
    message.attach_alternative("<p>Your code is <b>123456</b></p>", "text/html")

    OutboxEmailBackend().send_messages([message])

    (path,) = outbox_dir.iterdir()
    parsed = parse(path)
    assert parsed["Subject"] == "Email Address Verification"
    assert parsed["To"] == "Barbara Okafor <barbara@example.org>"
    assert parsed["From"] == "IACS Portal <no-reply@iacs.example.gov>"
    assert parsed["Date"] is not None
    assert parsed.get_body(("plain",)).get_content().strip() == "Your code is 123456"
    assert "<b>123456</b>" in parsed.get_body(("html",)).get_content()


def test_non_ascii_text_survives(outbox_dir):
    OutboxEmailBackend().send_messages([EmailMessage("Café", "Señora Núñez", to=["a@example.org"])])

    (path,) = outbox_dir.iterdir()
    parsed = parse(path)
    assert parsed["Subject"] == "Café"
    assert parsed.get_content().strip() == "Señora Núñez"


def test_no_partial_file_is_left_behind(outbox_dir):
    OutboxEmailBackend().send_messages([EmailMessage("S", "B", to=["a@example.org"])])

    assert [path.suffix for path in outbox_dir.iterdir()] == [".eml"]


def test_sending_nothing_writes_nothing(outbox_dir):
    assert OutboxEmailBackend().send_messages([]) == 0
    assert not outbox_dir.exists()


def test_write_failure_raises_unless_fail_silently(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the outbox directory should be")
    settings.OUTBOX_DIR = blocker / "outbox"
    message = EmailMessage("S", "B", to=["a@example.org"])

    with pytest.raises(OSError):
        OutboxEmailBackend().send_messages([message])
    assert OutboxEmailBackend(fail_silently=True).send_messages([message]) == 0


def test_django_send_mail_uses_the_backend_when_configured(outbox_dir, settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"

    assert send_mail("Hello", "Body", None, ["a@example.org"]) == 1
    assert len(list(outbox_dir.iterdir())) == 1
