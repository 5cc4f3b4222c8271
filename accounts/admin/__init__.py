"""The accounts pages of the help desk's admin.

- Users (``users.UserAdmin``): search, filters, the account's state, the help desk's actions.
- Authentication questions: reference data, administrators (superusers) only.
- django-otp's own backup code device admin is removed: it shows each code's stored digest and
  would let an administrator add codes to anyone's account. Nobody browses two-factor devices
  apart from the account they belong to (the Users page shows what the help desk may know).
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice

from iacs_portal.admin_records import SuperuserOnlyAdmin

from ..models import AuthenticationQuestion, User
from .users import UserAdmin

admin.site.register(User, UserAdmin)

# django_otp.plugins.otp_static (installed before accounts) registers it on import.
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)


@admin.register(AuthenticationQuestion)
class AuthenticationQuestionAdmin(SuperuserOnlyAdmin):
    list_display = ["text", "order", "is_active"]
