"""Every email event's templates: present, complete, in one voice, accessible, and in use.

Generated over every folder under templates/emails/, each rendered with the context its task
gives it (tests/mail/email_support.py) and with ``string_if_invalid`` set, so that a variable
the context does not have fails the test instead of vanishing from the email.
"""

import ast
import copy
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.mail.email_support import (
    ALL_CASES,
    CASES,
    EMAILS_DIR,
    EVENTS,
    read_html,
    render,
    render_footer,
    words,
)

INVALID = "!!MISSING:%s!!"
ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "approvals", "organizations")
# The emails that exist to carry a secret, and the context names of their secrets.
SECRETS = {
    "email_verification": ("code",),
    "account_password": ("password",),
    "help_desk_temporary_password": ("password",),
    "password_reset": ("link",),
}
# An email's HTML loads, runs and submits nothing, and needs no image or layout table.
FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "object",
    "embed",
    "img",
    "table",
    "link",
    "base",
    "form",
    "input",
    "button",
    "video",
    "audio",
    "svg",
}


@pytest.fixture
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def rendered(request, strict_templates, db):
    event, case = request.param
    context = CASES[event][case]()
    return event, context, render(event, context)


def cases():
    return pytest.mark.parametrize(
        "rendered", ALL_CASES, ids=[f"{event}-{case}" for event, case in ALL_CASES], indirect=True
    )


# Inventory


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_has_subject_text_and_html_templates(event):
    folder = EMAILS_DIR / event
    assert sorted(path.name for path in folder.iterdir()) == [
        "body.html",
        "body.txt",
        "subject.txt",
    ]


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_has_a_representative_context_here(event):
    assert event in CASES, f"add the context of the new event {event!r} to email_support.CASES"


def test_no_context_here_for_an_event_without_templates():
    assert set(CASES) <= set(EVENTS)


# Words the emails do not use (DEVELOPERS.md, "Email style"), with the word they use instead.
OFF_VOICE = {
    r"\b[Ll]og(?:ged|s)? (?:in|out)\b|\blogin\b": "sign in (the Login to IACS screen keeps its name)",
    r"\bcall the help desk\b": "contact the help desk",
    r"\bclick here\b|\bhere</a>": "link text that says where it goes",
}


@pytest.mark.parametrize("event", EVENTS)
def test_bodies_speak_the_portals_words(event):
    for name in ("body.txt", "body.html"):
        source = (EMAILS_DIR / event / name).read_text()
        for pattern, instead in OFF_VOICE.items():
            assert not re.search(pattern, source), f"{event}/{name}: say {instead}"


# Rendering


@cases()
def test_each_template_renders_every_variable_it_uses(rendered):
    event, _, email = rendered
    for part in (email.subject, email.text, email.html):
        assert "!!MISSING:" not in part, re.findall(r"!!MISSING:[^!]*!!", part)


@cases()
def test_subject_is_one_line_and_not_empty(rendered):
    _, _, email = rendered
    subject = email.subject.strip()
    assert subject and "\n" not in subject


@cases()
def test_text_ends_with_the_help_desk_footer(rendered):
    _, _, email = rendered
    footer = render_footer().strip()
    assert email.text.rstrip().endswith(footer)
    help_desk = settings.HELP_DESK
    for value in (help_desk["name"], help_desk["email"], help_desk["phone"], help_desk["tty"]):
        assert value in footer


@cases()
def test_html_gives_the_help_desk_email_and_phone(rendered):
    _, _, email = rendered
    page = read_html(email.html)
    help_desk = settings.HELP_DESK
    assert help_desk["email"] in page.text and help_desk["phone"] in page.text
    assert [f"mailto:{help_desk['email']}", help_desk["email"]] in page.links


@cases()
def test_greeting_is_dear_and_the_persons_name_or_hello(rendered):
    _, context, email = rendered
    if "user" in context:
        greetings = {f"Dear {context['user'].full_name},"}
    elif "request" in context:  # the applicant, or the approvers
        greetings = {f"Dear {context['request'].applicant_name},", "Hello,"}
    else:  # an address (a code, Forgot User ID) or an organization's officials
        greetings = {"Hello,"}
    first_line = email.text.splitlines()[0]
    assert first_line in greetings
    assert words(read_html(email.html).paragraphs[1]) == first_line  # after the portal's name


