"""Admin pages that third-party apps register and the help desk must not have.

django-otp's backup-code admin (``otp_static.StaticDevice``) shows each code's stored digest
and would let an administrator add codes to anyone's account. Backup codes are made only by
the person (accounts.two_factor) and removed by the help desk's "reset two-factor" action.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice

# Guarded: another admin module may have removed it already.
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
