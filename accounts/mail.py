"""The one seam through which the portal sends mail.

Every email is an *event* with three templates under ``templates/emails/<event>/``:
``subject.txt``, ``body.txt`` and ``body.html``. Callers are Celery tasks; nothing sends mail
inside a request's database transaction.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(*, event: str, to: list[str], context: dict) -> None:
    context = {"help_desk": settings.HELP_DESK, **context}
    subject = render_to_string(f"emails/{event}/subject.txt", context)
    subject = " ".join(subject.split())
    text_body = render_to_string(f"emails/{event}/body.txt", context)
    html_body = render_to_string(f"emails/{event}/body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text_body, to=to)
    message.attach_alternative(html_body, "text/html")
    message.send()
