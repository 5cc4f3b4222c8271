"""The whole BSO path through the Django test client: warning screen to the new BSO's My Profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from tests.factories import OrganizationFactory, security_official
from tests.registration import sign_in, submit_bso_registration
from tests.two_factor import enroll

pytestmark = pytest.mark.django_db(transaction=True)


def body_of(subject: str) -> str:
    return next(m.body for m in mail.outbox if m.subject == subject)


def test_bso_registers_is_approved_and_reaches_my_profile(client, django_user_model):
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    so = security_official(organization)

    assert client.get("/").status_code == 200
    submit_bso_registration(client, organization)
    access_request = AccessRequest.objects.get()
    ack = client.get(reverse("registration:acknowledgement")).content.decode()
    assert access_request.tracking_number in ack
    client.post(reverse("registration:acknowledgement"))  # OK

    approver = client.__class__()
    sign_in(approver, so)
    queue = approver.get(reverse("approvals:queue")).content.decode()
    assert access_request.tracking_number in queue
    approver.post(
        reverse("approvals:detail", args=[access_request.tracking_number]), {"decision": "approve"}
    )

    user_id = re.search(
        r"User ID is: (\S+)", body_of("FYI: User Creation Completed – Account ID Enclosed")
    ).group(1)
    password = re.search(
        r"^\s+(\S{20})\s*$",
        body_of("FYI: User Creation Completed – Password Enclosed"),
        re.MULTILINE,
    ).group(1)
    assert User.objects.get(username=user_id).email == "barbara@example.org"

    client.get(reverse("accounts:account_management"))
    response = client.post(
        reverse("accounts:login"), {"username": user_id, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:change_password")
    new_password = "blue heron kayak sunrise"
    response = client.post(
        reverse("accounts:change_password"),
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    form = response.context["form"]
    first, second = list(form.fields)[:2]
    response = client.post(
        reverse("accounts:change_answers"), {first: "Elm", second: "Rex"}, follow=True
    )
    assert "Change Answers Results" in response.content.decode()
    # A BSO must use two-factor: set up at once, before anything else opens.
    response = client.get(reverse("accounts:my_profile"))
    assert response.url == reverse("accounts:two_factor_setup")
    assert len(enroll(client, User.objects.get(username=user_id))) == 10
    profile = client.get(reverse("accounts:my_profile")).content.decode()
    assert (
        user_id in profile and "Backup Security Official at Chesapeake Family Medicine" in profile
    )
    assert "Logout" in profile