@cases()
def test_request_email_shows_its_tracking_number_in_subject_and_both_bodies(rendered):
    _, context, email = rendered
    if "request" not in context:
        assert "tracking number" not in (email.subject + email.text + email.html).lower()
        return
    tracking_number = context["request"].tracking_number
    assert re.fullmatch(r"IR-\d{5}-\d{5}", tracking_number)
    assert tracking_number in email.subject
    assert f"Request tracking number: {tracking_number}" in email.text
    assert f"Request tracking number: {tracking_number}" in read_html(email.html).text


# HTML


@cases()
def test_html_is_accessible_and_loads_nothing(rendered):
    _, _, email = rendered
    page = read_html(email.html)
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    assert page.lang == "en"
    assert words(page.title) == words(email.subject)  # the title is the subject
    assert not page.tags & FORBIDDEN_ELEMENTS
    for tag, name, value in page.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name not in {"src", "srcset", "background", "action"}, (tag, name)
        assert "url(" not in value and "javascript:" not in value.lower(), (tag, name)
    for href, text in page.links:
        assert href.startswith(("mailto:", "tel:", settings.PORTAL_BASE_URL)), href
        assert words(text) and not words(text).startswith("http"), (href, text)  # readable


@cases()
def test_html_says_everything_the_text_says(rendered):
    _, _, email = rendered
    shown = read_html(email.html).text
    for line in email.text.splitlines():
        if words(line) and words(line) != "--":
            assert words(line) in shown


@pytest.mark.django_db
def test_values_typed_by_people_are_escaped_in_the_html(strict_templates):
    context = CASES["organization_status_changed"]["suspended"]()
    email = render("organization_status_changed", context)
    assert "<Clinic>" not in email.html and "&lt;Clinic&gt;" in email.html
    assert "O'Hara & Sons <Clinic>" in read_html(email.html).title
    assert "O'Hara & Sons <Clinic>" in email.text  # plain text is not HTML


# Secrets


@pytest.mark.parametrize("event", sorted(SECRETS))
def test_secret_is_in_both_bodies_and_never_in_the_subject(event, strict_templates, db):
    (build,) = CASES[event].values()
    context = build()
    email = render(event, context)
    for name in SECRETS[event]:
        secret = context[name]
        assert secret in email.text and secret in read_html(email.html).text
        assert secret not in email.subject  # the subject is kept in the sent-mail record


@pytest.mark.parametrize("event", ["account_password", "help_desk_temporary_password"])
def test_password_email_alone_does_not_sign_in(event, strict_templates, db):
    (build,) = CASES[event].values()
    context = build()
    email = render(event, context)
    for part in (email.subject, email.text, email.html):
        assert context["user"].username not in part


# Every template is used, and every email the code sends has its templates


def _python_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text()


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_folder_is_named_in_the_code(event):
    quoted = re.compile(rf"""["']{re.escape(event)}["']""")
    assert any(quoted.search(source) for _, source in _python_sources()), (
        f"templates/emails/{event}/ is sent by nothing: delete it"
    )


def _events_sent_by_the_code() -> dict[str, str]:
    """Each string passed as the ``event`` argument of a function that takes one, anywhere
    (``send_templated_email(event=...)``, ``send_account_notice.si(pk, "...")``, ...)."""
    trees = [(path, ast.parse(source)) for path, source in _python_sources()]
    takes_event: dict[str, int | None] = {}
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in node.args.posonlyargs + node.args.args]
                if positional[:1] in (["self"], ["cls"]):
                    continue
                if "event" in positional:
                    takes_event[node.name] = positional.index("event")
                elif "event" in [a.arg for a in node.args.kwonlyargs]:
                    takes_event[node.name] = None
    found: dict[str, str] = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node.func)
            if name not in takes_event:
                continue
            index = takes_event[name]
            arguments = [k.value for k in node.keywords if k.arg == "event"]
            if index is not None and len(node.args) > index:
                arguments.append(node.args[index])
            for argument in arguments:
                for constant in ast.walk(argument):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                        found[constant.value] = f"{path.relative_to(ROOT)}:{constant.lineno}"
    return found


def _called(func) -> str | None:
    """The function a call calls (seeing through Celery's ``.delay``, ``.si`` and ``.s``)."""
    if isinstance(func, ast.Attribute) and func.attr in {"delay", "si", "s"}:
        func = func.value
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_every_event_the_code_sends_has_its_templates():
    sent = _events_sent_by_the_code()
    assert sent, "the scan found no event: update _events_sent_by_the_code"
    missing = {event: where for event, where in sent.items() if event not in EVENTS}
    assert not missing, f"no templates/emails/<event>/ for {missing}"
