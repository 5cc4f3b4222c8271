"""Django's admin app with the help desk's site as ``admin.site`` (see ``admin_site``).

Kept apart from ``admin_site`` because an app config is imported before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class HelpDeskAdminConfig(AdminConfig):
    default_site = "iacs_portal.admin_site.HelpDeskAdminSite"
