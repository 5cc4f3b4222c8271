"""The portal's URLs plus the floor, a bare page against which every page is measured."""

from django.shortcuts import render
from django.urls import include, path


def floor(request):
    """The least a page can cost here: the middleware, a session, a template, no query of ours."""
    return render(request, "bench/floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("iacs_portal.urls")),
]
