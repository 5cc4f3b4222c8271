"""The steps every registration journey shares, taken in the browser as a person would.

Fields are found by their labels and controls by their accessible names, so a step that works
here works with a screen reader too; axe-core checks every page a step lands on. The mail a
person would read in their inbox is read from the portal's development outbox page.
"""

import base64
import re
import time

from django_otp.oath import hotp
from playwright.sync_api import expect

from accounts.models import AuthenticatorApp
from tests.registration import Person
from tests.two_factor import next_unused_code

NEW_PASSWORD = "blue heron kayak sunrise"
CODE = re.compile(r"\b(\d{6})\b")
TRACKING_NUMBER = re.compile(r"IR-\d{5}-\d{5}")
MAIL_CHECKS, MAIL_CHECK_PAUSE_MS = 50, 100  # five seconds for an email to arrive


class Journey:
    """One person's browser tab on the portal, with axe checking each page it shows."""

    def __init__(self, page, base: str, axe):
        self.page, self.base, self.axe = page, base, axe

    # Moving around

    def go(self, action) -> None:
        """Do something that loads a page, wait for it, and check it."""
        action()
        self.page.wait_for_load_state()
        self.axe.check(self.page)

    def press(self, button: str) -> None:
        self.go(lambda: self.page.get_by_role("button", name=button).first.click())

    def follow(self, link) -> None:
        self.go(lambda: self.page.get_by_role("link", name=link).first.click())

    def submit_with_enter(self) -> None:
        """Submit the form that has the focus with the Enter key."""

        def enter():
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")

        self.go(enter)

    def open(self, path: str) -> None:
        self.go(lambda: self.page.goto(self.base + path))

    def sees_heading(self, name) -> bool:
        return self.page.get_by_role("heading", name=name).is_visible()

    def sees_error(self, message: str, *, field: str | None = None) -> None:
        """The page says "There is a problem" with ``message``, titled "Error:"; with ``field``,
        that field's own message says it too and is the field's accessible description."""
        assert self.page.title().startswith("Error:"), self.page.title()
        summary = self.page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_contain_text(message)
        if field is not None:
            control = self.page.get_by_label(field, exact=True)
            expect(control).to_have_accessible_description(re.compile(re.escape(message)))

    def choose(self, control) -> None:
        """Pick a radio button or tick a box by clicking its label, as a mouse user does."""
        self.page.locator(f"label[for='{control.get_attribute('id')}']").click()
        assert control.is_checked()

    def choose_by_keyboard(self, group: str, option: str) -> None:
        """Focus the group's first option (where Tab lands), select it, arrow down to ``option``."""
        radios = self.page.get_by_role("group", name=group).get_by_role("radio")
        wanted = self.page.get_by_role("radio", name=re.compile(f"^{re.escape(option)}"))
        radios.first.focus()
        self.page.keyboard.press("Space")
        for _ in range(radios.count()):
            if wanted.is_checked():
                return
            self.page.keyboard.press("ArrowDown")
        assert wanted.is_checked(), f"could not reach {option} from the keyboard"

    # Mail

    def mail_link(self, subject: str, to: str):
        """The link to the newest message with this subject to this address, on the outbox page.

        An email is sent once the page that decided it has been answered (ADR 14), as a
        person's inbox gets it a moment later: the inbox is opened again until it is there.
        """
        for _ in range(MAIL_CHECKS):
            self.open("/outbox/")
            row = self.page.get_by_role("row").filter(has_text=to)
            link = row.get_by_role("link", name=subject)
            if link.count():
                return link.first
            self.page.wait_for_timeout(MAIL_CHECK_PAUSE_MS)
        raise AssertionError(f"No email {subject!r} to {to} arrived within five seconds.")

    def read_mail(self, subject: str, to: str) -> str:
        """Open the newest message with this subject to this address; return its text."""
        link = self.mail_link(subject, to)
        self.go(link.click)
        return self.page.locator("pre").inner_text()

    # Registration (SPEC 4)

    def enter_portal(self) -> None:
        """The warning screen, then Account Management with its Help Resources."""
        self.open("/")
        self.press("Enter CMS Applications Portal")
        self.follow("Account Management")
        assert self.sees_heading("Help Resources")

    def start_registration(self, role: str) -> None:
        """From Account Management to the User Information step, registering for ``role``."""
        self.follow("New User Registration")
        self.follow("Provider/Supplier Community")
        accept = self.page.get_by_role("button", name="I Accept")
        assert accept.is_disabled()  # until the box is ticked
        self.choose(self.page.get_by_label("I Accept the above Terms and Conditions"))
        self.go(accept.click)
        self.choose_role(role)
        assert self.sees_heading("User Information")

    def choose_role(self, role: str) -> None:
        """The role step and the role's Terms and Conditions, accepted."""
        self.choose(self.page.get_by_role("radio", name=re.compile(f"^{re.escape(role)}")))
        self.press("Next")
        assert self.sees_heading(f"{role} - Terms and Conditions")
        self.choose(self.page.get_by_label("I Accept the above Terms and Conditions"))
        self.press("I Accept")

    def enter_user_information(self, person: Person) -> None:
        page = self.page
        page.get_by_label("First name").fill(person.first_name)
        page.get_by_label("Last name").fill(person.last_name)
        page.get_by_label("Date of birth").fill(person.date_of_birth)
        page.get_by_label("Social Security number").fill(person.ssn)
        page.get_by_label("Email address", exact=True).fill(person.email)
        page.get_by_label("Confirm email address").fill(person.email)
        self.press("Next")
        assert self.sees_heading("Email Address Verification")

    def verify_email(self, person: Person) -> None:
        """Leave the wizard for the inbox, copy the code, come back and enter it."""
        wizard_url = self.page.url
        mail = self.read_mail("Email Address Verification", to=person.email)
        code = CODE.search(mail).group(1)
        self.go(lambda: self.page.goto(wizard_url))
        self.page.get_by_label("Verification code").fill(code)
        self.press("Next")
        assert self.sees_heading("Professional Contact Information")

    def enter_contact(
        self, person: Person, *, company: str, street: str, city: str, state: str, zip_code: str
    ) -> None:
        page = self.page
        page.get_by_label("Company name").fill(company)
        page.get_by_label("Address line 1").fill(street)
        page.get_by_label("City").fill(city)
        page.get_by_label("State or territory").select_option(label=state)
        page.get_by_label("ZIP code").fill(zip_code)
        page.get_by_label("Work phone").fill("(410) 555-0100")
        assert page.get_by_label("Work email").input_value() == person.email
        self.press("Next")

    def pick_organization(self, *, search: str, state: str, choice: str) -> None:
        """Search by part of the business name and the state, then pick from the results."""
        assert self.sees_heading("Organization Search")
        self.page.get_by_label("Business name").fill(search)
        self.page.get_by_label("State or territory").select_option(label=state)
        self.press("Search")
        self.page.get_by_label("Organization(s)").select_option(label=choice)
        self.press("Next")

    def justify(self, text: str) -> None:
        assert self.sees_heading("Justification for Action")
        self.page.get_by_label("Justification for Action").fill(text)
        self.press("Next")
        assert self.sees_heading("Review Registration Details")

    def review_shows(self, section: str, label: str) -> str:
        """The value shown for ``label`` in a section of the review (or approval) page."""
        region = self.page.get_by_role("region", name=section)
        row = region.locator(".summary-list__row").filter(
            has=self.page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
        )
        return row.locator("dd").inner_text()

    def submit(self) -> str:
        """Submit the reviewed registration or request; return the tracking number acknowledged."""
        self.press("Submit")
        assert self.sees_heading(re.compile("^(Registration|Request) Acknowledgement$"))
        tracking = self.page.locator(".tracking-number").inner_text()
        assert TRACKING_NUMBER.fullmatch(tracking), tracking
        self.press("OK")
        return tracking

    # Sign-in and approval (SPEC 5 and 6)

    def sign_in(self, user_id: str, password: str) -> None:
        """User ID and password; then, with two-factor on, the code the person's app shows."""
        self.follow("My Profile")
        assert self.sees_heading(re.compile("Login"))
        self.page.get_by_label("User ID").fill(user_id)
        self.page.get_by_label("Password").fill(password)
        self.press("Login")
        if self.sees_heading("Enter Your Code"):
            device = AuthenticatorApp.objects.get(user__username=user_id, confirmed=True)
            self.enter_code(next_unused_code(device))

    def enter_code(self, code: str) -> None:
        self.page.get_by_label("Code").fill(code)
        self.press("Verify")

    def set_up_two_factor(self) -> list[str]:
        """Type the manual key into an "app" (computed here), confirm; return the backup codes."""
        assert self.sees_heading("Set Up Two-Factor Sign-In")
        key = self.page.locator(".manual-key").inner_text().replace(" ", "")
        self.authenticator_key = base64.b32decode(key + "=" * (-len(key) % 8))
        code = hotp(self.authenticator_key, int(time.time()) // 30, digits=6)
        self.page.get_by_label("Code from your app").fill(f"{code:06d}")
        self.press("Confirm")
        assert self.sees_heading("Your Backup Codes")
        codes = self.page.get_by_role("list", name="Backup codes").get_by_role("listitem")
        return codes.all_inner_texts()

    def log_out(self) -> None:
        self.press("Logout")

    def approve(self, tracking: str, *, approver, password: str) -> None:
        """The approver signs in, finds the request in Pending Approvals, approves it."""
        self.sign_in(approver.username, password)
        self.follow(re.compile("Pending Approvals"))
        assert self.sees_heading("Pending Approvals")
        self.follow(tracking)
        self.choose(self.page.get_by_role("radio", name="Approve"))
        self.press("Record decision")
        assert self.page.get_by_text(f"Request {tracking} was approved").is_visible()
        self.log_out()

    def first_sign_in(self, person: Person) -> str:
        """Read the two approval emails, sign in, set a password and answers: My Profile."""
        id_mail = self.read_mail("FYI: User Creation Completed – Account ID Enclosed", person.email)
        user_id = re.search(r"User ID is: (\S+)", id_mail).group(1)
        pw_mail = self.read_mail("FYI: User Creation Completed – Password Enclosed", person.email)
        password = re.search(r"^\s+(\S{20})\s*$", pw_mail, re.MULTILINE).group(1)

        self.enter_portal()
        self.sign_in(user_id, password)
        assert self.sees_heading("Change Password")
        self.page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
        self.page.get_by_label("Confirm New Password").fill(NEW_PASSWORD)
        self.press("Change Password")
        assert self.sees_heading("Change Answers to Authentication Questions")
        self.page.get_by_label("What was the name of your first pet?").fill("Rex")
        self.page.get_by_label("What was the make of your first car?").fill("Ford")
        self.press("Save")
        self.follow("OK")
        if self.sees_heading("Set Up Two-Factor Sign-In"):  # required for SOs, BSOs and UGAs
            self.set_up_two_factor()
            self.follow("I Have Saved My Codes")
        assert self.sees_heading("My Profile")
        assert self.page.get_by_text(user_id).first.is_visible()
        return user_id

    def my_roles(self) -> list[dict[str, str]]:
        """My Profile's roles: role, organization, user group and status of each."""
        table = self.page.get_by_role("region", name="My Roles").get_by_role("table")
        headings = table.locator("thead th").all_inner_texts()
        rows = [
            dict(zip(headings, row.locator("th, td").all_inner_texts(), strict=True))
            for row in table.locator("tbody tr").all()
        ]
        return [{k: v for k, v in row.items() if k != "Granted"} for row in rows]
