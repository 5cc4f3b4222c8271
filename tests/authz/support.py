"""Asking as each actor, and reporting every wrong answer at once with where the rule is."""

from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.registration import enter_portal, enter_signed_in

from .expectations import ACTORS, ANONYMOUS, LOGIN, Rule

LOGIN_PATH = reverse("accounts:login")
ADMIN_LOGIN_PATH = reverse("admin:login")


def actor_clients(world) -> dict[str, Client]:
    """A client per actor, past the warning screen; signed in (two factors where required)
    unless anonymous. Each has its own address, so no rate limit is shared."""
    clients = {}
    for number, actor in enumerate(ACTORS, start=2):
        client = Client(REMOTE_ADDR=f"127.0.0.{number}")
        if actor == ANONYMOUS:
            enter_portal(client)
        else:
            enter_signed_in(client, getattr(world.people, actor))
        clients[actor] = client
    return clients


def answer_of(client, response) -> str:
    """200, 403, ...; "login" for a redirect to sign in; "redirect <path>" for another.

    The admin sends whoever it refuses to its login page: that hop is followed
    (``admin_login_answer``).
    """
    if response.status_code in (301, 302) and urlsplit(response.url).path == ADMIN_LOGIN_PATH:
        return admin_login_answer(client, response.url)
    if response.status_code in (301, 302, 303):
        target = urlsplit(response.url).path
        return LOGIN if target == LOGIN_PATH else f"redirect {target}"
    return str(response.status_code)


def admin_login_answer(client, url: str) -> str:
    """The admin's login page sends a visitor to the portal's sign-in and answers 403 to a
    signed-in person it refused: the same whatever page sent them, so asked once per client."""
    if not hasattr(client, "admin_login_answer"):
        client.admin_login_answer = answer_of(client, client.get(url))
    return client.admin_login_answer


def ask(client, method: str, url: str, *, follow_once: bool = False) -> str:
    """The answer to one request (GET, or POST with an empty body), undone afterwards.

    With ``follow_once``, a redirect is followed once and both answers are given. The client's
    cookies are restored too, so a sign-out does not carry over to the next request.
    """
    cookies = deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url, {}) if method == "POST" else client.get(url)
        answer = answer_of(client, response)
        if follow_once and answer.startswith("redirect "):
            answer = f"{answer} then {answer_of(client, client.get(response.url))}"
        transaction.set_rollback(True)
    client.cookies = cookies
    return answer


@dataclass(frozen=True)
class Case:
    label: str  # the object asked for, as the table names it
    method: str
    url: str
    rule: Rule
    follow_once: bool = False
    settings: tuple[tuple[str, object], ...] = ()
    substitutions: tuple[tuple[str, str], ...] = ()  # symbolic answer -> the real one


def wrong_answers(clients, cases: list[Case]) -> list[str]:
    """Every (case, actor) whose answer is not the table's, as a line of the report."""
    wrong = []
    for case in cases:
        with override_settings(**dict(case.settings)):
            for actor in ACTORS:
                expected = case.rule.answer(actor)
                expected = dict(case.substitutions).get(expected, expected)
                got = ask(clients[actor], case.method, case.url, follow_once=case.follow_once)
                if got != expected:
                    wrong.append(
                        f"{case.method} {case.url} [{case.label}] as {actor} "
                        f"({ACTORS[actor]}): expected {expected}, got {got}"
                    )
    return wrong


def report(key: str, wrong: list[str], where: str = "expectations.py") -> str:
    return (
        f"{len(wrong)} wrong answer(s) for {key}; who may is in tests/authz/{where} (fix the "
        "code, or the "
        "table if the rule changed on purpose):\n  " + "\n  ".join(wrong)
    )
