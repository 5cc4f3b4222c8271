from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations and roles"

    def ready(self):
        from . import emails  # noqa: F401  (registers the builders of its emails)
