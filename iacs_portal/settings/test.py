"""Test settings: the README's test command runs with these (PostgreSQL when DATABASE_URL says so)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Never collected into: whitenoise's middleware lists STATIC_ROOT's files each time it starts,
# which is for every test client; `make prod`, `make bench` and the profiling tools collect about
# 5,600 files into var/staticfiles, which made a local test run several times slower than CI's.
STATIC_ROOT = BASE_DIR / "var" / "test-static"  # noqa: F405
