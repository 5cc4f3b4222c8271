"""Who builds each email: one builder per event, registered by the app that owns the event.

A builder turns a row's ``params`` into ``Built(to, context)``: the recipients and the context of
the event's templates (``templates/emails/<event>/``). It runs inside the delivering task, in
the transaction that marks the row sent, so a builder that makes a secret (a temporary password,
a verification code, a reset link) stores its hash in that transaction too: if the message does
not go, the hash rolls back with it.

Each app registers its builders in its own ``emails`` module, imported by its ``AppConfig.ready``
(accounts never imports approvals, so no central list could name them all).
"""

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured


class Built(NamedTuple):
    to: list[str]
    context: dict


class EmailCancelled(Exception):  # noqa: N818 (an outcome, not a fault)
    """The email must not go out any more (the account was disabled, nobody is left to tell).

    The message says why, to the help desk: the row is marked failed with it, without retries.
    """


Builder = Callable[[dict], Built]
BUILDERS: dict[str, Builder] = {}


def email_builder(*events: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of ``events``."""

    def register(builder: Builder) -> Builder:
        for event in events:
            if BUILDERS.get(event, builder) is not builder:
                raise ImproperlyConfigured(f"Two builders for the email event {event!r}.")
            BUILDERS[event] = builder
        return builder

    return register


def builder_for(event: str) -> Builder:
    try:
        return BUILDERS[event]
    except KeyError:
        raise ImproperlyConfigured(
            f"No builder is registered for the email event {event!r}."
        ) from None
