"""SPEC 8 and 9: the SSA verifier, the spec's numbers and the portal's reference settings."""

from datetime import timedelta

from .environment import BASE_DIR, env

# SPEC 8: the SSA verifier. Any class with ``matches(*, first_name, last_name, date_of_birth, ssn)``.
SSA_VERIFIER_BACKEND = env("SSA_VERIFIER_BACKEND", default="accounts.ssa.CsvStubVerifier")
SSA_STUB_RECORDS = env(
    "SSA_STUB_RECORDS", default=str(BASE_DIR / "accounts" / "data" / "ssa_demo.csv")
)

# SPEC 9: the numbers. Each is a setting with the spec's default.
EMAIL_VERIFICATION_CODE_DIGITS = env.int("EMAIL_VERIFICATION_CODE_DIGITS", default=6)
EMAIL_VERIFICATION_CODE_TTL = timedelta(
    minutes=env.int("EMAIL_VERIFICATION_CODE_MINUTES", default=30)
)
EMAIL_VERIFICATION_MAX_ATTEMPTS = env.int("EMAIL_VERIFICATION_MAX_ATTEMPTS", default=5)
TEMPORARY_PASSWORD_TTL = timedelta(hours=env.int("TEMPORARY_PASSWORD_HOURS", default=24))
AUTH_QUESTIONS_OFFERED = 10
AUTH_QUESTIONS_REQUIRED = env.int("AUTH_QUESTIONS_REQUIRED", default=2)
# An abandoned registration draft expires after this long without activity (project choice).
REGISTRATION_DRAFT_TTL = timedelta(minutes=env.int("REGISTRATION_DRAFT_MINUTES", default=120))
# A submitted request nobody decides expires (SPEC 9: 30 days). Before that its approvers are
# reminded every PENDING_REQUEST_REMINDER_INTERVAL, and a BSO request the SO has not decided
# after PENDING_REQUEST_ESCALATE_AFTER is shown to the organization's BSOs too.
PENDING_REQUEST_TTL = timedelta(days=env.int("PENDING_REQUEST_DAYS", default=30))
PENDING_REQUEST_REMINDER_INTERVAL = timedelta(
    days=env.int("PENDING_REQUEST_REMINDER_DAYS", default=7)
)
PENDING_REQUEST_ESCALATE_AFTER = timedelta(
    days=env.int("PENDING_REQUEST_ESCALATE_DAYS", default=14)
)

# The public request status lookup: at most STATUS_LOOKUP_RATE attempts per client address in
# each STATUS_LOOKUP_WINDOW, counted in the default cache. The client address is the audit
# trail's (AUDIT_TRUSTED_PROXY_HEADER below).
STATUS_LOOKUP_RATE = env.int("STATUS_LOOKUP_RATE", default=10)
STATUS_LOOKUP_WINDOW = timedelta(minutes=env.int("STATUS_LOOKUP_WINDOW_MINUTES", default=15))

HELP_DESK = {
    "name": "External User Services (EUS) Help Desk",
    "email": env("HELP_DESK_EMAIL", default="EUSSupport@cgi.com"),
    "phone": env("HELP_DESK_PHONE", default="1-866-484-8049"),
    "tty": env("HELP_DESK_TTY", default="1-866-523-4759"),
}

# The audit trail records REMOTE_ADDR as the client's address. Behind our own reverse proxy,
# name the header it sets (e.g. "X-Forwarded-For"); its last entry is then recorded instead.
AUDIT_TRUSTED_PROXY_HEADER = env("AUDIT_TRUSTED_PROXY_HEADER", default="")

# Panels of My Profile contributed by apps that build on accounts: dotted paths of callables
# taking the request and returning a Panel (accounts.panels).
MY_PROFILE_PANELS = ["approvals.profile.roles_and_requests_panel"]
