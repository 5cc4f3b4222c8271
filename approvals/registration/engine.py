"""The wizard engine: every step after the terms is a ``StepView`` subclass naming its step.

A step loads the visitor's draft from the database, refuses to open before the steps it needs
are done, saves what was entered, and sends the visitor to the first step still to do (which,
when editing from the review page, is the review page again). A draft for an added role or a
surrogate association belongs to the signed-in user who started it and to nobody else.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from iacs_portal.transactions import AtomicUnlessSafe

from ..models import AccessRequest
from . import steps as wizard
from .drafts import (
    DRAFT_SESSION_KEY,
    SUBMITTED_SESSION_KEY,
    draft_discard,
    draft_for,
    draft_read,
    draft_touch,
)
from .steps import Step


def step_url(step: Step) -> str:
    return reverse(f"registration:{step.value}")


def wizard_title(draft: AccessRequest | None) -> str:
    if draft is not None and not draft.is_registration:
        return "Request a Role"
    return "New User Registration"


# The draft's fields every step reads: its position in the wizard (kind, role, completed
# steps), whether it is still live (status, last activity) and whose it is.
ENGINE_READS = ("kind", "role", "completed_steps", "status", "last_activity_at", "applicant_id")


class StepView(AtomicUnlessSafe, FormView):
    """A step's page is read in autocommit; its POST runs in one transaction (AtomicUnlessSafe)."""

    step: Step
    draft_related: tuple[str, ...] = ()  # the draft's relations this step reads (draft_for)
    # The draft's fields this step reads besides ENGINE_READS, when it names them: the others
    # (the encrypted SSN and date of birth among them, each a decryption) are not loaded, and
    # one read would cost a statement (tests/approvals/test_wizard_statements.py).
    draft_reads: tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        had_draft = DRAFT_SESSION_KEY in request.session
        self.draft = self.load_draft(request)
        if self.draft is None:
            if request.session.get(SUBMITTED_SESSION_KEY):
                return redirect("registration:acknowledgement")
            if had_draft:
                minutes = int(settings.REGISTRATION_DRAFT_TTL.total_seconds() // 60)
                messages.warning(
                    request,
                    f"Your request expired after {minutes} minutes without activity, "
                    "and what you entered was deleted. Please start again.",
                )
            return redirect("registration:start")
        if not self.draft.is_registration and self.draft.applicant_id != request.user.pk:
            draft_discard(request)
            return redirect("accounts:login")
        if not wizard.is_reachable(self.step, **self.position()):
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def load_draft(self, request) -> AccessRequest | None:
        if self.draft_reads is not None and not self.draft_related:
            return draft_for(request, read=draft_read(fields=(*ENGINE_READS, *self.draft_reads)))
        return draft_for(request, related=self.draft_related)

    def position(self) -> dict:
        draft = self.draft
        return {"role": draft.role, "completed": draft.completed_steps, "kind": draft.kind}

    def next_url(self) -> str:
        return step_url(wizard.first_incomplete(**self.position()))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draft=self.draft,
            wizard=wizard.progress(self.step, **self.position()),
            wizard_title=wizard_title(self.draft),
            editing=self.draft_is_complete(),
            **kwargs,
        )

    def draft_is_complete(self) -> bool:
        steps = wizard.sequence(self.draft.role, self.draft.kind)
        return all(step in self.draft.completed_steps for step in steps if step != Step.REVIEW)

    def undo_dependent_steps(self) -> list[str]:
        """The choice at this step changed: the steps that depend on it are to be done again.

        Returns the draft fields this changed besides ``completed_steps`` (only those: a field
        already empty is not written again)."""
        dependent = {step.value for step in wizard.DEPENDENT_STEPS.get(self.step, ())}
        self.draft.completed_steps = [s for s in self.draft.completed_steps if s not in dependent]
        changed = []
        if Step.USER_GROUP in dependent:
            if self.draft.group_id is not None:
                self.draft.group = None
                changed.append("group")
            if "group" in self.draft.details:
                del self.draft.details["group"]
                changed.append("details")
        return changed

    def save(self, form) -> list[str]:
        """Apply the form to the draft; return the names of the draft fields changed."""
        return []

    def form_valid(self, form):
        changed = self.save(form)
        draft_touch(self.draft, completed=self.step, fields=changed)
        return redirect(self.next_url())
