"""Every form that carries a password, a one-time code or an answer hides its POST data from
error reports (Django's sensitive_post_parameters), whoever posts and whatever happens next."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, set_up
from tests.registration import enter_portal, enter_signed_in

pytestmark = pytest.mark.django_db

SIGNED_OUT = [
    "accounts:login",
    "accounts:login_code",
    "accounts:password_reset_questions",
    "accounts:password_reset_new",
]
SIGNED_IN = [
    "accounts:change_password",
    "accounts:change_answers",
    "accounts:change_email",
    "accounts:change_email_verify",
    "accounts:two_factor_setup",
    "accounts:two_factor_backup_codes",
    "accounts:two_factor_remove",
]


@pytest.mark.parametrize("url_name", SIGNED_OUT)
def test_signed_out_forms_hide_their_post_data(client, url_name):
    enter_portal(client)
    response = client.post(reverse(url_name), {"password": "secret", "code": "123456"})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


@pytest.mark.parametrize("url_name", SIGNED_IN)
def test_signed_in_forms_hide_their_post_data(client, url_name):
    enter_signed_in(client, set_up(UserFactory()))
    response = client.post(reverse(url_name), {"password": "secret", "code": "123456"})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
