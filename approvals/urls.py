from django.urls import path

from . import status, views

app_name = "approvals"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    # Before the tracking-number pattern, which would otherwise take "status".
    path("status/", status.StatusLookupView.as_view(), name="status"),
    path("<str:tracking_number>/", views.DecisionView.as_view(), name="detail"),
]
