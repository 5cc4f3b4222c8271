"""In the browser: the Content-Security-Policy blocks nothing the portal needs (no axe here,
nothing injected but a violation listener), the idle-timeout warning works with a keyboard
and a screen reader in mind, and no sign-in outlasts the 12-hour limit however active."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import UserFactory, set_up
from tests.two_factor import authenticator, next_unused_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-9"

# Records every violation the page reports; Playwright's init scripts are not subject to the CSP.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


class CspWatch:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def violations(self) -> list[str]:
        return self.console + self.page.evaluate("window.__cspViolations || []")


@pytest.fixture
def watched_page(chromium):
    context = chromium.new_context()  # bypass_csp stays False: the real policy applies
    context.add_init_script(script=LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page, CspWatch(page)
    context.close()


def test_the_policy_is_enforced_and_reported(live_server, watched_page):
    """The watch sees a violation when there is one, so its silence below means something."""
    page, watch = watched_page
    page.goto(live_server.url + "/")
    assert "script-src 'self'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in watch.violations())


def test_key_pages_raise_no_violation(live_server, watched_page):
    page, watch = watched_page
    user = set_up(UserFactory())
    admin = set_up(UserFactory(is_staff=True, is_superuser=True))
    device = authenticator(admin)  # staff must use two-factor
    base = live_server.url

    def visit(path: str) -> None:
        page.goto(base + path)
        page.wait_for_load_state("load")

    visit("/")
    page.get_by_role("button", name="Enter CMS Applications Portal").click()
    page.wait_for_load_state("load")
    for path in ("/account-management/", "/register/", "/approvals/status/", "/login/"):
        visit(path)
    # The gov banner and the menu use USWDS's JavaScript.
    page.get_by_role("button", name="Here’s how you know").click()
    page.get_by_label("User ID").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name=re.compile("My Profile")).first.is_visible()
    visit("/profile/password/")
    page.get_by_role("button", name="Logout").click()
    page.wait_for_load_state("load")
    visit("/")
    page.get_by_role("button", name="Enter CMS Applications Portal").click()
    page.wait_for_load_state("load")
    # The help desk's Django admin: staff sign in on the portal's page, with their code.
    visit("/admin/login/")
    page.get_by_label("User ID").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.wait_for_load_state("load")
    page.get_by_label("Code").fill(next_unused_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("load")
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{user.pk}/change/"):
        visit(path)
    assert watch.violations() == []


def test_the_idle_warning_offers_to_stay_and_staying_keeps_the_session(
    journey, settings, live_server
):
    # 4 seconds before the warning, which then counts down the last 120 seconds.
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=124)
    user = set_up(UserFactory())
    page = journey.page
    journey.enter_portal()
    journey.sign_in(user.username, PASSWORD)
    dialog = page.get_by_role("alertdialog", name="Your session is about to end")
    dialog.wait_for(state="visible", timeout=15000)
    assert dialog.get_attribute("aria-modal") == "true"
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert stay.evaluate("button => document.activeElement === button")
    assert (
        "You will be signed out in 2 minutes."
        in page.locator("#session-timeout-live").text_content()
    )
    journey.axe.check(page)
    # Tab stays inside the dialog.
    page.keyboard.press("Tab")
    assert dialog.get_by_role("button", name="Sign out").evaluate(
        "button => document.activeElement === button"
    )
    page.keyboard.press("Tab")
    assert stay.evaluate("button => document.activeElement === button")
    with page.expect_response(lambda r: r.url.endswith("/session/keepalive/")) as answer:
        stay.press("Enter")
    assert answer.value.status == 200
    dialog.wait_for(state="hidden")
    journey.open("/profile/")
    assert journey.sees_heading(re.compile("My Profile"))


def test_when_time_runs_out_the_login_page_says_why(journey, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=6)
    settings.SESSION_WARNING_BEFORE = timedelta(seconds=5)
    user = set_up(UserFactory())
    page = journey.page
    journey.enter_portal()
    journey.sign_in(user.username, PASSWORD)
    page.get_by_role("alertdialog").wait_for(state="visible", timeout=15000)
    page.wait_for_url(re.compile(r"/login/\?next="), timeout=20000)
    page.wait_for_load_state()
    assert page.get_by_text("You were signed out after 6 seconds without activity").is_visible()
    journey.axe.check(page)
    journey.open("/profile/")
    assert journey.sees_heading(re.compile("Login"))


def test_twelve_hours_after_sign_in_the_next_page_signs_out_and_says_why(journey):
    """The clock stands still and is moved on by hand (time-machine patches the clock of the
    whole process, the live server's thread too), so twelve hours pass at once."""
    user = set_up(UserFactory())
    page = journey.page
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        journey.enter_portal()
        journey.sign_in(user.username, PASSWORD)
        # Busy all day: a page every 14 minutes keeps the 15-minute idle limit away.
        for minutes in range(14, 12 * 60, 14):
            clock.move_to(start + timedelta(minutes=minutes))
            page.goto(journey.base + "/profile/")
            assert journey.sees_heading(re.compile("My Profile")), f"signed out at {minutes} min"

        # One minute before the limit the page still opens, and warns at once that staying
        # signed in cannot move the end.
        clock.move_to(start + timedelta(hours=11, minutes=59))
        journey.open("/profile/")
        assert journey.sees_heading(re.compile("My Profile"))
        dialog = page.get_by_role("alertdialog", name="Your session is about to end")
        dialog.wait_for(state="visible")
        with page.expect_response(lambda r: r.url.endswith("/session/keepalive/")) as answer:
            dialog.get_by_role("button", name="Stay signed in").click()
        assert answer.value.json() == {"signed_in": True, "seconds_left": 60}
        assert dialog.get_by_text("it cannot be extended").is_visible()
        journey.axe.check(page)

        clock.move_to(start + timedelta(hours=12))
        journey.open("/profile/")
        assert re.search(r"/login/\?next=%2Fprofile%2F$", page.url)
        assert page.get_by_text(
            "You were signed out because you had been signed in for 12 hours, the longest one "
            "sign-in may last. Log in again to continue."
        ).is_visible()
        journey.open("/profile/")
        assert journey.sees_heading("Login to IACS")
