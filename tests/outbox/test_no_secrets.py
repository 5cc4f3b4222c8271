"""No verification code or temporary password is stored, queued or logged in clear: the outbox
rows and the Celery messages hold ids, and the secret is made when the email is built (ADR 3,
ADR 14). Read as an attacker would: the raw rows, every task's arguments, every log record."""

import re

import pytest
from django.core import mail

from approvals.models import AccessRequest
from iacs_portal.outbox.models import OutgoingEmail
from tests.approvals.test_personal_data_never_in_clear import watch  # noqa: F401 (a fixture)
from tests.factories import OrganizationFactory, security_official
from tests.pii import database_rows, leaks
from tests.registration import BARBARA, decide, latest_code, submit_bso_registration

pytestmark = pytest.mark.django_db(transaction=True)
DELIVER = "iacs_portal.outbox.tasks.outgoing_email_deliver"
DELIVER_SET = "iacs_portal.outbox.tasks.outgoing_emails_deliver"  # a submit's emails, together


def test_registration_and_approval_leave_no_code_or_password_in_the_outbox_tasks_or_logs(
    client,
    watch,  # noqa: F811
):
    organization = OrganizationFactory()
    submit_bso_registration(client, organization, BARBARA.email)
    decide(security_official(organization), AccessRequest.objects.get())

    code = latest_code(BARBARA.email)
    password_mail = next(m for m in mail.outbox if "Password Enclosed" in m.subject)
    password = re.search(r"^\s+(\S{20})\s*$", password_mail.body, re.MULTILINE).group(1)
    outbox_rows = [row for row in database_rows() if row[0] == OutgoingEmail._meta.db_table]
    assert set(OutgoingEmail.objects.values_list("event", "status")) >= {
        ("email_verification", "sent"),
        ("account_id", "sent"),
        ("account_password", "sent"),
    }
    assert leaks([code, password], outbox_rows) == []
    assert leaks([code, password], watch.tasks()) == []
    assert leaks([code, password], watch.logs()) == []
    # Each task was handed row ids (one, or a list of a set queued together), and nothing else.
    assert watch.task_calls and {name for name, _ in watch.task_calls} == {DELIVER, DELIVER_SET}
    ids = set(OutgoingEmail.objects.values_list("pk", flat=True))
    for name, (args, kwargs, _options) in watch.task_calls:
        assert len(args) == 1 and not kwargs
        handed = args[0] if name == DELIVER_SET else [args[0]]
        assert handed and set(handed) <= ids
