"""The portal's URLs plus a probe that records an audit event, for the middleware test."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from accounts.models import User
from iacs_portal.audit.services import audit_record
from iacs_portal.urls import urlpatterns as portal_urlpatterns


def record_probe(request, pk):
    event = audit_record(action="probe.recorded", target=get_object_or_404(User, pk=pk))
    return HttpResponse(str(event.pk))


urlpatterns = [path("audit-probe/<int:pk>/", record_probe), *portal_urlpatterns]
