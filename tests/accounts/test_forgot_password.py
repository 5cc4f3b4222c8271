from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.recovery import recovery_questions
from accounts.services import user_change_password
from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import UserFactory
from tests.outbox.support import deliveries_published

from .recovery_support import (
    LINK,
    NEW_PASSWORD,
    PASSWORD,
    enter,
    everything_mailed,
    mails,
    make_person,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.django_db
RESET_SUBJECT = "Reset Your IACS Password"
CHANGED_SUBJECT = "FYI: Your IACS Password Was Changed"
QUESTIONS = reverse("accounts:password_reset_questions")
NEW = reverse("accounts:password_reset_new")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the mail tasks) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def person():
    return make_person()


def ask(client, username, email):
    return enter(client).post(
        reverse("accounts:forgot_password"), {"username": username, "email": email}, follow=True
    )


def link_for(client, user, on_commit) -> str:
    with on_commit():
        ask(client, user.username, user.email)
    [message] = mails(RESET_SUBJECT)
    mail.outbox.clear()
    return LINK.search(message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def open_link(client, path):
    return client.get("/" + path)


def answer(client, user, text="answer"):
    form = client.get(QUESTIONS).context["form"]
    return client.post(QUESTIONS, dict.fromkeys(form.fields, text))


def new_password(client, password=NEW_PASSWORD):
    return client.post(NEW, {"new_password1": password, "new_password2": password})


# The request: the same message either way


def test_matching_user_id_and_email_get_one_link(client, person, on_commit):
    with on_commit():
        response = ask(client, person.username.lower(), person.email.upper())
    assert response.redirect_chain[-1][0] == reverse("accounts:forgot_password_sent")
    [message] = mail.outbox
    assert message.subject == RESET_SUBJECT and message.to == [person.email]
    assert LINK.search(message.body)
    assert "30 minutes" in message.body


@pytest.mark.parametrize("which", ["unknown user", "wrong email", "manually disabled"])
def test_no_match_gets_the_same_page_and_no_mail(client, person, on_commit, which):
    with on_commit():
        known = ask(client, person.username, person.email)
    mail.outbox.clear()
    username, email = person.username, person.email
    if which == "unknown user":
        username = "NOSUCH99"
    elif which == "wrong email":
        email = "someone-else@example.org"
    else:
        person.is_active = False
        person.save()
    with on_commit():
        other = ask(Client(), username, email)
    assert other.redirect_chain == known.redirect_chain
    assert other.content == known.content
    assert mail.outbox == []


def test_first_login_unfinished_is_told_by_email_to_call_the_help_desk(client, on_commit):
    newcomer = UserFactory(must_change_password=True)  # temporary password, no answers
    with on_commit():
        ask(client, newcomer.username, newcomer.email)
    [message] = mail.outbox
    assert "Contact the help desk" in message.body
    assert not LINK.search(message.body)


def test_the_email_is_queued_and_handed_to_celery_with_ids_only(client, person, on_commit):
    with deliveries_published() as published, on_commit():
        ask(client, person.username, person.email)
    [email] = OutgoingEmail.objects.all()
    assert (email.event, email.params) == ("password_reset", {"user_id": person.pk})
    assert published == [[email.pk]]  # the link's token is made when it is sent


# The link


def test_the_token_leaves_the_url_at_once(client, person, on_commit):
    path = link_for(client, person, on_commit)
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = open_link(client, path)
    assert response.status_code == 302
    assert response.url == QUESTIONS
    assert token not in response.url
    assert client.get(QUESTIONS).status_code == 200


def test_the_link_needs_no_warning_screen_first_and_its_token_never_goes_into_next(
    person, on_commit
):
    path = link_for(Client(), person, on_commit)
    fresh = Client()
    response = open_link(fresh, path)
    assert response.url == QUESTIONS
    response = fresh.get(QUESTIONS)
    assert response.status_code == 302 and "link" not in response.url


@pytest.mark.parametrize(
    ("elapsed", "valid"),
    [
        (timedelta(minutes=29, seconds=59), True),
        (timedelta(minutes=30), True),
        (timedelta(minutes=30, seconds=1), False),
    ],
)
def test_the_link_works_for_30_minutes(client, person, on_commit, elapsed, valid):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = link_for(client, person, on_commit)
    with time_machine.travel(start + elapsed, tick=False):
        open_link(client, path)
        response = client.get(QUESTIONS)
    assert response.status_code == (200 if valid else 400)


def test_the_link_lifetime_is_a_setting(client, person, on_commit, settings):
    settings.PASSWORD_RESET_LINK_TTL = timedelta(minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = link_for(client, person, on_commit)
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        open_link(client, path)
        assert client.get(QUESTIONS).status_code == 400


def test_a_tampered_link_is_refused(client, person, on_commit):
    path = link_for(client, person, on_commit)
    open_link(client, path[:-3] + "zz/")
    assert client.get(QUESTIONS).status_code == 400


# Questions, then a new password


def test_two_of_the_persons_own_questions_are_asked(client, person, on_commit):
    open_link(client, link_for(client, person, on_commit))
    form = client.get(QUESTIONS).context["form"]
    answered = {a.question.text for a in person.authentication_answers.all()}
    labels = {field.label for field in form.fields.values()}
    assert len(labels) == 2 and labels <= answered


def test_the_same_questions_are_asked_each_time(person):
    assert recovery_questions(person) == recovery_questions(person)


def test_answers_alone_open_nothing_and_the_password_page_needs_them(client, person, on_commit):
    open_link(client, link_for(client, person, on_commit))
    assert client.get(NEW).url == QUESTIONS
    assert new_password(client).url == QUESTIONS
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_full_reset_no_sign_in_and_one_notice(client, person, on_commit):
    open_link(client, link_for(client, person, on_commit))
    assert answer(client, person, "  ANSWER ").url == NEW  # case and spaces do not matter
    with on_commit():
        response = new_password(client)
    assert response.url == reverse("accounts:password_reset_done")
    assert not signed_in(client)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    [notice] = mail.outbox
    assert notice.subject == CHANGED_SUBJECT and notice.to == [person.email]
    assert NEW_PASSWORD not in everything_mailed()
    assert not LINK.search(everything_mailed())
    sign_in(Client(), person, NEW_PASSWORD)


def test_the_new_password_follows_the_password_rules(client, person, on_commit):
    user_change_password(user=person, new_password=PASSWORD)  # into the history
    open_link(client, link_for(client, person, on_commit))
    answer(client, person)
    for bad in ("short one", PASSWORD):  # too short; the current one (history)
        response = new_password(client, bad)
        assert response.status_code == 200
        assert response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_link_works_once(client, person, on_commit):
    path = link_for(client, person, on_commit)
    open_link(client, path)
    answer(client, person)
    with on_commit():
        new_password(client)
    again = enter(Client())
    open_link(again, path)
    assert again.get(QUESTIONS).status_code == 400


def test_signing_in_spends_an_outstanding_link(client, person, on_commit):
    path = link_for(client, person, on_commit)
    sign_in(Client(), person)
    open_link(client, path)
    assert client.get(QUESTIONS).status_code == 400


def test_every_other_session_ends(client, person, on_commit):
    other = Client()
    sign_in(other, person)
    assert other.get(reverse("accounts:my_profile")).status_code == 200
    open_link(client, link_for(client, person, on_commit))
    answer(client, person)
    with on_commit():
        new_password(client)
    response = other.get(reverse("accounts:my_profile"))
    # The whole session is flushed (django.contrib.auth does so when the password hash no
    # longer matches), so the person starts again at the warning screen.
    assert response.status_code == 302
    assert response.url.startswith((reverse("accounts:login"), reverse("accounts:warning")))
    assert not signed_in(other)


# Wrong answers


def test_wrong_answers_are_limited_then_the_link_is_spent(client, person, on_commit, settings):
    assert settings.RECOVERY_ANSWER_MAX_ATTEMPTS == 3
    path = link_for(client, person, on_commit)
    open_link(client, path)
    for left in (2, 1):
        response = answer(client, person, "wrong")
        assert response.status_code == 200
        assert f"You have {left} more" in response.content.decode()
    response = answer(client, person, "wrong")
    assert "no longer works" in response.content.decode()
    assert client.get(QUESTIONS).status_code == 400
    fresh = enter(Client())
    open_link(fresh, path)  # the same link, in a new browser
    assert fresh.get(QUESTIONS).status_code == 400
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_after_a_spent_link_a_new_one_starts_over(client, person, on_commit):
    open_link(client, link_for(client, person, on_commit))
    for _ in range(3):
        answer(client, person, "wrong")
    open_link(client, link_for(client, person, on_commit))
    assert answer(client, person).url == NEW


def test_a_new_link_does_not_reset_the_count_of_wrong_answers(client, person, on_commit):
    open_link(client, link_for(client, person, on_commit))
    answer(client, person, "wrong")
    answer(client, person, "wrong")
    open_link(client, link_for(client, person, on_commit))
    response = answer(client, person, "wrong")
    assert "no longer works" in response.content.decode()


def test_the_right_answers_in_the_wrong_order_of_a_post_are_still_checked_per_question(
    client, person, on_commit
):
    open_link(client, link_for(client, person, on_commit))
    form = client.get(QUESTIONS).context["form"]
    first, second = list(form.fields)
    response = client.post(QUESTIONS, {first: "answer", second: "nope"})
    assert response.status_code == 200
    assert client.get(NEW).url == QUESTIONS
