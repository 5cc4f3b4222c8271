"""Mail, Celery and the mail outbox (issue 7, ADR 14), and the periodic tasks."""

from datetime import timedelta
from pathlib import Path

from .environment import BASE_DIR, env

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

# Celery: with no broker configured every task runs in process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A redis:// broker through kombu's Redis transport with its client kept (iacs_portal.broker).
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "iacs_portal.broker:Transport"
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
# A worker keeps its database connection between tasks, closed by age (CONN_MAX_AGE) or when
# broken (iacs_portal/celery.py); Celery's own count only renews it every so many tasks besides.
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULE = {
    "purge-expired-registration-drafts": {
        "task": "approvals.tasks.purge_expired_drafts",
        "schedule": timedelta(minutes=15),
    },
    "remind-and-expire-pending-requests": {
        "task": "approvals.tasks.remind_and_expire_pending_requests",
        "schedule": timedelta(hours=1),
    },
    "disable-inactive-accounts": {
        "task": "accounts.tasks.disable_inactive_accounts",
        "schedule": timedelta(days=1),
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
