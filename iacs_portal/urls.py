from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("accounts.urls")),
    path("register/", include("approvals.registration.urls")),
    path("approvals/", include("approvals.urls")),
    path("organizations/", include("organizations.urls")),
    path("my-requests/", include("approvals.applicant_urls")),
    path("outbox/", include("iacs_portal.outbox.urls")),
    # The help desk signs in through the portal's own sign-in, with its second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
]
