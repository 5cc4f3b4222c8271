"""What an applicant does with their own requests once submitted: cancel a pending one."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .models import AccessRequest
from .services import DecisionError, access_request_cancel


class CancelRequestView(LoginRequiredMixin, TemplateView):
    """Asks first; confirming withdraws the request. Anyone else's request is not found."""

    template_name = "approvals/cancel_request.html"
    extra_context = {"nav_current": "my_profile"}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.access_request = (
                AccessRequest.objects.select_related("organization", "group")
                .filter(tracking_number=kwargs["tracking_number"], applicant=request.user)
                .first()
            )
            if self.access_request is None:
                raise Http404("No such request of yours.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.access_request.status != AccessRequest.Status.SUBMITTED:
            messages.info(
                request,
                f"Request {self.access_request.tracking_number} is "
                f"{self.access_request.get_status_display().lower()} and cannot be cancelled.",
            )
            return redirect("accounts:my_profile")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(access_request=self.access_request, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            access_request_cancel(access_request_id=self.access_request.pk, applicant=request.user)
        except DecisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Request {self.access_request.tracking_number} was cancelled."
            )
        return redirect("accounts:my_profile")
