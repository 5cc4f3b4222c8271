from django.urls import path

from . import applicant_views

app_name = "my_requests"

urlpatterns = [
    path(
        "<str:tracking_number>/cancel/",
        applicant_views.CancelRequestView.as_view(),
        name="cancel",
    ),
]
