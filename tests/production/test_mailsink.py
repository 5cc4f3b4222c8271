"""The local mail sink of `make prod` (and of the production browser test) receives what the
portal sends over SMTP, prints it for the person running it, and finds it by subject."""

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from iacs_portal import mailsink
from iacs_portal.mailsink import parse, serve, text_of

from .test_health import closed_port


@pytest.fixture
def sink():
    controller = serve(host="127.0.0.1", port=closed_port(), echo=True)
    yield controller
    controller.stop()


def send(sink, *, subject: str, to: str, text: str) -> None:
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port
    )
    message = EmailMultiAlternatives(subject, text, "no-reply@iacs.example.gov", [to])
    message.attach_alternative(f"<p>{text}</p>", "text/html")
    connection.send_messages([message])


def test_a_message_is_kept_found_by_subject_and_printed(sink, capsys):
    subject = "FYI: User Creation Completed – Password Enclosed"  # non-ASCII: sent folded
    send(
        sink, subject=subject, to="grace@example.org", text="Your password:\n\n    Xy7-temporary\n"
    )

    message = sink.handler.wait_for(subject=subject, to="grace@example.org", timeout=5)
    assert "Xy7-temporary" in text_of(message) and "<p>" not in text_of(message)
    printed = capsys.readouterr().out
    assert f"Subject: {subject}" in printed and "Xy7-temporary" in printed


def test_waiting_for_mail_that_never_comes_says_what_came(sink):
    send(sink, subject="Email Address Verification", to="a@example.org", text="123456")
    with pytest.raises(TimeoutError, match="Email Address Verification"):
        sink.handler.wait_for(subject="Something else", to="a@example.org", timeout=0.5)


def test_a_quiet_sink_parses_a_message_only_once_it_is_looked_at(monkeypatch, tmp_path):
    parsed = []
    monkeypatch.setattr(mailsink, "parse", lambda content: parsed.append(content) or parse(content))
    quiet = serve(host="127.0.0.1", port=closed_port(), echo=False, spool_dir=tmp_path)
    try:
        send(quiet, subject="Email Address Verification", to="ada@example.org", text="482913")
        assert parsed == []  # received, spooled, kept as it came
        spooled = (tmp_path / "ada@example.org.eml").read_bytes()

        message = quiet.handler.wait_for(subject="Email Address Verification", to="ada@example.org")
        assert "482913" in text_of(message) and parsed == [spooled]
        assert quiet.handler.messages == [message] and len(parsed) == 1  # parsed once
    finally:
        quiet.stop()
