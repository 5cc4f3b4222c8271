"""Recovery, sign-in lockout, two-factor, sessions, security headers and rate limits (issue 5)."""

from datetime import timedelta

from .environment import env

# Recovery, My Profile and inactivity (issue 5)
# Forgot password: the emailed link works this long, once; then two authentication answers,
# with this many wrong tries before the link is spent.
PASSWORD_RESET_LINK_TTL = timedelta(minutes=env.int("PASSWORD_RESET_LINK_MINUTES", default=30))
PASSWORD_RESET_TIMEOUT = int(PASSWORD_RESET_LINK_TTL.total_seconds())
RECOVERY_QUESTIONS_ASKED = env.int("RECOVERY_QUESTIONS_ASKED", default=2)
RECOVERY_ANSWER_MAX_ATTEMPTS = env.int("RECOVERY_ANSWER_MAX_ATTEMPTS", default=3)
# Accounts with no sign-in for this long are disabled by the daily task (SPEC 9: 60 days).
ACCOUNT_INACTIVITY_LIMIT = timedelta(days=env.int("ACCOUNT_INACTIVITY_DAYS", default=60))
# Where emailed links point (the reset link): the portal's address as its users reach it.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Sign-in lockout and two-factor (issue 5)
# SPEC 9: LOGIN_FAILURE_LIMIT failed sign-ins (passwords or one-time codes) of one account
# within LOGIN_FAILURE_WINDOW lock it for LOGIN_LOCKOUT_DURATION (accounts.lockout).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW = timedelta(minutes=env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=120))
LOGIN_LOCKOUT_DURATION = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=60))
# User IDs are matched case-insensitively; a locked account cannot authenticate.
AUTHENTICATION_BACKENDS = ["accounts.backends.UserIdBackend"]
# Between the password and the one-time code the sign-in waits this long (project choice).
SIGN_IN_CODE_TIMEOUT = timedelta(minutes=env.int("SIGN_IN_CODE_TIMEOUT_MINUTES", default=5))
TWO_FACTOR_BACKUP_CODE_COUNT = env.int("TWO_FACTOR_BACKUP_CODE_COUNT", default=10)
TWO_FACTOR_ISSUER = env("TWO_FACTOR_ISSUER", default="CMS IACS Portal")
# A dotted path to ``user -> bool``: must this person use two-factor? Staff always must.
TWO_FACTOR_REQUIRED_CHECK = "organizations.permissions.requires_two_factor"
# Each wrong code doubles the wait before the next guess on that device, times this factor
# (django-otp's throttling; 0 turns it off). Wrong codes also count toward the lockout.
TWO_FACTOR_THROTTLE_FACTOR = env.int("TWO_FACTOR_THROTTLE_FACTOR", default=1)

# Sessions, security headers, rate limits (issue 5)
# A signed-in session ends after SESSION_IDLE_TIMEOUT without activity and SESSION_ABSOLUTE_TIMEOUT
# after sign-in, whatever the activity (SPEC 9; accounts.sessions). The page warns
# SESSION_WARNING_BEFORE the idle end and offers "Stay signed in".
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=15))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_WARNING_BEFORE = timedelta(seconds=env.int("SESSION_WARNING_SECONDS", default=120))
# The cookie never outlives the absolute limit; anonymous sessions (registration drafts) too.
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# django-csp: no inline script or style anywhere; the outbox's HTML view sets its own "sandbox".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Per-client rate limits (iacs_portal.ratelimit): at most "rate" attempts by one client address
# in a fixed "window" that starts at its first attempt. RATE_LIMIT_<ACTION>_RATE and
# RATE_LIMIT_<ACTION>_WINDOW_MINUTES override each. The status lookup keeps its own settings
# (STATUS_LOOKUP_RATE, STATUS_LOOKUP_WINDOW).
_RATE_LIMIT_DEFAULTS = {
    "registration_start": (20, 60),
    "registration_user_info": (10, 60),
    "email_code_entry": (20, 15),
    "email_code_resend": (5, 15),
    "login": (30, 15),
    "forgot_password": (10, 60),
    "forgot_user_id": (10, 60),
}
RATE_LIMITS = {
    action: {
        "rate": env.int(f"RATE_LIMIT_{action.upper()}_RATE", default=rate),
        "window": timedelta(
            minutes=env.int(f"RATE_LIMIT_{action.upper()}_WINDOW_MINUTES", default=minutes)
        ),
    }
    for action, (rate, minutes) in _RATE_LIMIT_DEFAULTS.items()
}
