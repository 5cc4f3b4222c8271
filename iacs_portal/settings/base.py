"""Settings shared by every environment; values come from environment variables.

The README's configuration table lists every variable read here.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
# Key of the SSN digest that recognises one person registering twice (accounts.identity). It is
# separate from SECRET_KEY so that rotating that key does not forget who already has an account.
SSN_DIGEST_KEY = env("SSN_DIGEST_KEY", default=SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "iacs_portal.admin_apps.HelpDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "django_otp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_guid",
    "accounts",
    "organizations",
    "approvals",
    "iacs_portal",
    "iacs_portal.outbox",
    "iacs_portal.audit",
]

MIDDLEWARE = [
    # The request id first, then the request's log line, so both cover everything below.
    "django_guid.middleware.guid_middleware",
    "iacs_portal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "iacs_portal.audit.middleware.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PortalEntryMiddleware",
    "accounts.middleware.FirstLoginMiddleware",
    "accounts.middleware.TwoFactorGateMiddleware",
]

ROOT_URLCONF = "iacs_portal.urls"
WSGI_APPLICATION = "iacs_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iacs_portal.context_processors.portal",
                "approvals.context_processors.pending_approvals",
                "accounts.sessions.session_timeout",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Rate limits count here. The local-memory default counts per process (development, tests);
# production requires a Redis that every web process shares (CACHE_URL, production.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://iacs-portal")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:my_profile"
LOGOUT_REDIRECT_URL = "accounts:account_management"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# SPEC 9: 15 to 64 characters, a blocklist, no reuse of the last 6.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=15)
PASSWORD_MAX_LENGTH = env.int("PASSWORD_MAX_LENGTH", default=64)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=6)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.BlocklistValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"history_count": PASSWORD_HISTORY_COUNT},
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # USWDS comes from npm (package.json) and is served from here: no CDN, nothing vendored.
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ("uswds",)
CRISPY_TEMPLATE_PACK = "uswds"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Mail: EMAIL_URL (e.g. smtp+tls://user:pass@host:587) or EMAIL_HOST/EMAIL_PORT select real SMTP;
# otherwise every message is written to the local outbox, readable at /outbox/ when DEBUG is on.
OUTBOX_DIR = Path(env("OUTBOX_DIR", default=str(BASE_DIR / "var" / "outbox")))
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="IACS Portal <no-reply@iacs.example.gov>")
# The outbox page is a development tool: it exists only while this is true.
OUTBOX_PAGE_ENABLED = DEBUG

# Celery: with no broker configured every task runs in process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A publish that cannot reach the broker fails at once instead of retrying for seconds while a
# page waits: every task the pages start is an outbox email (ADR 14), whose row waits in the
# database for the redispatch. No retries (kombu's connection loop, Celery's publish retry), a
# short connect timeout, and a socket timeout for a broker that stops answering without closing
# the connection. A worker's own connection keeps Celery's reconnecting
# (broker_connection_max_retries), which these do not change.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
}
# The mail task is acknowledged after it ran (acks_late): each worker process reserves one
# message at a time, so a worker that dies holds back no others.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "purge-expired-registration-drafts": {
        "task": "approvals.tasks.purge_expired_drafts",
        "schedule": timedelta(minutes=15),
    },
    "remind-and-expire-pending-requests": {
        "task": "approvals.tasks.remind_and_expire_pending_requests",
        "schedule": timedelta(hours=1),
    },
}

# The mail outbox (issue 7, ADR 14). An email is a row written with the change that causes it,
# delivered by Celery after commit; these are project choices.
# A failed attempt is retried after OUTBOX_RETRY_BACKOFF, doubling each time (1, 2, 4 ... 64
# minutes by default); after OUTBOX_MAX_ATTEMPTS attempts (about 2 hours) the email is marked
# failed, for the help desk to retry.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BACKOFF = timedelta(seconds=env.float("OUTBOX_RETRY_BACKOFF_SECONDS", default=60))
# The redispatch hands to Celery again each queued email overdue by OUTBOX_REDISPATCH_AFTER (its
# task was lost: the broker was down) and each email "sending" for longer than
# OUTBOX_SENDING_TIMEOUT whose row nobody locks (its worker died mid-send). A worker sending
# holds the row's lock however long the mail server takes, so this only has to outlast the
# moments between the steps of one delivery.
OUTBOX_REDISPATCH_INTERVAL = timedelta(
    seconds=env.float("OUTBOX_REDISPATCH_INTERVAL_SECONDS", default=60)
)
OUTBOX_REDISPATCH_AFTER = timedelta(
    seconds=env.float("OUTBOX_REDISPATCH_AFTER_SECONDS", default=60)
)
OUTBOX_SENDING_TIMEOUT = timedelta(seconds=env.float("OUTBOX_SENDING_TIMEOUT_SECONDS", default=120))
CELERY_BEAT_SCHEDULE["redispatch-unsent-email"] = {
    # Every minute: what the broker lost, and what a dead worker left half sent, goes out.
    "task": "iacs_portal.outbox.tasks.outgoing_email_redispatch",
    "schedule": OUTBOX_REDISPATCH_INTERVAL,
}
# An SMTP server that stops answering fails the attempt after this many seconds (Django's
# default is to wait forever, holding the email's row and its worker).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Protected personal data (issue 5)
# Keys of the authenticated encryption of the SSN and date of birth at rest (accounts.crypto,
# ADR 10): comma-separated Fernet keys; the first encrypts, every one decrypts. Rotation:
# docs/account-security.md. Without the variable (development and tests only; production
# requires it) one key is derived from SECRET_KEY, so changing SECRET_KEY makes data encrypted
# under it unreadable.
_DEVELOPMENT_FIELD_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"iacs-portal field encryption\x00" + SECRET_KEY.encode()).digest()
).decode()
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_DEVELOPMENT_FIELD_KEY])
# Django's UserAttributeSimilarityValidator compares whole strings: this one also refuses a
# password that contains the User ID, a name or the email's local part.
AUTH_PASSWORD_VALIDATORS.insert(1, {"NAME": "accounts.passwords.PersonalInformationValidator"})
# An optional validator for sites that must require upper case, lower case and a digit (off by
# default, as NIST SP 800-63B-4 advises against composition rules).
PASSWORD_REQUIRE_COMPOSITION = env.bool("PASSWORD_REQUIRE_COMPOSITION", default=False)
if PASSWORD_REQUIRE_COMPOSITION:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.passwords.CompositionValidator"})

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
CELERY_BEAT_SCHEDULE["disable-inactive-accounts"] = {
    "task": "accounts.tasks.disable_inactive_accounts",
    "schedule": timedelta(days=1),
}

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

# --- Production run (issue 7): logs, request ids, cache, sessions, health ---------------------
# Shared by every environment; production.py changes only the defaults it names. The variables
# are in docs/operations.md, the choices in docs/decisions/0015-production-run.md.

# Sessions are rows in the database, which every web process on every machine shares; a cache
# restart signs nobody out. (The cache, CACHE_URL above, must be shared too in production.)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The request id (django-guid): an incoming X-Request-ID that is a UUID is kept, anything else is
# replaced; the response echoes it; every log line and the Celery tasks a request queues carry it.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [],  # the Celery hand-over is ours (iacs_portal.logs), see ADR 15
}
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# "text" for people (development), "json" for a log collector (production's default).
LOG_FORMAT = env("LOG_FORMAT", default="text")
# Paths whose rest is a secret (the emailed reset link's token): logged as the prefix only.
LOG_REDACTED_PATH_PREFIXES = ["/recover/password/link/"]


def logging_settings(log_format: str, level: str) -> dict:
    """Every record through one handler on the root logger, with the request id (iacs_portal.logs)."""
    from django.core.exceptions import ImproperlyConfigured

    if log_format not in ("text", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "iacs_portal.logs.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "iacs_portal.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-guid says at INFO, for every request, whether the header came.
        "loggers": {"django_guid": {"level": "WARNING"}},
    }


LOGGING = logging_settings(LOG_FORMAT, LOG_LEVEL)

# GET /health/ (iacs_portal.health): each check's timeout, and the age of the oldest unsent email
# past which the answer says "degraded" (still 200).
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=2.0)
HEALTH_UNSENT_EMAIL_WARN_SECONDS = env.int("HEALTH_UNSENT_EMAIL_WARN_SECONDS", default=600)
