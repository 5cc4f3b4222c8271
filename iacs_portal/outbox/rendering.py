"""The one place that builds mail messages (a test fails if another module sends mail).

Every email is an *event* with three templates under ``templates/emails/<event>/``:
``subject.txt``, ``body.txt`` and ``body.html``, rendered with the builder's context plus the
help desk's contact (``settings.HELP_DESK``).
"""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

ERROR_MAX_LENGTH = 1000
# user:password@ in a URL (a broker or SMTP address quoted by an error)
_URL_CREDENTIALS = re.compile(r"(//)[^/@\s]+@")


def render_message(*, event: str, to: list[str], context: dict) -> EmailMultiAlternatives:
    context = {"help_desk": settings.HELP_DESK, **context}
    subject = " ".join(render_to_string(f"emails/{event}/subject.txt", context).split())
    text_body = render_to_string(f"emails/{event}/body.txt", context)
    html_body = render_to_string(f"emails/{event}/body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text_body, to=to)
    message.attach_alternative(html_body, "text/html")
    return message


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
