"""The one place that builds and sends mail messages (a test fails if another module does).

Every email is an *event* with three templates under ``templates/emails/<event>/``:
``subject.txt``, ``body.txt`` and ``body.html``, rendered with the builder's context plus the
help desk's contact (``settings.HELP_DESK``).

By SMTP, a worker sends every message over one connection that it keeps open (``send_message``):
opening one costs a TCP handshake, the greeting and EHLO (with TLS and a password, a TLS
handshake and AUTH too), then QUIT, which was more than the message itself. The kept connection
is checked with NOOP before each message and replaced if it does not answer; after any error it
is dropped, so a message is never sent over a connection in an unknown state. What is sent, and
when it counts as sent, is unchanged (ADR 14).

A message is a ``PortalEmail``: Django's, whose bytes the email library writes for less CPU
(``mime``), the same but for the boundary, Date and Message-ID that differ between any two.
"""

import contextlib
import re
import smtplib
import threading

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.template.loader import render_to_string

from .mime import prepared

ERROR_MAX_LENGTH = 1000
# user:password@ in a URL (a broker or SMTP address quoted by an error)
_URL_CREDENTIALS = re.compile(r"(//)[^/@\s]+@")


class PortalEmail(EmailMultiAlternatives):
    """Django's message, written out for less CPU, the same bytes but for its boundary, Date
    and Message-ID (``mime``)."""

    def message(self):
        return prepared(super().message())


def render_message(*, event: str, to: list[str], context: dict) -> PortalEmail:
    context = {"help_desk": settings.HELP_DESK, **context}
    subject = " ".join(render_to_string(f"emails/{event}/subject.txt", context).split())
    text_body = render_to_string(f"emails/{event}/body.txt", context)
    html_body = render_to_string(f"emails/{event}/body.html", context)
    message = PortalEmail(subject=subject, body=text_body, to=to)
    message.attach_alternative(html_body, "text/html")
    return message


_kept = threading.local()  # the SMTP backend whose connection this thread keeps open


def send_message(message: PortalEmail) -> None:
    """Hand ``message`` to the mail backend; by SMTP, over this thread's kept connection."""
    connection = _kept_smtp_connection()
    if connection is None:  # not SMTP (files in development, memory in the tests)
        message.send()
        return
    message.connection = connection
    try:
        message.send()
    except BaseException:
        _drop_smtp_connection()  # in an unknown state: the next message opens a new one
        raise


def _smtp_identity(backend: SmtpBackend) -> tuple:
    return (
        backend.host, backend.port, backend.username, backend.password, backend.use_tls,
        backend.use_ssl, backend.timeout, backend.ssl_certfile, backend.ssl_keyfile,
    )  # fmt: skip


def _answers(backend: SmtpBackend) -> bool:
    try:
        return backend.connection is not None and backend.connection.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def _kept_smtp_connection() -> SmtpBackend | None:
    """This thread's open SMTP backend, opened if need be; None when mail does not go by SMTP."""
    backend = get_connection()
    if not isinstance(backend, SmtpBackend):
        return None
    kept = getattr(_kept, "backend", None)
    if kept is not None:
        if _smtp_identity(kept) == _smtp_identity(backend) and _answers(kept):
            return kept
        _drop_smtp_connection()  # closed by the server meanwhile, or the settings changed
    backend.open()  # an error here fails the attempt, as a refused connection always did
    _kept.backend = backend
    return backend


def _drop_smtp_connection() -> None:
    kept = _kept.__dict__.pop("backend", None)
    if kept is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            kept.close()


def about(context: dict) -> tuple[str, str]:
    """The User IDs and the request tracking number an email is about, read from the few
    context names that hold them (``user``, ``users``, ``assignment``, ``request``); nothing
    else in the context is looked at."""
    users = list(context.get("users") or [])
    if context.get("user") is not None:
        users.append(context["user"])
    if context.get("assignment") is not None:
        users.append(context["assignment"].user)
    labels = dict.fromkeys(user.get_username() for user in users)  # ordered, without repeats
    tracking_number = getattr(context.get("request"), "tracking_number", None) or ""
    return ", ".join(labels)[:255], tracking_number[:20]


def error_without_secrets(error: BaseException, context: dict | None = None) -> str:
    """The exception's class and message, with every text value of the context blanked out.

    A template error can quote the context it failed in, and an SMTP server may quote the
    message back; the context holds the secrets. Credentials in a quoted URL go too.
    """
    text = f"{type(error).__name__}: {error}"
    for value in (context or {}).values():
        if isinstance(value, str) and len(value) >= 4:
            text = text.replace(value, "[removed]")
    return _URL_CREDENTIALS.sub(r"\1[removed]@", text)[:ERROR_MAX_LENGTH]
