"""Celery application. Tasks are discovered in each app's ``tasks`` module.

With ``CELERY_BROKER_URL`` unset the settings make every task run in process
(``task_always_eager``), so a newcomer needs no Redis to try the portal.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iacs_portal.settings.local")

app = Celery("iacs_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
