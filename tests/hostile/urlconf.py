"""Every route of the URL configuration, with an address that reaches it and what it does.

Class-based views say what they do: one with a ``post`` method takes posts. A function view
cannot say, so ``FUNCTION_VIEWS`` does, by the function's name; a function view that is not
there fails ``test_every_view_is_classified`` (and so a new view cannot go untested).
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.views.generic.edit import FormMixin

POST = "post"
GET = "get"

# Function views (ours, Django's admin and contenttypes) by __name__: what they take.
FUNCTION_VIEWS = {
    # ours
    "health": GET,
    "session_status": GET,
    "session_keepalive": POST,
    "session_ended": GET,
    "message_list": GET,
    "message_detail": GET,
    "message_html": GET,
    # the help desk's admin
    "staff_action_view": POST,
    "index": GET,
    "app_index": GET,
    "login": POST,
    "logout": POST,
    "password_change": POST,
    "password_change_done": GET,
    "autocomplete_view": GET,
    "i18n_javascript": GET,
    "shortcut": GET,
    "changelist_view": POST,  # the bulk actions
    "add_view": POST,
    "change_view": POST,
    "delete_view": POST,
    "history_view": GET,
    "user_change_password": POST,
    "catch_all_view": GET,
}

# A value for each URL argument, by name: enough to reach the view (the object need not exist).
SAMPLE_ARGUMENTS = {
    "tracking_number": "IR-00000-00001",
    "pk": "1",
    "community": "provider-supplier",
    "uidb64": "MQ",
    "token": "abc-def",
    "message_id": "20260101T000000000000-0a1b2c3d",
    "object_id": "1",
    "id": "1",
    "action": "unlock",
    "content_type_id": "1",
    "app_label": "accounts",
    "url": "nowhere/",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself when unnamed
    path: str  # a concrete address that resolves to the view
    callback: object

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def function_name(self) -> str:
        return getattr(self.callback, "__name__", "")

    @property
    def takes_posts(self) -> bool | None:
        """True or False; None when the route is not classified."""
        if self.view_class is not None:
            return hasattr(self.view_class, "post")
        kind = FUNCTION_VIEWS.get(self.function_name)
        return None if kind is None else kind == POST

    @property
    def has_form(self) -> bool:
        if self.view_class is not None:
            return issubclass(self.view_class, FormMixin)
        return self.function_name == "staff_action_view"


_ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _concrete(pattern: str) -> str:
    pattern = _REGEX_GROUP.sub(lambda m: SAMPLE_ARGUMENTS[m[1]], pattern)
    pattern = _ROUTE_ARGUMENT.sub(lambda m: SAMPLE_ARGUMENTS[m[1]], pattern)
    return pattern.replace("^", "").replace("$", "")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            raw = prefix + str(pattern.pattern)
            name = f"{namespace}{pattern.name}" if pattern.name else raw
            yield Route(name=name, path="/" + _concrete(raw), callback=pattern.callback)


def routes() -> list[Route]:
    found = list(_walk(get_resolver().url_patterns))
    for route in found:
        resolved = resolve(route.path)
        assert resolved.func is route.callback, f"{route.path} does not reach {route.name}"
    return found
