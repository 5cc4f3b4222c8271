from django.contrib import admin
from django.urls import include, path

from iacs_portal.health import health

urlpatterns = [
    # For the load balancer: no sign-in, outside the warning-screen gate (docs/operations.md).
    path("health/", health, name="health"),
    path("", include("accounts.urls")),
    path("register/", include("approvals.registration.urls")),
    path("approvals/", include("approvals.urls")),
    path("organizations/", include("organizations.urls")),
    path("my-requests/", include("approvals.applicant_urls")),
    path("outbox/", include("iacs_portal.outbox.urls")),
    # The help desk signs in through the portal's own sign-in, with its second factor: the
    # admin's login page sends there (iacs_portal.admin_site).
    path("admin/", admin.site.urls),
]
