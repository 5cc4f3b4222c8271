import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.emails import user_email_enqueue
from accounts.models import AuthenticationAnswer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and memorable passphrase"


@pytest.fixture
def new_user(django_capture_on_commit_callbacks):
    user = UserFactory(must_change_password=True)
    with django_capture_on_commit_callbacks(execute=True):
        user_email_enqueue(event="account_password", user=user)
    password = re.search(r"^\s+(\S{20})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    return user, password


def login(client, user, password):
    client.post(reverse("accounts:warning"))
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def test_temporary_password_leads_straight_to_change_password(client, new_user):
    user, password = new_user
    assert login(client, user, password).url == reverse("accounts:my_profile")
    assert client.get(reverse("accounts:my_profile")).url == reverse("accounts:change_password")
    assert client.get(reverse("registration:start")).url == reverse("accounts:change_password")


def test_temporary_password_is_stored_hashed(new_user):
    user, password = new_user
    user.refresh_from_db()
    assert password not in user.password


def test_forced_change_then_questions_then_results_then_profile(client, new_user):
    user, password = new_user
    login(client, user, password)
    response = client.post(
        reverse("accounts:change_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:change_answers")
    assert client.get(reverse("accounts:my_profile")).url == reverse("accounts:change_answers")
    form = client.get(reverse("accounts:change_answers")).context["form"]
    names = list(form.fields)
    assert len(names) == 10
    response = client.post(
        reverse("accounts:change_answers"), {names[0]: "Elm Street", names[3]: "Ford"}
    )
    assert response.url == reverse("accounts:answers_saved")
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("accounts:my_profile")).status_code == 200


def test_one_answer_is_not_enough_and_answers_are_not_echoed(client, new_user):
    user, password = new_user
    login(client, user, password)
    client.post(
        reverse("accounts:change_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    names = list(client.get(reverse("accounts:change_answers")).context["form"].fields)
    response = client.post(reverse("accounts:change_answers"), {names[0]: "Elm Street"})
    assert "Answer at least 2" in response.content.decode()
    assert "Elm Street" not in response.content.decode()
    assert not AuthenticationAnswer.objects.filter(user=user).exists()


def test_answers_are_stored_hashed_and_match_regardless_of_case(client, new_user):
    from accounts.services import authentication_answer_matches

    user, password = new_user
    login(client, user, password)
    client.post(
        reverse("accounts:change_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    names = list(client.get(reverse("accounts:change_answers")).context["form"].fields)
    client.post(reverse("accounts:change_answers"), {names[0]: "Elm Street", names[1]: "Rex"})
    answer = AuthenticationAnswer.objects.filter(user=user).first()
    assert "Elm" not in answer.answer_hash and "Rex" not in answer.answer_hash
    assert any(
        authentication_answer_matches(answer=a, text="  elm   STREET ")
        for a in AuthenticationAnswer.objects.filter(user=user)
    )


def test_temporary_password_works_at_23_hours_59_minutes(client, new_user):
    user, password = new_user
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert login(client, user, password).status_code == 302


def test_temporary_password_expires_after_24_hours(client, new_user):
    user, password = new_user
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        response = login(client, user, password)
    assert response.status_code == 200
    assert "temporary password has expired" in response.content.decode()


def test_temporary_password_is_single_use(client, new_user):
    user, password = new_user
    login(client, user, password)
    client.post(reverse("accounts:logout"))
    response = login(client, user, password)
    assert "already been used" in response.content.decode()


@pytest.mark.parametrize(("length", "accepted"), [(14, False), (15, True), (64, True), (65, False)])
def test_password_length_boundaries(client, new_user, length, accepted):
    user, password = new_user
    login(client, user, password)
    candidate = ("correct horse battery staple " * 3)[:length]
    response = client.post(
        reverse("accounts:change_password"),
        {"new_password1": candidate, "new_password2": candidate},
    )
    assert (response.status_code == 302) is accepted


@pytest.mark.parametrize(
    "candidate", ["passwordpassword", "Password-Password-1", "my medicare passphrase"]
)
def test_guessable_long_passwords_are_refused(client, new_user, candidate):
    user, password = new_user
    login(client, user, password)
    response = client.post(
        reverse("accounts:change_password"),
        {"new_password1": candidate, "new_password2": candidate},
    )
    assert "too common" in response.content.decode()


def test_change_from_profile_requires_the_current_password_and_refuses_reuse(client):
    user = UserFactory()
    from accounts.models import AuthenticationQuestion
    from accounts.services import user_change_password, user_set_authentication_answers

    passwords = [f"distinct passphrase number {n}" for n in range(8)]
    for pw in passwords[:7]:
        user_change_password(user=user, new_password=pw)
    user_set_authentication_answers(
        user=user, answers=dict.fromkeys(AuthenticationQuestion.objects.all()[:2], "x")
    )
    login(client, user, passwords[6])
    url = reverse("accounts:change_password")
    wrong_current = client.post(
        url, {"old_password": "nope", "new_password1": passwords[7], "new_password2": passwords[7]}
    )
    assert "current password is not correct" in wrong_current.content.decode()
    reused = client.post(
        url,
        {
            "old_password": passwords[6],
            "new_password1": passwords[1],
            "new_password2": passwords[1],
        },
    )
    assert "last 6 passwords" in reused.content.decode()
    oldest = client.post(
        url,
        {
            "old_password": passwords[6],
            "new_password1": passwords[0],
            "new_password2": passwords[0],
        },
    )
    assert oldest.status_code == 302  # seventh back is allowed again
