"""My Profile self-service writes: contact information and a verified change of email (issue 5)."""

from django.db import transaction

from iacs_portal.audit.services import audit_record
from iacs_portal.outbox.services import email_enqueue

from .models import EmailVerification, User
from .verification import email_verification_start


def user_update_contact(*, user: User, contact: dict) -> None:
    """Professional contact information only; the User Information (name, DOB, SSN) stays."""
    fields = [name for name in User.CONTACT_FIELDS if name in contact]
    for name in fields:
        setattr(user, name, contact[name])
    user.save(update_fields=fields)


def user_email_change_start(*, user: User, new_email: str) -> EmailVerification:
    """A code goes to the new address; nothing changes until it is entered."""
    verification = email_verification_start(email=new_email)
    EmailVerification.objects.filter(pk=verification.pk).update(user=user)
    verification.user = user
    return verification


def pending_email_change(*, user: User, verification_id) -> EmailVerification | None:
    """The user's own unfinished email change with this id, if there is one."""
    return EmailVerification.objects.filter(
        pk=verification_id, user=user, verified_at__isnull=True
    ).first()


def user_email_change_confirm(*, user: User, verification: EmailVerification) -> None:
    """The code was right: the new address takes effect, and old and new addresses are told."""
    if not verification.is_verified or verification.user_id != user.pk:
        raise ValueError("The new email address has not been verified by this user.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_email = locked.email
        EmailVerification.objects.filter(pk=verification.pk).update(replaces_email=old_email)
        locked.email = user.email = verification.email
        locked.save(update_fields=["email"])
        audit_record(action="account.email_changed", target=locked, actor=locked)
        for address, to_old in ((old_email, True), (locked.email, False)):
            if address:  # one email to each address
                email_enqueue(
                    event="email_changed",
                    to=[address],
                    params={"verification_id": verification.pk, "to_old": to_old},
                )
