"""The help desk's Django admin: staff with a verified second factor only (django-otp).

``iacs_portal.admin_apps.HelpDeskAdminConfig`` makes ``HelpDeskAdminSite`` the default ``admin.site``, so every app's
``admin.py`` registers on it unchanged. Its login page redirects to the portal's sign-in
(``iacs_portal/urls.py``), where the password and then the code are asked.
"""

from django_otp.admin import OTPAdminSite


class HelpDeskAdminSite(OTPAdminSite):
    site_header = "IACS Portal help desk"
    site_title = "IACS Portal help desk"
    index_title = "Help desk"

    def __init__(self, name="admin"):
        super().__init__(name)
