"""The benchmark's users, one class per scenario (run.py runs them one after the other).

Every request is named after the page it measures; what only prepares a measurement (entering
the portal, signing in once for the queue) is named with a leading "setup:" and left out of the
report. Redirects are never followed: each request is one page or one step.
"""

import copy
import os
import random
import threading

from locust import HttpUser, between, events, task

from tests.performance import portal

BROKER = os.environ.get("BENCH_BROKER", "up")
# Every response time, unrounded: locust's own percentiles are whole milliseconds, too coarse
# against a floor of a few (report.py reads this file when it is there).
SAMPLES = os.environ.get("BENCH_SAMPLES_FILE")


@events.request.add_listener
def keep_sample(name, response_time, exception, **_):
    if SAMPLES and exception is None and not name.startswith("setup:"):
        with open(SAMPLES, "a", encoding="utf-8") as samples:
            samples.write(f"{name}\t{response_time:.3f}\n")


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.15)

    def on_start(self):
        self.chooser = random.Random()

    def csrf(self) -> str:
        tokens = [cookie.value for cookie in self.client.cookies if cookie.name == "csrftoken"]
        return tokens[-1] if tokens else ""

    def get(self, url: str, name: str, **kwargs):
        return self.client.get(url, name=name, allow_redirects=False, **kwargs)

    def post(self, url: str, name: str, data: dict | None = None, *, expect: str | None = None):
        """A step's POST; it must redirect onward (to ``expect`` when given), or it failed."""
        with self.client.post(
            url,
            data={**(data or {}), "csrfmiddlewaretoken": self.csrf()},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302 or target == url:
                response.failure(f"{name}: {response.status_code}, not accepted")
            elif expect and not target.startswith(expect):
                response.failure(f"{name}: went to {target}, not {expect}")
            else:
                response.success()
        return response

    def enter_portal(self):
        self.client.cookies.clear()
        self.get("/", "setup: warning")
        self.post("/", "setup: enter")

    def start_wizard(self):
        """The wizard's first steps, not measured: a scenario that measures a later one."""
        for _label, url, data in portal.WIZARD_START:
            self.post(url, "setup: wizard", data)

    def sign_in(self, pool: portal.SignInPool, password_name: str, code_name: str):
        username, code = pool.take()
        self.post(
            "/login/",
            password_name,
            {"username": username, "password": portal.PASSWORD},
            expect="/login/code/",
        )
        self.post("/login/code/", code_name, {"code": code})


class Floor(PortalUser):
    """The floor and the warning page, side by side under the same load."""

    def on_start(self):
        super().on_start()
        self.enter_portal()

    @task
    def floor(self):
        self.get("/bench/floor/", "floor")

    @task
    def warning(self):
        self.get("/", "warning page")


class Registration(PortalUser):
    """A new person walks the whole wizard as a Backup Security Official, to submission."""

    @task
    def register(self):
        self.enter_portal()
        for label, url, data in portal.WIZARD_START:
            self.get(url, f"reg: {label} GET")
            self.post(url, f"reg: {label} POST", data)
        person = portal.next_person("reg")
        self.get("/register/user-information/", "reg: user information GET")
        sent = portal.time.time()
        self.post(
            "/register/user-information/", "reg: user information POST (sends the code)", person
        )
        self.get("/register/verify-email/", "reg: verify email GET")
        code = portal.verification_code(person["email"], after=sent)
        self.post("/register/verify-email/", "reg: verify email POST", {"code": code})
        self.get("/register/contact/", "reg: contact GET")
        contact = {**portal.CONTACT, "work_email": person["email"]}
        self.post("/register/contact/", "reg: contact POST", contact)
        self.get("/register/organization/", "reg: organization GET")
        search, organization = self.search_until_found()
        self.post("/register/organization/", "reg: organization POST", {**search, **organization})
        self.get("/register/justification/", "reg: justification GET")
        self.post(
            "/register/justification/",
            "reg: justification POST",
            {"justification": "I back up our Security Official."},
        )
        self.get("/register/review/", "reg: review GET")
        self.post("/register/review/", "reg: review POST (submits)", expect="/register/ack")
        self.get("/register/acknowledgement/", "reg: acknowledgement GET")

    def search_until_found(self):
        for _ in range(20):
            search = portal.search_terms(self.chooser)
            response = self.get(
                "/register/organization/", "reg: organization search", params=search
            )
            ids = portal.CHOICE.findall(response.text)
            if ids:
                return search, {"organization": self.chooser.choice(ids)}
        raise RuntimeError("twenty searches found no organization")


class Search(PortalUser):
    """Organization search at the wizard's organization step: partial names, various states."""

    def on_start(self):
        super().on_start()
        self.enter_portal()
        self.start_wizard()
        person = portal.next_person("search")
        sent = portal.time.time()
        self.post("/register/user-information/", "setup: wizard", person)
        code = portal.verification_code(person["email"], after=sent)
        self.post("/register/verify-email/", "setup: wizard", {"code": code})
        contact = {**portal.CONTACT, "work_email": person["email"]}
        self.post("/register/contact/", "setup: wizard", contact)

    @task
    def search(self):
        self.get("/register/organization/", "organization search", params=self.search_terms())

    def search_terms(self):
        return portal.search_terms(self.chooser)


class SharedSession(PortalUser):
    """Users signed in as one account, through one sign-in: an authenticator code is good once,
    so the bench SO signs in once and the users share the session's cookies."""

    abstract = True
    sessions: dict = {}
    lock = threading.Lock()
    pool = portal.SO_POOL

    def on_start(self):
        super().on_start()
        with self.lock:
            key = type(self).pool
            if key not in self.sessions:
                self.enter_portal()
                self.sign_in(self.pool, "setup: sign-in", "setup: sign-in code")
                self.sessions[key] = [copy.copy(cookie) for cookie in self.client.cookies]
        for cookie in self.sessions[key]:
            self.client.cookies.set_cookie(copy.copy(cookie))


class Queue(SharedSession):
    """The bench SO's queue of 5,000: its first and its last page (25 a page)."""

    @task
    def first_page(self):
        self.get("/approvals/", "queue: first page")

    @task
    def last_page(self):
        self.get("/approvals/?page=200", "queue: last page (200)")

    @task
    def floor(self):
        """The floor for this visitor: the same bare page, signed in as the same SO."""
        self.get("/bench/floor/", "floor (signed in: Security Official)")


class Approve(SharedSession):
    """The SO opens a request of the queue and approves it; each request once."""

    waiting: list = []
    seen: set = set()

    @task
    def approve(self):
        if not self.waiting:
            page = self.get(f"/approvals/?page={self.chooser.randint(1, 150)}", "setup: queue")
            found = set(portal.TRACKING.findall(page.text)) - self.seen
            self.seen |= found
            self.waiting.extend(found)
            if not self.waiting:
                return
        number = self.waiting.pop()
        url = f"/approvals/{number}/"
        self.get(url, "approve: request page GET")
        self.post(url, "approve: decision POST", {"decision": "approve"}, expect="/approvals/")


class SignIn(PortalUser):
    """A full sign-in of a Backup Security Official: the password, then the app's code."""

    @task
    def sign_in_once(self):
        self.enter_portal()
        self.get("/login/", "sign-in: page GET")
        self.sign_in(portal.POOL, "sign-in: password POST", "sign-in: code POST")


class Profile(SharedSession):
    """My Profile of an end user (no two-factor)."""

    pool = portal.SignInPool([portal.USER_USERNAME])

    def sign_in(self, pool, password_name, code_name):
        username, _ = pool.take()
        self.post("/login/", password_name, {"username": username, "password": portal.PASSWORD})

    @task
    def profile(self):
        self.get("/profile/", "my profile")

    @task
    def floor(self):
        self.get("/bench/floor/", "floor (signed in: end user)")


class EmailStep(PortalUser):
    """The step that queues an email (the verification code), with the broker up or down."""

    @task
    def user_information(self):
        self.enter_portal()
        self.start_wizard()
        person = portal.next_person(f"email{BROKER}")
        self.post(
            "/register/user-information/",
            f"email step POST (broker {BROKER})",
            person,
            expect="/register/verify-email/",
        )
