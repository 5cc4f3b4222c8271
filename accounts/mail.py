"""The one seam through which the portal sends mail.

Every email is an *event* with three templates under ``templates/emails/<event>/``:
``subject.txt``, ``body.txt`` and ``body.html``. Callers are Celery tasks; nothing sends mail
inside a request's database transaction.

Every attempt is recorded (``iacs_portal.outbox.models.OutgoingEmail``, ADR 12): the event, the
recipients, the subject, sent or failed, how many attempts, the error. Never the body nor a
template value: the body of several emails is a secret (a temporary password, a code, a link).
"""

from celery import current_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from iacs_portal.outbox.services import (
    outgoing_email_attempt_start,
    outgoing_email_mark_failed,
    outgoing_email_mark_sent,
)


def send_templated_email(*, event: str, to: list[str], context: dict) -> None:
    user_label, tracking_number = _about(context)
    record = outgoing_email_attempt_start(
        event=event,
        to=to,
        task_id=_current_task_id(),
        user_label=user_label,
        tracking_number=tracking_number,
    )
    subject = ""
    try:
        context = {"help_desk": settings.HELP_DESK, **context}
        subject = render_to_string(f"emails/{event}/subject.txt", context)
        subject = " ".join(subject.split())
        text_body = render_to_string(f"emails/{event}/body.txt", context)
        html_body = render_to_string(f"emails/{event}/body.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text_body, to=to)
        message.attach_alternative(html_body, "text/html")
        message.send()
    except Exception as error:
        outgoing_email_mark_failed(
            email=record, subject=subject, error=_error_without_secrets(error, context)
        )
        raise  # the task fails, and Celery retries it where the task says so
    outgoing_email_mark_sent(email=record, subject=subject)


def _current_task_id() -> str:
    request = getattr(current_task, "request", None)
    return str(getattr(request, "id", None) or "")


def _about(context: dict) -> tuple[str, str]:
    """The User IDs and the request tracking number the email is about, read from the few
    context names that hold them; nothing else in the context is looked at."""
    users = list(context.get("users") or [])
    if context.get("user") is not None:
        users.append(context["user"])
    if context.get("assignment") is not None:
        users.append(context["assignment"].user)
    labels = dict.fromkeys(user.get_username() for user in users)  # ordered, without repeats
    tracking_number = getattr(context.get("request"), "tracking_number", None) or ""
    return ", ".join(labels), tracking_number


def _error_without_secrets(error: Exception, context: dict) -> str:
    """The exception's class and message, with every text value of the context blanked out.

    A template error can quote the context it failed in; the context holds the secrets.
    """
    text = f"{type(error).__name__}: {error}"
    for value in context.values():
        if isinstance(value, str) and len(value) >= 4:
            text = text.replace(value, "[removed]")
    return text
