"""The help desk's side of a call, in the browser: an agent working in the Django admin.

``Desk`` is a ``Journey`` whose every page is also checked for Content-Security-Policy
violations (the listener of ``test_csp_and_session_timeout``) and kept, so a test can show
that no page the agent saw held a secret (a temporary password).
"""

import re

from playwright.sync_api import expect

from tests.two_factor import authenticator, next_unused_code

from .approvers import PASSWORD
from .conftest import AXE
from .journey import Journey
from .test_csp_and_session_timeout import LISTEN, CspWatch


class Desk(Journey):
    """A staff member's tab on the admin, with axe and the CSP watch on every page."""

    def __init__(self, page, base: str, axe):
        super().__init__(page, base, axe)
        page.context.add_init_script(script=LISTEN)
        self.csp = CspWatch(page)
        self.seen: list[str] = []  # the text of every page shown

    def go(self, action) -> None:
        """As ``Journey.go``, with the CSP checked first: axe itself injects a <style> element
        on some pages, which the policy rightly blocks, so its reports come after."""
        action()
        self.page.wait_for_load_state()
        violations = self.csp.violations()
        assert violations == [], f"CSP violations on {self.page.url}: {violations}"
        self.seen.append(self.page.content())
        self.axe.check(self.page)
        self.csp.console.clear()

    def sign_in_to_admin(self, staff) -> None:
        """/admin/ sends staff to the warning screen, the portal's sign-in and their code."""
        device = authenticator(staff)
        self.open("/admin/")
        self.press("Enter CMS Applications Portal")
        assert self.sees_heading(re.compile("Login"))
        self.page.get_by_label("User ID").fill(staff.username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.press("Login")
        assert self.sees_heading("Enter Your Code")
        self.enter_code(next_unused_code(device))
        assert self.page.url == f"{self.base}/admin/"
        assert self.sees_heading("Help desk")

    def sign_out_of_admin(self) -> None:
        self.press("Log out")

    def search(self, text: str) -> None:
        """Type into a list's search box and press Enter."""
        self.page.get_by_role("textbox", name="Search").fill(text)
        self.submit_with_enter()

    def open_list(self, name: str) -> None:
        """A list from the navigation sidebar (Users, Sent mail, Access requests...)."""
        self.follow(name)
        assert self.sees_heading(re.compile("^Select .* to view$"))

    def rows(self) -> list[str]:
        """The result list's rows, as text."""
        return self.page.locator("#result_list tbody tr").all_inner_texts()

    def shown(self, label: str) -> str:
        """A row of the account state panel: the value beside ``label``."""
        panel = self.page.locator("#account-state")
        row = panel.get_by_role("row").filter(
            has=self.page.get_by_role("rowheader", name=label, exact=True)
        )
        return row.get_by_role("cell").inner_text()

    def messages(self) -> list[str]:
        """The messages at the top of the page (success, warning)."""
        return self.page.locator("ul.messagelist li").all_inner_texts()

    def act(self, action: str, reason: str) -> list[str]:
        """Press the action's button on the object's page, give the reason, confirm it."""
        self.follow(action)
        assert self.sees_heading(re.compile(f"^{re.escape(action)}: "))
        self.page.get_by_label("Reason").fill(reason)
        self.press(action)
        return self.messages()

    def act_without_reason(self, action: str) -> None:
        """On the action's page, confirm it with no reason: it is refused, and says why."""
        self.press(action)
        assert self.page.title().startswith("Error: ")
        expect(self.page.get_by_role("alert")).to_contain_text(
            "Reason: Enter the reason for this action."
        )

    def never_showed(self, secret: str) -> bool:
        return not any(secret in page for page in self.seen)


def second_browser(chromium, base: str, axe) -> Journey:
    """Another person's own browser (a fresh context: cookies of its own), axe-checked too."""
    context = chromium.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15000)
    return Journey(page, base, axe)


def temporary_password(mail: str) -> str:
    """The password of a temporary password email: 20 characters on an indented line."""
    return re.search(r"^\s+(\S{20})\s*$", mail, re.MULTILINE).group(1)
