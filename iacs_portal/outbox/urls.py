from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<str:message_id>/", views.message_detail, name="detail"),
    path("<str:message_id>/html/", views.message_html, name="html"),
]
