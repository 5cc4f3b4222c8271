"""An Individual Practitioner registers their practice, without an organization; a CMS
approver approves; the practitioner signs in and sees the personal role."""

import pytest

from tests.registration import ssa_person

from .approvers import PASSWORD, staff_approver
from .practitioner import ROLE_AFTER_APPROVAL, practitioner_registers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_individual_practitioner_registers_is_approved_by_cms_and_signs_in(journey):
    approver = staff_approver()
    grace = ssa_person("Grace")

    tracking = practitioner_registers(journey, grace)

    journey.approve(tracking, approver=approver, password=PASSWORD)
    journey.first_sign_in(grace)
    assert journey.my_roles() == [ROLE_AFTER_APPROVAL]
    journey.log_out()
