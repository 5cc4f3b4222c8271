"""The registration wizard's steps, their order per role, and what each step's progress is.

Conditional steps live in one table, ``ROLE_STEPS``: the role-specific part of the wizard
(SPEC 4.10). The engine in ``views.py`` only asks this module what comes next.
"""

from dataclasses import dataclass
from enum import StrEnum

from organizations.roles import Role


class Step(StrEnum):
    TERMS = "terms"
    ROLE = "role"
    ROLE_TERMS = "role-terms"
    USER_INFO = "user-information"
    VERIFY_EMAIL = "verify-email"
    CONTACT = "contact"
    ORGANIZATION = "organization"
    JUSTIFICATION = "justification"
    REVIEW = "review"


LABELS = {
    Step.TERMS: "Terms and conditions",
    Step.ROLE: "Role",
    Step.ROLE_TERMS: "Role terms",
    Step.USER_INFO: "User information",
    Step.VERIFY_EMAIL: "Verify email",
    Step.CONTACT: "Contact information",
    Step.ORGANIZATION: "Organization",
    Step.JUSTIFICATION: "Justification",
    Step.REVIEW: "Review",
}

COMMON_HEAD = (
    Step.TERMS,
    Step.ROLE,
    Step.ROLE_TERMS,
    Step.USER_INFO,
    Step.VERIFY_EMAIL,
    Step.CONTACT,
)
ROLE_STEPS: dict[str, tuple[Step, ...]] = {
    Role.BACKUP_SECURITY_OFFICIAL: (Step.ORGANIZATION,),
}
COMMON_TAIL = (Step.JUSTIFICATION, Step.REVIEW)

# Once the email is verified, the identity steps before it are settled and cannot be revisited.
LOCKED_AFTER = Step.VERIFY_EMAIL
# The steps the review page offers to edit.
EDITABLE_FROM_REVIEW = (Step.CONTACT, Step.ORGANIZATION, Step.JUSTIFICATION)


def sequence(role: str) -> tuple[Step, ...]:
    return COMMON_HEAD + ROLE_STEPS.get(role, ()) + COMMON_TAIL


def first_incomplete(*, role: str, completed: list[str]) -> Step:
    for step in sequence(role):
        if step not in completed:
            return step
    return Step.REVIEW


def is_reachable(step: Step, *, role: str, completed: list[str]) -> bool:
    steps = sequence(role)
    if step not in steps:
        return False
    if LOCKED_AFTER in completed and steps.index(step) <= steps.index(LOCKED_AFTER):
        return False
    return all(earlier in completed for earlier in steps[: steps.index(step)])


@dataclass(frozen=True)
class ProgressItem:
    label: str
    status: str  # "complete", "current" or "incomplete"


@dataclass(frozen=True)
class Progress:
    steps: list[ProgressItem]
    current_number: int
    total: int

    @property
    def current_label(self) -> str:
        return self.steps[self.current_number - 1].label


def progress(current: Step, *, role: str, completed: list[str]) -> Progress:
    steps = sequence(role)
    items = [
        ProgressItem(
            LABELS[step],
            "current" if step == current else "complete" if step in completed else "incomplete",
        )
        for step in steps
    ]
    return Progress(items, steps.index(current) + 1, len(steps))
