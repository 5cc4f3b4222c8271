"""A local SMTP server that keeps and prints what it receives: the mail server of `make prod`.

Production sends real mail (EMAIL_URL). On this machine nothing would deliver it, so `make prod`
points EMAIL_URL here, and this prints each message's recipients, subject and plain text (the
verification code, the temporary password) among the other processes' output. For a local run
only: it relays nothing and keeps messages in memory until it stops. The browser test of
production mode reads its mail from a MailSink too.

    python -m iacs_portal.mailsink [--host 127.0.0.1] [--port 1025] [--spool-dir DIR] [--quiet]

With ``--spool-dir`` each message is also written to ``DIR/<recipient>.eml`` (the newest one per
address), for another process to read: the load benchmark reads its verification codes there.

aiosmtpd (pyproject's `run` and `test` extras) is imported only when a server starts.
"""

import argparse
import email
import email.policy
import threading
import time
from email.message import Message  # parsed with policy.default: the modern API
from pathlib import Path


def parse(content: bytes) -> Message:
    return email.message_from_bytes(content, policy=email.policy.default)


def text_of(message: Message) -> str:
    """The plain-text part, decoded."""
    return message.get_body(preferencelist=("plain",)).get_content()


def subject_of(message: Message) -> str:
    """The subject, decoded, unfolded (a long non-ASCII subject arrives folded over lines)."""
    return " ".join(str(message["Subject"]).split())


class MailSink:
    """An aiosmtpd handler: every message accepted, kept, and printed when ``echo`` is on.

    A message is kept as it arrived and parsed only when it is looked at (``messages``,
    ``wait_for``) or printed: the load benchmark's sink (``--quiet --spool-dir``) never parses
    one, and parsing was most of the CPU it took for each message (issue 9).
    """

    def __init__(self, *, echo: bool = False, spool_dir: Path | None = None):
        self.echo = echo
        self.spool_dir = spool_dir
        self._received: list[bytes] = []
        self._parsed: list[Message] = []
        self._arrived = threading.Condition()

    @property
    def messages(self) -> list[Message]:
        """Every message received, parsed, in the order they arrived."""
        with self._arrived:
            for content in self._received[len(self._parsed) :]:
                self._parsed.append(parse(content))
            return list(self._parsed)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._arrived:
            self._received.append(envelope.content)
            self._arrived.notify_all()
        if self.spool_dir is not None:
            self._spool(envelope)
        if self.echo:
            message = parse(envelope.content)
            rule = "-" * 72
            print(
                f"{rule}\nTo: {message['To']}\nSubject: {subject_of(message)}\n\n"
                f"{text_of(message).strip()}\n{rule}",
                flush=True,
            )
        return "250 Message accepted for delivery"

    def _spool(self, envelope) -> None:
        """Written beside, then renamed: a reader never sees half a message."""
        for recipient in envelope.rcpt_tos:
            name = recipient.lower().replace("/", "_")
            partial = self.spool_dir / f".{name}.part"
            partial.write_bytes(envelope.content)
            partial.replace(self.spool_dir / f"{name}.eml")

    def wait_for(self, *, subject: str, to: str, timeout: float = 20) -> Message:
        """The newest message with this subject to this address, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._arrived:  # re-entrant: ``messages`` takes it too
            while True:
                for message in reversed(self.messages):
                    if subject_of(message) == subject and to in message["To"]:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    received = [(subject_of(m), m["To"]) for m in self.messages]
                    raise TimeoutError(f"no {subject!r} to {to} in {timeout}s; got {received}")
                self._arrived.wait(left)


def serve(*, host: str, port: int, echo: bool = True, spool_dir: Path | None = None):
    """Start a sink in a background thread; returns the aiosmtpd controller (``.stop()``)."""
    from aiosmtpd.controller import Controller

    handler = MailSink(echo=echo, spool_dir=spool_dir)
    controller = Controller(handler, hostname=host, port=port)
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--spool-dir", type=Path, help="also write each message here")
    parser.add_argument("--quiet", action="store_true", help="do not print the messages")
    options = parser.parse_args()
    if options.spool_dir:
        options.spool_dir.mkdir(parents=True, exist_ok=True)
    serve(host=options.host, port=options.port, echo=not options.quiet, spool_dir=options.spool_dir)
    print(f"Mail sink listening on {options.host}:{options.port}", flush=True)
    threading.Event().wait()  # until the process is stopped


if __name__ == "__main__":
    main()
