"""Every admin URL of every registered model, asked by every actor: exactly the table's answer.

At the HTTP level, where tests/helpdesk/test_admin_site.py checks the ModelAdmin methods: the
list, the add form, an object's page (read, and an empty POST), its history, its delete page,
the bare object URL, and each staff action (``iacs_portal.admin_actions``) on an object it
applies to, plus an unknown action and an unknown object. The models and their actions are
read from ``admin.site``, so a new admin or a new action without a row in
``expectations.ADMIN_MODELS`` fails here (and in test_url_classification).
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from .admin_expectations import ADMIN_MODELS, AdminModel
from .expectations import (
    FORBIDDEN,
    NOT_FOUND,
    STAFF,
    TO_CHANGE_PAGE,
    Rule,
)
from .support import Case, report, wrong_answers
from .world import UNKNOWN_PK

pytestmark = pytest.mark.django_db

UNKNOWN_ACTION = "no-such-action"


def admin_rule(who: frozenset[str], yes: str = "200") -> Rule:
    return Rule(who, yes=yes, no=FORBIDDEN)


def admin_url(label: str, view: str, *args) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def model_cases(world, label: str, table: AdminModel) -> list[Case]:
    objects = world.admin_objects[label]
    first, obj = next(iter(objects.items()))
    change = admin_url(label, "change", obj.pk)
    history, delete = admin_url(label, "history", obj.pk), admin_url(label, "delete", obj.pk)
    readers = table.view | table.change
    cases = [
        Case("the list", "GET", admin_url(label, "changelist"), admin_rule(readers)),
        Case("the add form", "GET", admin_url(label, "add"), admin_rule(table.add)),
        Case("the add form", "POST", admin_url(label, "add"), admin_rule(table.add)),
        Case(f"{first}: its page", "GET", change, admin_rule(readers)),
        Case(f"{first}: its page", "POST", change, admin_rule(table.change)),
        Case(f"{first}: history", "GET", history, admin_rule(readers)),
        Case(f"{first}: delete", "GET", delete, admin_rule(table.delete)),
        Case(f"{first}: delete", "POST", delete, admin_rule(table.delete)),
        # Django's bare object URL sends any staff member on to the change page.
        Case(f"{first}: its bare URL", "GET", change.removesuffix("change/"),
             admin_rule(STAFF, yes=f"redirect {change}")),
    ]  # fmt: skip
    if not table.actions:
        return cases
    for (action, target), rule in table.actions.items():
        assert target in objects, f"the world has no {target!r} for {label}"
        instance = objects[target]
        url = admin_url(label, "staff_action", instance.pk, action)
        to_change = (TO_CHANGE_PAGE, f"redirect {admin_url(label, 'change', instance.pk)}")
        for method in ("GET", "POST"):
            cases.append(Case(f"{target}: {action}", method, url, rule, substitutions=(to_change,)))
    # Staff who may not see the model: 403 whether or not the object or action exists.
    not_there = Rule(readers, yes=NOT_FOUND, no=FORBIDDEN)
    some_action = next(iter(table.actions))[0]
    return [
        *cases,
        Case(
            f"{first}: an unknown action",
            "GET",
            admin_url(label, "staff_action", obj.pk, UNKNOWN_ACTION),
            not_there,
        ),
        Case(
            f"an unknown object: {some_action}",
            "GET",
            admin_url(label, "staff_action", UNKNOWN_PK, some_action),
            not_there,
        ),
    ]


def registered() -> dict[str, type]:
    return {model._meta.label_lower: model for model in admin.site._registry}


def test_the_table_names_every_registered_admin_and_every_staff_action():
    assert set(ADMIN_MODELS) == set(registered()), (
        "Add each new admin (model label) to ADMIN_MODELS in tests/authz/admin_expectations.py, "
        "with "
        "who may view, add, change and delete, and its staff actions; remove a gone one."
    )
    for label, model in registered().items():
        declared = {
            action.name for action in getattr(admin.site._registry[model], "staff_actions", ())
        }
        tabled = {action for action, _ in ADMIN_MODELS[label].actions}
        assert declared == tabled, (
            f"{label}: the staff actions {sorted(declared)} and the rows of ADMIN_MODELS"
            f"[{label!r}].actions {sorted(tabled)} in tests/authz/admin_expectations.py differ"
        )


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_every_actor_gets_exactly_the_answer_the_table_gives(authz_world, label):
    assert apps.get_model(label) in admin.site._registry
    cases = model_cases(authz_world, label, ADMIN_MODELS[label])

    wrong = wrong_answers(authz_world.clients, cases)

    assert not wrong, report(f"the admin of {label}", wrong, "admin_expectations.py")
