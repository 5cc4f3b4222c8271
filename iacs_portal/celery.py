"""Celery application. Tasks are discovered in each app's ``tasks`` module.

With ``CELERY_BROKER_URL`` unset the settings make every task run in process
(``task_always_eager``), so a newcomer needs no Redis to try the portal.
"""

import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.db import close_old_connections

from . import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iacs_portal.settings.local")

app = Celery("iacs_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id goes with every task a request queues, and is set while the task runs.
before_task_publish.connect(logs.put_request_id_in_task_headers)
task_prerun.connect(logs.take_request_id_from_task)
task_postrun.connect(logs.forget_request_id_after_task)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(*, task, **kwargs) -> None:
    """A task keeps its worker's database connection as a request keeps its web process's:
    closed when older than CONN_MAX_AGE or broken (CONN_HEALTH_CHECKS), not around every task.

    Celery's Django fixup would close it before and after each task (unless
    ``CELERY_DB_REUSE_MAX``, settings/delivery.py): a new PostgreSQL connection costs the
    server about 6 ms of CPU, more than the email the task sends. A task run in process (eager)
    is inside a request, whose connection is the request's business.
    """
    if not task.request.is_eager:
        close_old_connections()


@setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """The worker and beat log as the web does (settings.LOGGING, JSON in production): with a
    receiver here, Celery leaves the logging Django configured alone."""
