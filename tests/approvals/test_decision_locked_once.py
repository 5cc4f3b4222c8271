"""A decision takes the request its page read locked (services.decidable_request_locked) only
if it was read so for the same approver inside the transaction; anything else is refused."""

import pytest
from django.db import transaction

from approvals.services import access_request_approve, decidable_request_locked
from tests.factories import OrganizationFactory, security_official, submitted_request

pytestmark = pytest.mark.django_db


def test_a_request_locked_for_another_approver_is_refused():
    organization = OrganizationFactory()
    so, other = security_official(organization), security_official(OrganizationFactory())
    access_request = submitted_request("bso", organization=organization, ssn_digest="d" * 64)
    with transaction.atomic():
        locked = decidable_request_locked(approver=so, pk=access_request.pk)
        assert locked is not None
        assert decidable_request_locked(approver=other, pk=access_request.pk) is None
        with pytest.raises(ValueError):
            access_request_approve(access_request_id=locked.pk, approver=other, locked=locked)


def test_a_request_read_without_its_lock_is_refused():
    organization = OrganizationFactory()
    so = security_official(organization)
    access_request = submitted_request("bso", organization=organization, ssn_digest="d" * 64)
    with pytest.raises(ValueError):
        access_request_approve(
            access_request_id=access_request.pk, approver=so, locked=access_request
        )
