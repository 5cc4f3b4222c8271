"""Pending Approvals: the queue of requests the signed-in approver may decide (SPEC 6)."""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, ListView

from iacs_portal.transactions import AtomicUnlessSafe

from . import routing
from .forms import DecisionForm, QueueFilterForm
from .history import request_history
from .models import AccessRequest
from .selectors import queue_filter, queue_filter_options, queue_page_rows
from .services import (
    DecisionError,
    access_request_approve,
    access_request_deny,
    decidable_request_locked,
)
from .summaries import request_sections

NARROWING_FILTERS = {"kind", "organization_id", "group_id", "older_than_days"}

# A tracking number reverse() puts into a path as it is (it quotes nothing in it).
_PLAIN_TRACKING_NUMBER = re.compile(r"[A-Za-z0-9-]+")
_TRACKING_NUMBER_STAND_IN = "IR-00000-00000"


def detail_urls_set(requests) -> None:
    """Each request's page address as ``detail_url``, the URL reversed once for the whole page:
    the template's ``{% url %}`` per row cost about 20 µs of CPU each, half a millisecond for
    the queue's 25 rows (issue 9). A tracking number with anything reverse() would quote is
    reversed on its own."""
    address = reverse("approvals:detail", args=[_TRACKING_NUMBER_STAND_IN])
    for access_request in requests:
        number = access_request.tracking_number
        access_request.detail_url = (
            address.replace(_TRACKING_NUMBER_STAND_IN, number)
            if _PLAIN_TRACKING_NUMBER.fullmatch(number)
            else reverse("approvals:detail", args=[number])
        )


class QueueView(AtomicUnlessSafe, LoginRequiredMixin, ListView):
    """The requests the user may decide, filtered and sorted by the query string.

    It only reads: in autocommit (``AtomicUnlessSafe``), without a BEGIN and a COMMIT.
    """

    template_name = "approvals/queue.html"
    context_object_name = "requests"
    paginate_by = 25
    extra_context = {"nav_current": "approvals"}

    def get_queryset(self):
        self.filter_form = QueueFilterForm(
            self.request.GET or None, options=queue_filter_options(user=self.request.user)
        )
        filters = self.filter_form.filters()
        self.narrowed = bool(set(filters) & NARROWING_FILTERS)
        self.sort = filters["sort"]
        return queue_filter(user=self.request.user, **filters)

    def paginate_queryset(self, queryset, page_size):
        """A page number out of range or not a number shows the nearest page, never a 404.

        The page is chosen on request ids alone, then only its rows are read with their
        organization and group: at 5,000 pending, joining first made PostgreSQL hash-join every
        organization and group before sorting (ADR 18).
        """
        paginator = self.get_paginator(queryset.values("pk"), page_size)
        if not self.narrowed:  # the header counts the same requests: count them once
            paginator.count = routing.decidable_count(user=self.request.user)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        page.object_list = queue_page_rows(page=page.object_list, sort=self.sort)
        detail_urls_set(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filtered=any(
                self.request.GET.get(name)
                for name in ("kind", "organization", "group", "older_than_days")
            ),
            **kwargs,
        )


class DecisionView(AtomicUnlessSafe, LoginRequiredMixin, FormView):
    """A request's details, and the approve/deny form.

    ``AtomicUnlessSafe``: the page is read in autocommit; a decision runs in one transaction,
    with the session (the activity time every signed-in request moves) saved in it, one commit
    where the session's UPDATE used to commit apart after it (ADR 20).
    """

    template_name = "approvals/detail.html"
    form_class = DecisionForm
    extra_context = {"nav_current": "approvals"}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # The request and whether the user may decide it, in one query: the queue's own
        # (tests/approvals/test_routing.py holds it equal to routing.can_decide), with only the
        # rows this page shows (the organization, the group of a UGA or end user), unsorted.
        # The full SSN is not shown, so not read (nor decrypted). A POST reads the request once,
        # locked, as the decision does (services.decidable_request_locked: the same query,
        # locked), and the decision takes it as read.
        tracking_number = kwargs["tracking_number"]
        if request.method == "POST":  # the decision's own locked read, once, in its transaction
            self.access_request = decidable_request_locked(
                approver=request.user, tracking_number=tracking_number
            )
            return self._dispatch_found(request, *args, **kwargs)
        decidable = (
            routing.decidable_requests(user=request.user)
            .select_related(None)
            .select_related("organization", "group", "community")
            .defer("ssn")
            .order_by()
            .filter(tracking_number=tracking_number)
        )
        self.access_request = next(iter(decidable[:1]), None)
        return self._dispatch_found(request, *args, **kwargs)

    def _dispatch_found(self, request, *args, **kwargs):
        if self.access_request is None:
            self.access_request = AccessRequest.objects.filter(
                tracking_number=kwargs["tracking_number"]
            ).first()
            if self.access_request is not None and self._was_for(request.user):
                messages.info(
                    request,
                    f"Request {self.access_request.tracking_number} has already been decided.",
                )
                return redirect("approvals:queue")
            raise Http404("No such request in your queue.")
        return super().dispatch(request, *args, **kwargs)

    def _was_for(self, user) -> bool:
        """A decided request this user could have decided: say so; to anyone else it is 404."""
        access_request = self.access_request
        return bool(access_request.decided_by_id) and (
            access_request.decided_by_id == user.pk
            or routing.approvers(access_request=access_request).filter(pk=user.pk).exists()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            access_request=self.access_request,
            sections=request_sections(self.access_request),
            history=request_history(self.access_request),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                access_request_approve(
                    access_request_id=self.access_request.pk,
                    approver=self.request.user,
                    locked=self.access_request,
                )
                # Only a new registration makes an account; anyone else keeps their credentials.
                outcome = (
                    "will receive their User ID and a temporary password by email"
                    if self.access_request.is_registration
                    else "will be told by email that the role was added to their account"
                )
                messages.success(
                    self.request,
                    f"Request {self.access_request.tracking_number} was approved. "
                    f"{self.access_request.applicant_name} {outcome}.",
                )
            else:
                access_request_deny(
                    access_request_id=self.access_request.pk,
                    approver=self.request.user,
                    reason=data["reason"],
                    note=data["note"].strip(),
                    locked=self.access_request,
                )
                messages.success(
                    self.request,
                    f"Request {self.access_request.tracking_number} was denied. "
                    "The applicant will receive the reason by email.",
                )
        except DecisionError as error:
            messages.error(self.request, str(error))
        return redirect("approvals:queue")
