"""What every role's registration test checks once a request is submitted, approved or denied."""

from django.core import mail

from accounts.models import User
from approvals.models import AccessRequest
from tests.registration import (
    Person,
    mail_to,
    ssa_person,
)

USER_ID_SUBJECT = "FYI: User Creation Completed – Account ID Enclosed"
PASSWORD_SUBJECT = "FYI: User Creation Completed – Password Enclosed"
GRACE = ssa_person("Grace")


def received_subject(access_request) -> str:
    kind = "registration request" if access_request.is_registration else "request"
    return f"IACS {kind} received: tracking number {access_request.tracking_number}"


def awaiting_subject(access_request) -> str:
    return f"IACS request awaiting your approval: {access_request.tracking_number}"


def approver_notice(access_request):
    (notice,) = [m for m in mail.outbox if m.subject == awaiting_subject(access_request)]
    return notice


def assert_acknowledged(access_request, person: Person) -> None:
    (acknowledgement,) = [
        m for m in mail_to(person.email) if access_request.tracking_number in m.subject
    ]
    assert acknowledgement.subject == received_subject(access_request)
    assert access_request.tracking_number in acknowledgement.body


def assert_new_account(access_request, person: Person, role: str, **scope) -> User:
    """Approved: one account for the person, the role in that scope only, two credential emails."""
    user = User.objects.get(email=person.email)
    assert access_request.applicant == user and user.ssn_digest == access_request.ssn_digest
    assert user.must_change_password
    assignments = list(user.role_assignments.values_list("role", "organization", "group"))
    scope = {"organization": None, "group": None, **scope}
    assert assignments == [
        (role, getattr(scope["organization"], "pk", None), getattr(scope["group"], "pk", None))
    ]
    assert [m.subject for m in mail_to(person.email)][-2:] == [USER_ID_SUBJECT, PASSWORD_SUBJECT]
    id_mail, password_mail = mail_to(person.email)[-2:]
    assert user.username in id_mail.body and user.username not in password_mail.body
    return user


def assert_denied_by_email(access_request, person: Person, note: str) -> None:
    assert access_request.status == AccessRequest.Status.DENIED
    (message,) = [m for m in mail_to(person.email) if "denied" in m.subject]
    assert access_request.tracking_number in message.subject and note in message.body
    assert not User.objects.filter(email=person.email).exists()
