"""Settings shared by every environment; values come from environment variables.

The README's configuration table lists every variable read here and in the modules imported at
the end, one per concern: sign_in (accounts, sessions, headers, rate limits), delivery (mail,
Celery, the outbox), rules (SPEC 9's numbers and the portal's reference settings) and
operations (logs, request ids, health). local.py, test.py and production.py start from this.
"""

import base64
import hashlib

from .environment import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
# Key of the SSN digest that recognises one person registering twice (accounts.identity). It is
# separate from SECRET_KEY so that rotating that key does not forget who already has an account.
SSN_DIGEST_KEY = env("SSN_DIGEST_KEY", default=SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The outbox page (/outbox/, the local mail) is a development tool: it exists only while this is true.
OUTBOX_PAGE_ENABLED = DEBUG

INSTALLED_APPS = [
    "iacs_portal.admin_apps.HelpDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # OpClass in an index expression (the trigram index, ADR 18); harmless on SQLite.
    "django.contrib.postgres",
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

# Django's renderer, with <select> written in Python, the same markup (iacs_portal/form_renderer.py).
FORM_RENDERER = "iacs_portal.form_renderer.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
POSTGRESQL_ENGINE = (
    "iacs_portal.postgresql"  # Django's, a transaction's BEGIN sent with its first statement
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# The hottest reads (iacs_portal.compiled_reads) as prepared statements on PostgreSQL (ADR 22);
# false behind a connection pooler in transaction mode, which does not keep them.
POSTGRESQL_PREPARED_READS = env.bool("POSTGRESQL_PREPARED_READS", default=True)
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


# Each concern's settings (see the docstring); they read the environment through the same env.
from .delivery import *  # noqa: E402,F403
from .operations import *  # noqa: E402,F403
from .rules import *  # noqa: E402,F403
from .sign_in import *  # noqa: E402,F403
