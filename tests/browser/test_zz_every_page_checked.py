"""axe-core has checked every page the URL configuration serves.

The browser tests record the URL pattern of each page axe checks (conftest.CHECKED_ROUTES);
this module, named to run after every other browser module (pytest collects a folder's files
in alphabetical order), compares that with every pattern in the URL configuration, so a page
added without a browser test that visits it fails here. It runs only after a whole, passing
browser run: with tests deselected, failed or skipped it cannot know, and skips.
"""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import CHECKED_ROUTES, INCOMPLETE

pytestmark = [pytest.mark.browser]

# Patterns that are not HTML pages a person sees, each with its reason.
NOT_PAGES = {
    "health/": "JSON for the load balancer",
    "session/status/": "JSON for session-timeout.js",
    "session/keepalive/": "POST-only JSON for session-timeout.js",
    "logout/": "POST-only; redirects to the warning screen",
    "register/": "redirects to the community choice or the current step",
    "session/ended/": "signs out and redirects to the sign-in page, which says why",
    "recover/password/link/<uidb64>/<token>/": "keeps the token in the session, redirects",
    "outbox/<str:message_id>/html/": "an email's own HTML, sandboxed in the outbox page's frame",
    # The admin's machinery, not pages: its login and logout send to the portal's own sign-in
    # and sign-out, the rest are JSON, JavaScript or redirects.
    "admin/login/": "redirects to the portal's sign-in",
    "admin/logout/": "POST-only; redirects",
    "admin/password_change/": "redirects to the portal's Change Password",
    "admin/autocomplete/": "JSON",
    "admin/jsi18n/": "JavaScript",
    "admin/r/<path:content_type_id>/<path:object_id>/": "redirects to the object's page",
    "admin/(?P<url>.*)$": "catch-all: redirects or 404",
    # Records nobody adds or deletes, administrators included (iacs_portal/admin_records.py,
    # approvals/admin.py): these answer 403 to everyone, as tests/authz/test_admin_matrix checks.
    **{
        f"admin/{model}/{route}": "a record: 403 for every staff member, administrators too"
        for model in ("approvals/accessrequest", "audit/auditevent", "outbox/outgoingemail")
        for route in ("add/", "<path:object_id>/delete/")
    },
}
NOT_PAGE_SUFFIXES = {
    "/<path:object_id>/": "the admin's old object address: redirects to .../change/",
}

# Pages no browser test visits yet: none. An entry here is a gap to close by visiting the page
# (with axe) in a browser test; one that is checked after all fails below, so the list only
# shrinks.
NOT_YET_CHECKED: set[str] = set()


def url_patterns(resolver=None, prefix: str = ""):
    """Every pattern's route, joined as Django joins them in ResolverMatch.route."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern)
        joined = prefix + (route[1:] if prefix and route.startswith("^") else route)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, joined)
        elif isinstance(pattern, URLPattern):
            yield joined


def pages() -> set[str]:
    return {
        route
        for route in url_patterns()
        if route not in NOT_PAGES and not any(route.endswith(s) for s in NOT_PAGE_SUFFIXES)
    }


def test_axe_checked_every_page_in_the_url_configuration(request):
    modules = {p.name for p in Path(__file__).parent.glob("test_*.py")}
    ran = {item.path.name for item in request.session.items if item.get_closest_marker("browser")}
    if modules - ran or INCOMPLETE:
        pytest.skip(
            "a partial browser run: "
            + ", ".join(sorted(modules - ran) + INCOMPLETE[:5])
            + " did not run or did not pass"
        )
    unknown = (set(NOT_PAGES) | NOT_YET_CHECKED) - set(url_patterns())
    assert not unknown, f"allowlisted patterns the URL configuration no longer has: {unknown}"

    unchecked = pages() - CHECKED_ROUTES - NOT_YET_CHECKED
    assert not unchecked, "pages no browser test checked with axe:\n" + "\n".join(sorted(unchecked))
    closed = NOT_YET_CHECKED & CHECKED_ROUTES
    assert not closed, f"now checked, remove them from NOT_YET_CHECKED: {sorted(closed)}"
