"""What the load test's users share: the bench's accounts and persons, one-time codes, the
verification codes from the mail sink's spool, and the forms of the registration wizard.

Read by the locustfile (tests/performance/locustfile.py) and by profile_pages.py's walk of the
wizard; the harness (run.py) passes what a
run needs in the environment: BENCH_PASSWORD, BENCH_TOTP_KEY, BENCH_PERSONS (the SSA stub's CSV),
BENCH_SPOOL_DIR (the mail sink's), BENCH_SIGN_IN_POOL.
"""

import csv
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

from approvals.seeding.names import PLACES, SPECIALTIES, STATE_WEIGHTS

SO_USERNAME = "BENCHSO"
USER_USERNAME = "BENCHUSER"
SIGN_IN_POOL_PREFIX = "BENCHSI"
CODE_PATTERN = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
CHOICE = re.compile(r'<option value="(\d+)"')  # the organizations found, in their select
TRACKING = re.compile(r"/approvals/(IR-\d{5}-\d{5})/")

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
TOTP_KEY = bytes.fromhex(os.environ.get("BENCH_TOTP_KEY", "00" * 20))
SPOOL_DIR = Path(os.environ.get("BENCH_SPOOL_DIR", "var/bench/spool"))
SIGN_IN_POOL = int(os.environ.get("BENCH_SIGN_IN_POOL", "400"))

# The wizard's first steps, as a new Backup Security Official: (label, address, what is posted).
WIZARD_START = [
    ("terms", "/register/community/provider-supplier/", {"accept": "on"}),
    ("role", "/register/role/", {"role": "bso"}),
    ("role terms", "/register/role-terms/", {"accept": "on"}),
]


def totp(step: int) -> str:
    """RFC 6238 with SHA-1, 6 digits: what the authenticator app shows for ``step``."""
    digest = hmac.new(TOTP_KEY, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


class SignInPool:
    """Accounts with their own authenticator: a code is accepted once per account and step, so
    each sign-in takes an account whose next code (this step's or the next) is unused."""

    def __init__(self, usernames: list[str], *, remembered: Path | None = None):
        self.usernames = usernames
        self.last_step = dict.fromkeys(usernames, -1)
        self.turn = itertools.cycle(usernames)
        self.lock = threading.Lock()
        # Each scenario is its own locust process: the steps an account already used are
        # remembered in a file, so the next process never offers a code the portal took.
        self.remembered = remembered
        if remembered and remembered.exists():
            self.last_step.update(json.loads(remembered.read_text()))

    def take(self, *, wait: float = 40) -> tuple[str, str]:
        deadline = time.monotonic() + wait
        while True:
            with self.lock:
                for _ in range(len(self.usernames)):
                    username = next(self.turn)
                    now = int(time.time()) // 30
                    step = max(now, self.last_step[username] + 1)
                    if step <= now + 1:
                        self.last_step[username] = step
                        if self.remembered:
                            self.remembered.write_text(json.dumps(self.last_step))
                        return username, totp(step)
            if time.monotonic() > deadline:
                raise RuntimeError("the sign-in pool used every code: enlarge the pool")
            time.sleep(1)


POOL = SignInPool([f"{SIGN_IN_POOL_PREFIX}{n:04d}" for n in range(1, SIGN_IN_POOL + 1)])
SO_POOL = SignInPool([SO_USERNAME], remembered=SPOOL_DIR.parent / "so-steps.json")


def _persons() -> list[dict]:
    path = os.environ.get("BENCH_PERSONS")
    if not path:
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


PERSONS = _persons()
_next_person = itertools.count(int(os.environ.get("BENCH_PERSON_OFFSET", "0")))


def next_person(tag: str) -> dict:
    """The next person on file, as the user-information form takes them; each registers once."""
    row = PERSONS[next(_next_person) % len(PERSONS)]
    ssn = row["ssn"]
    email = f"{row['first_name']}.{row['last_name']}.{ssn}.{tag}@bench.example.org".lower()
    return {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "date_of_birth": date.fromisoformat(row["date_of_birth"]).strftime("%m/%d/%Y"),
        "ssn": f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}",
        "email": email,
        "email_confirmation": email,
    }


def verification_code(email: str, *, after: float, timeout: float = 30) -> str:
    """The code mailed to ``email`` after ``after`` (a time.time()), from the sink's spool."""
    path = SPOOL_DIR / f"{email.lower()}.eml"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_mtime >= after - 1:
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            found = CODE_PATTERN.search(message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
        time.sleep(0.2)  # gevent patches it: other users run meanwhile
    raise TimeoutError(f"no verification code for {email} in {timeout}s")


# Searches: a part of a name people type (a place, a specialty, their start), in a state.
STATES = [state for state in STATE_WEIGHTS if state != "DC"]
WEIGHTS = [STATE_WEIGHTS[state] for state in STATES]


def search_terms(chooser: random.Random) -> dict:
    word = chooser.choice(PLACES + SPECIALTIES)
    kind = chooser.random()
    if kind < 0.4:
        name = word[: chooser.randint(3, 5)]  # a start: "Lak", "Cardi"
    elif kind < 0.7:
        middle = chooser.randint(1, max(1, len(word) - 4))
        name = word[middle : middle + 4]  # inside a word: "ewoo"
    else:
        name = word  # a whole word
    return {"name": name, "country": "US", "state": chooser.choices(STATES, WEIGHTS)[0]}


# The wizard's first steps, as a new Backup Security Official: (label, address, what is posted).
WIZARD_START = [
    ("terms", "/register/community/provider-supplier/", {"accept": "on"}),
    ("role", "/register/role/", {"role": "bso"}),
    ("role terms", "/register/role-terms/", {"accept": "on"}),
]

CONTACT = {
    "company_name": "Bench Clinic",
    "address_line1": "100 Main Street",
    "city": "Baltimore",
    "country": "US",
    "state": "MD",
    "zip_code": "21201",
    "work_phone": "(410) 555-0100",
    "phone_extension": "",
}
