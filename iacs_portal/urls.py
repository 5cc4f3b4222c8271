from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "IACS Portal help desk"
admin.site.site_title = "IACS Portal help desk"

urlpatterns = [
    path("", include("accounts.urls")),
    path("register/", include("approvals.registration.urls")),
    path("approvals/", include("approvals.urls")),
    path("organizations/", include("organizations.urls")),
    path("my-requests/", include("approvals.applicant_urls")),
    path("outbox/", include("iacs_portal.outbox.urls")),
    path("admin/", admin.site.urls),
]
