"""The registration wizard's steps, their order per request kind and role, and progress.

Conditional steps live in two tables: ``HEADS`` (a new registration proves who the person is;
a signed-in user asking for another role does not) and ``ROLE_STEPS``, the role-specific part
of the wizard (SPEC 4.10). The engine in ``views.py`` only asks this module what comes next.
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
    NEW_ORGANIZATION = "new-organization"
    ORGANIZATION = "organization"
    GROUP_ACTION = "group-action"
    USER_GROUP = "user-group"
    PRACTICE = "practice"
    JUSTIFICATION = "justification"
    REVIEW = "review"


LABELS = {
    Step.TERMS: "Terms and conditions",
    Step.ROLE: "Role",
    Step.ROLE_TERMS: "Role terms",
    Step.USER_INFO: "User information",
    Step.VERIFY_EMAIL: "Verify email",
    Step.CONTACT: "Contact information",
    Step.NEW_ORGANIZATION: "Organization details",
    Step.ORGANIZATION: "Organization",
    Step.GROUP_ACTION: "User group action",
    Step.USER_GROUP: "User group",
    Step.PRACTICE: "Practice details",
    Step.JUSTIFICATION: "Justification",
    Step.REVIEW: "Review",
}

HEADS: dict[str, tuple[Step, ...]] = {
    "registration": (
        Step.TERMS, Step.ROLE, Step.ROLE_TERMS, Step.USER_INFO, Step.VERIFY_EMAIL, Step.CONTACT,
    ),
    # A signed-in user asking for another role: identity and email are already proven.
    "additional_role": (Step.ROLE, Step.ROLE_TERMS, Step.CONTACT),
    # A surrogate UGA serving one more provider organization: role and group kind are known.
    "association": (),
}  # fmt: skip
ROLE_STEPS: dict[str, tuple[Step, ...]] = {
    Role.SECURITY_OFFICIAL: (Step.NEW_ORGANIZATION,),
    Role.BACKUP_SECURITY_OFFICIAL: (Step.ORGANIZATION,),
    Role.USER_GROUP_ADMINISTRATOR: (Step.ORGANIZATION, Step.GROUP_ACTION, Step.USER_GROUP),
    Role.END_USER: (Step.ORGANIZATION, Step.USER_GROUP),
    Role.INDIVIDUAL_PRACTITIONER: (Step.PRACTICE,),
}
ASSOCIATION_STEPS = (Step.ORGANIZATION, Step.USER_GROUP)
COMMON_TAIL = (Step.JUSTIFICATION, Step.REVIEW)

# Once the email is verified, the identity steps before it are settled and cannot be revisited.
LOCKED_AFTER = Step.VERIFY_EMAIL
# Choosing again at these steps makes the steps after them, which depend on the choice, undone.
DEPENDENT_STEPS = {
    Step.ORGANIZATION: (Step.GROUP_ACTION, Step.USER_GROUP),
    Step.GROUP_ACTION: (Step.USER_GROUP,),
}


def sequence(role: str, kind: str = "registration") -> tuple[Step, ...]:
    if kind == "association":
        return ASSOCIATION_STEPS + COMMON_TAIL
    return HEADS[kind] + ROLE_STEPS.get(role, ()) + COMMON_TAIL


def first_incomplete(*, role: str, completed: list[str], kind: str = "registration") -> Step:
    for step in sequence(role, kind):
        if step not in completed:
            return step
    return Step.REVIEW


def is_reachable(
    step: Step, *, role: str, completed: list[str], kind: str = "registration"
) -> bool:
    steps = sequence(role, kind)
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


def progress(
    current: Step, *, role: str, completed: list[str], kind: str = "registration"
) -> Progress:
    steps = sequence(role, kind)
    items = [
        ProgressItem(
            LABELS[step],
            "current" if step == current else "complete" if step in completed else "incomplete",
        )
        for step in steps
    ]
    return Progress(items, steps.index(current) + 1, len(steps))
