"""The help desk's actions on organizations and user groups (iacs_portal.admin_actions).

Each calls a service in ``services.py`` with the staff member and the reason; the service
checks the status under a row lock and records the audit event.
"""

from django import forms
from django.contrib.auth import get_user_model

from iacs_portal.admin_actions import ReasonForm, StaffAction, StaffActionRefused

from .models import Organization, RoleAssignment, UserGroup
from .roles import Role
from .selectors import active_officials, proposing_request
from .services import (
    ReseatError,
    RoleRemovalError,
    StatusChangeError,
    group_approve,
    group_reject,
    organization_approve,
    organization_reinstate,
    organization_reject,
    organization_suspend,
    security_official_reseat,
)

CHANGE_ORGANIZATION_STATUS = "organizations.change_organization_status"
RESEAT = "organizations.reseat_security_official"
CHANGE_GROUP_STATUS = "organizations.change_usergroup_status"


def _proposed_refusal(request, obj) -> str:
    """A pending organization or group proposed by a pending request is decided with it."""
    if isinstance(obj, Organization):
        pending = proposing_request(organization=obj)
        what = "Security Official"
    else:
        pending = proposing_request(group=obj)
        what = "User Group Administrator"
    if pending is None:
        return ""
    return (
        f"{obj} was proposed by the {what} request {pending.tracking_number}, which is "
        "waiting for a decision: it is approved or denied with that request (see Requests), "
        "by whoever decides the request."
    )


def _status_action(service, *, noun: str, verb: str):
    """perform() for a status change: the service's refusal is shown to the staff member."""

    def perform(request, obj, data) -> str:
        try:
            service(**{noun: obj}, by=request.user, reason=data["reason"])
        except StatusChangeError as error:
            raise StaffActionRefused(str(error)) from None
        return f"{obj} was {verb}."

    return perform


def _in_status(*statuses):
    return lambda obj: obj.status in statuses


OrgStatus = Organization.Status

ORGANIZATION_STATUS_ACTIONS = (
    StaffAction(
        name="approve",
        label="Approve organization",
        permission=CHANGE_ORGANIZATION_STATUS,
        perform=_status_action(organization_approve, noun="organization", verb="approved"),
        explanation="The organization becomes approved: people can choose it in their requests.",
        is_available=_in_status(OrgStatus.PENDING),
        refusal=_proposed_refusal,
    ),
    StaffAction(
        name="deny",
        label="Deny organization",
        permission=CHANGE_ORGANIZATION_STATUS,
        perform=_status_action(organization_reject, noun="organization", verb="denied"),
        explanation="The organization is not approved, and its EIN/TIN may be registered again.",
        is_available=_in_status(OrgStatus.PENDING),
        refusal=_proposed_refusal,
    ),
    StaffAction(
        name="suspend",
        label="Suspend organization",
        permission=CHANGE_ORGANIZATION_STATUS,
        perform=_status_action(organization_suspend, noun="organization", verb="suspended"),
        explanation="While suspended, nobody can choose the organization in a new request and "
        "no role can be granted in it (its pending requests can be denied, not approved). Its "
        "people keep their accounts and roles. Its Security Officials and Backup Security "
        "Officials are told by email (without your reason).",
        is_available=_in_status(OrgStatus.APPROVED),
    ),
    StaffAction(
        name="reinstate",
        label="Reinstate organization",
        permission=CHANGE_ORGANIZATION_STATUS,
        perform=_status_action(organization_reinstate, noun="organization", verb="reinstated"),
        explanation="The organization is approved again, as it was before the suspension. Its "
        "Security Officials and Backup Security Officials are told by email.",
        is_available=_in_status(OrgStatus.SUSPENDED),
    ),
)


class SecurityOfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assignment: RoleAssignment) -> str:
        user = assignment.user
        state = "" if user.is_active else ", account disabled"
        return f"{user.full_name} ({user.username}{state})"


class ReseatForm(ReasonForm):
    """Who takes over the Security Official role, from whom, and why."""

    new_user_id = forms.CharField(
        label="User ID of the new Security Official",
        max_length=20,
        help_text="Their existing, enabled portal account: ask them for their User ID.",
        error_messages={"required": "Enter the User ID of the new Security Official."},
    )
    replaces = SecurityOfficialChoiceField(
        label="Security Official to replace",
        queryset=RoleAssignment.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Their role is removed once the new Security Official holds it; they are "
        "told by email, with your reason.",
        error_messages={
            "required": "Choose the Security Official to replace.",
            "invalid_choice": "That person is no longer a Security Official of this "
            "organization. Choose again.",
        },
    )
    field_order = ["new_user_id", "replaces", "reason"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            "Why, in a sentence: for example the letter or ticket it answers. It is kept in "
            "the audit trail and sent to the Security Official replaced."
        )
        officials = active_officials(organization=organization, role=Role.SECURITY_OFFICIAL)
        if officials.exists():
            self.fields["replaces"].queryset = officials
        else:
            del self.fields["replaces"]  # nobody to replace: the new one is simply seated

    def clean_new_user_id(self):
        user_id = self.cleaned_data["new_user_id"].strip()
        user = get_user_model().objects.filter(username__iexact=user_id).first()
        if user is None:
            raise forms.ValidationError(
                f"No account has the User ID “{user_id}”. Check it with the person: it is in "
                "the email that gave it to them."
            )
        return user


def _reseat(request, organization, data) -> str:
    new_user, replaces = data["new_user_id"], data.get("replaces")
    try:
        security_official_reseat(
            organization=organization,
            new_user=new_user,
            replaces=replaces,
            by=request.user,
            reason=data["reason"],
        )
    except (ReseatError, RoleRemovalError) as error:
        raise StaffActionRefused(str(error)) from None
    replaced = f", replacing {replaces.user.full_name}" if replaces is not None else ""
    return (
        f"{new_user.full_name} ({new_user.username}) is now the Security Official of "
        f"{organization}{replaced}. Both were told by email."
    )


RESEAT_ACTION = StaffAction(
    name="reseat-security-official",
    label="Hand over the Security Official role",
    permission=RESEAT,
    perform=_reseat,
    explanation="The person you name becomes a Security Official of this organization, and the "
    "one they replace loses the role, in one step: the organization is never without one. "
    "It works even if the old Security Official's account is disabled.",
    is_available=_in_status(OrgStatus.APPROVED, OrgStatus.SUSPENDED),
    form_class=ReseatForm,
    form_kwargs=lambda request, obj: {"organization": obj},
)

GROUP_ACTIONS = (
    StaffAction(
        name="approve",
        label="Approve user group",
        permission=CHANGE_GROUP_STATUS,
        perform=_status_action(group_approve, noun="group", verb="approved"),
        explanation="The user group becomes approved: people can ask to join or administer it.",
        is_available=_in_status(UserGroup.Status.PENDING),
        refusal=_proposed_refusal,
    ),
    StaffAction(
        name="deny",
        label="Deny user group",
        permission=CHANGE_GROUP_STATUS,
        perform=_status_action(group_reject, noun="group", verb="denied"),
        explanation="The user group is not approved; its name is free to be used again.",
        is_available=_in_status(UserGroup.Status.PENDING),
        refusal=_proposed_refusal,
    ),
)
