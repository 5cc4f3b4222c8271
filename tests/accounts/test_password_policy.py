"""Password rules not covered by test_first_login: personal information, the optional
composition validator, the hasher, and the history and temporary-password boundaries."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.passwords import CompositionValidator, PasswordHistoryValidator
from accounts.services import (
    temporary_password_refusal,
    user_change_password,
    user_issue_temporary_password,
)
from iacs_portal.settings import base
from tests.factories import UserFactory, set_up
from tests.registration import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory.build(
        username="BXQ42", first_name="Barbara", last_name="Okafor", email="bo.work@example.org"
    )


def refusal_codes(password, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    [
        "the okafor family garden path",  # last name inside a long passphrase
        "BARBARA likes quiet rainy mornings",  # first name, another case
        "login as bxq42 every single day",  # the User ID
        "bo.work is where the mail arrives",  # the email's local part
        "my old address was bowork plus more",  # ...without its punctuation
        "the de la cruz family garden path",  # one word of a last name of several
        "o-k-a-f-o-r and seven other words",  # spelled out with separators
    ],
)
def test_a_password_containing_who_the_person_is_is_refused(person, password):
    if "cruz" in password:
        person.last_name = "De la Cruz"
    assert "password_contains_personal_information" in refusal_codes(password, person)


def test_djangos_similarity_check_alone_misses_a_name_inside_a_passphrase(person):
    from django.contrib.auth.password_validation import UserAttributeSimilarityValidator

    UserAttributeSimilarityValidator().validate("the okafor family garden path", person)


def test_short_name_parts_and_unrelated_passphrases_are_accepted(person):
    person.first_name, person.last_name = "Bo", "De la Cruz"  # two letters: too common to refuse
    assert refusal_codes("a bowl of rice and tea at noon in the work week", person) == []


def test_the_change_password_page_says_why_a_name_is_refused(client):
    user = set_up(UserFactory(first_name="Barbara", last_name="Okafor"))
    sign_in(client, user)
    candidate = "okafor keeps bees on the roof"
    response = client.post(
        reverse("accounts:change_password"),
        {"old_password": "correct-horse-battery-staple-9", "new_password1": candidate,
         "new_password2": candidate},
    )  # fmt: skip
    assert "cannot contain your User ID, your first or last name" in response.content.decode()


def test_composition_is_off_by_default(person):
    names = [v["NAME"] for v in base.AUTH_PASSWORD_VALIDATORS]
    assert "accounts.passwords.CompositionValidator" not in names
    assert refusal_codes("all lower case words here", person) == []


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("no capitals or digits here", False),
        ("Capital but no digit here", False),
        ("NO LOWER CASE 12345 HERE", False),
        ("Has Upper lower and 1 digit", True),
    ],
)
def test_the_composition_validator_wants_upper_lower_and_digit(password, accepted):
    try:
        CompositionValidator().validate(password)
    except ValidationError:
        assert not accepted
    else:
        assert accepted


def settings_value(expression: str, **environment) -> str:
    env = {**os.environ, **environment}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", f"from iacs_portal.settings import base; print({expression})"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_setting_switches_the_composition_validator_on():
    names = "[v['NAME'] for v in base.AUTH_PASSWORD_VALIDATORS]"
    assert "CompositionValidator" in settings_value(names, PASSWORD_REQUIRE_COMPOSITION="true")
    assert "CompositionValidator" not in settings_value(names, PASSWORD_REQUIRE_COMPOSITION="0")


def test_argon2id_is_the_first_hasher():
    # The test settings use a fast hasher; the base settings are what every server runs.
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("a long and memorable passphrase").startswith("argon2$argon2id$")


def test_the_sixth_most_recent_password_is_refused_and_the_seventh_accepted():
    """ "No reuse of the last 6": the current password and the five before it."""
    user = UserFactory()
    passwords = [f"distinct passphrase number {n}" for n in range(7)]
    for password in passwords:  # passwords[6] is the current one
        user_change_password(user=user, new_password=password)
    validator = PasswordHistoryValidator(history_count=6)
    for recent in passwords[1:]:
        with pytest.raises(ValidationError):
            validator.validate(recent, user)
    validator.validate(passwords[0], user)


def test_a_temporary_password_works_at_exactly_24_hours_and_not_a_second_later():
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        user, _password = user_issue_temporary_password(user_id=user.pk)
        clock.shift(timedelta(hours=24))
        assert temporary_password_refusal(user) is None
        clock.shift(timedelta(seconds=1))
        assert "expired" in temporary_password_refusal(user)
