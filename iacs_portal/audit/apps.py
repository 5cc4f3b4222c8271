from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "iacs_portal.audit"
    label = "audit"
    verbose_name = "Audit trail"
