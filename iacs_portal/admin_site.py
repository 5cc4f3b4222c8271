"""The help desk's Django admin: staff with a verified second factor only (django-otp).

``iacs_portal.admin_apps.HelpDeskAdminConfig`` makes ``HelpDeskAdminSite`` the default
``admin.site``, so every app's ``admin.py`` registers on it unchanged. Its login page redirects
to the portal's sign-in, where the password and then the code are asked, and its "Change
password" to My Profile's, which applies the portal's password rules, keeps the history and
emails the person.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class HelpDeskAdminSite(OTPAdminSite):
    site_header = "IACS Portal help desk"
    site_title = "IACS Portal help desk"
    index_title = "Help desk"

    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        """Anonymous: the portal's sign-in. Signed in and admitted: the index, as Django's own
        login page does. Signed in but refused (not staff, or the second factor not verified):
        403, since the sign-in would send them straight back here."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied("This account may not use the help desk admin.")
        url, query = reverse("accounts:login"), request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(f"{url}?{query}" if query else url)

    def password_change(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("accounts:change_password"))
