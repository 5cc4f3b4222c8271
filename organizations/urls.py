from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("roles/", views.ManageRolesView.as_view(), name="manage-roles"),
    path("roles/<int:pk>/remove/", views.RemoveRoleView.as_view(), name="remove-role"),
]
