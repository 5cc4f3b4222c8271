from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("<str:tracking_number>/", views.DecisionView.as_view(), name="detail"),
]
