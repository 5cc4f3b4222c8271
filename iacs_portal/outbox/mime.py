"""The bytes of the portal's messages as the email library writes them, for less CPU.

Measured in the worker (issue 9), writing a message out cost more than building it, in two
places that do the same work for every email:

- **The multipart boundary.** Python's generator picks a random boundary and, to be sure no
  part contains it, compiles a regular expression of it (a new one every time, so never from
  ``re``'s cache) and searches every part with it. Here the boundary is picked the same way
  (15 ``=``, 19 random digits, ``==``) and set before the message is written, once a plain
  search of each part found no line that could be read as it; in the rare case one does, none
  is set and the generator picks one as before.
- **Header folding.** The default policy (``compat32``) passes every header through
  ``email.header.Header`` to fold it at 78 characters, even one that is short plain ASCII and
  comes out unchanged. ``QuickFoldPolicy`` writes such a header as it is, and leaves every
  other one to ``compat32``: the bytes are the same.

``prepared`` applies both to a message Django built (``rendering.PortalEmail``), which then
differs from Django's own only in what differs between any two of its messages: its boundary,
Date and Message-ID (``tests/outbox/test_mime.py``).
"""

import re
import secrets
import sys
from email.message import Message
from email.policy import Compat32

# A header value that compat32 writes as it is when it fits on the line: printable ASCII words
# separated by single spaces (no control character, no run or edge of white space to fold on).
_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))  # as email.generator writes them


class QuickFoldPolicy(Compat32):
    """``compat32``, writing a short plain-ASCII header without ``Header``'s folding work."""

    def _fold(self, name, value, sanitize):
        limit = self.max_line_length
        if (
            isinstance(value, str)
            and limit
            and len(name) + 2 + len(value) <= limit
            and _PLAIN.fullmatch(value)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


QUICK_FOLD = QuickFoldPolicy()


def _boundary_for(multipart) -> str | None:
    """A random boundary that no line of the parts could be read as, or None (see the module)."""
    token = secrets.randbelow(sys.maxsize)
    boundary = f"{'=' * 15}{token:0{_BOUNDARY_DIGITS}d}=="
    for part in multipart.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload()
        if not isinstance(payload, str) or f"--{boundary}" in payload:
            return None
    return boundary


def prepared(mime: Message) -> Message:
    """``mime`` (as Django's ``message()`` built it) written with ``QUICK_FOLD`` and,
    if it is multipart, with its boundary set."""
    mime.policy = QUICK_FOLD  # the generator writes with the message's policy
    if mime.is_multipart() and mime.get_boundary() is None:
        boundary = _boundary_for(mime)
        if boundary is not None:
            mime.set_boundary(boundary)
    return mime
