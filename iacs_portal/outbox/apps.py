from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "iacs_portal.outbox"
    label = "outbox"
    verbose_name = "Mail"

    def ready(self):
        from .handoff import connect_signals

        connect_signals()
