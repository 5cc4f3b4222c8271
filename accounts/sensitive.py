"""Views whose forms carry secrets (passwords, one-time codes, answers) mark them as such."""

from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

# A class decorator: it wraps the view's own ``dispatch``, so the request is marked before
# anything the view does, early redirects included. Error reports (the admins' email of a
# 500, DEBUG pages) then show none of the view's POST data.
sensitive_post = method_decorator(sensitive_post_parameters(), name="dispatch")
