"""The portal's messages are written out as Django's would be, byte for byte, but for what differs
between any two messages (the boundary, Date, Message-ID): iacs_portal/outbox/mime.py."""

import email
import email.policy
import re
from email.errors import HeaderParseError
from email.policy import compat32
from unittest import mock

import pytest
from django.core.mail import EmailMultiAlternatives
from hypothesis import given
from hypothesis import strategies as st

from iacs_portal.outbox import mime
from iacs_portal.outbox.rendering import PortalEmail, render_message
from tests.mail.email_support import ALL_CASES, CASES

APPROVERS = [f"security.official.{n}@organization-{n}.example.org" for n in range(12)]
TOKEN = 4711  # a boundary's random part, when the test picks it


def djangos(message: PortalEmail) -> EmailMultiAlternatives:
    """The same message as Django's own class."""
    twin = EmailMultiAlternatives(message.subject, message.body, message.from_email, message.to)
    for content, mimetype in message.alternatives:
        twin.attach_alternative(content, mimetype)
    return twin


def normalized(message) -> bytes:
    """Its bytes by SMTP, with what differs between any two messages made the same."""
    built = message.message()
    data = built.as_bytes(linesep="\r\n")
    data = data.replace(built.get_boundary().encode(), b"BOUNDARY")
    return re.sub(rb"^(Date|Message-ID): [^\r]*\r\n", rb"\1: -\r\n", data, flags=re.MULTILINE)


@pytest.mark.django_db
@pytest.mark.parametrize(("event", "case"), ALL_CASES, ids=[f"{e}-{c}" for e, c in ALL_CASES])
def test_every_email_is_written_as_django_writes_it(event, case):
    context = CASES[event][case]()
    for to in (["applicant@example.org"], APPROVERS):  # one address, or a To to fold
        message = render_message(event=event, to=to, context=context)
        assert normalized(message) == normalized(djangos(message))


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("FYI: User Creation Completed – Password Enclosed", "Ça va\n"),  # non-ASCII: encoded
        ("Short", "x" * 1200 + "\n"),  # a line too long for SMTP: quoted-printable
        ("A subject long enough to be folded " * 4, "Plain\n\n    482913\n"),
        ("  Spaces  at the edges and  twice ", "Tabs\tand\x0bother\x0cspace\n"),
    ],
)
def test_unusual_subjects_and_bodies_are_written_as_django_writes_them(subject, body):
    message = PortalEmail(subject=subject, body=body, to=APPROVERS[:3])
    message.attach_alternative(f"<p>{body}</p>", "text/html")
    assert normalized(message) == normalized(djangos(message))


def test_a_boundary_found_in_a_part_is_left_to_the_email_library():
    boundary = f"{'=' * 15}{TOKEN:019d}=="
    message = PortalEmail(subject="S", body=f"Text\n--{boundary}\nmore\n", to=["a@example.org"])
    message.attach_alternative("<p>HTML</p>", "text/html")

    with mock.patch("iacs_portal.outbox.mime.secrets.randbelow", return_value=TOKEN):
        assert mime._boundary_for(message.message()) is None
        built = message.message()
    data = built.as_bytes()

    assert built.get_boundary() != boundary  # the library picked another one
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed.get_body(preferencelist=("plain",)).get_content() == message.body


def test_a_message_without_parts_has_no_boundary():
    built = PortalEmail(subject="S", body="Text only\n", to=["a@example.org"]).message()
    assert not built.is_multipart() and b"boundary" not in built.as_bytes()


NAMES = st.sampled_from(["Subject", "To", "From", "Content-Type", "X-A-Very-Long-Header-Name"])
VALUES = st.text(st.characters(max_codepoint=0x7F), max_size=120) | st.text(max_size=90)


@given(name=NAMES, value=VALUES)
def test_a_header_is_folded_as_compat32_folds_it(name, value):
    def fold(policy):
        try:
            return policy.clone(linesep="\r\n").fold_binary(name, value)
        except (HeaderParseError, UnicodeError) as error:
            return type(error)

    assert fold(mime.QUICK_FOLD) == fold(compat32)
