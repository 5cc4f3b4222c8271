from django.db import models


class Role(models.TextChoices):
    SECURITY_OFFICIAL = "so", "Security Official"
    BACKUP_SECURITY_OFFICIAL = "bso", "Backup Security Official"
    USER_GROUP_ADMINISTRATOR = "uga", "User Group Administrator"
    END_USER = "end_user", "End User"
    INDIVIDUAL_PRACTITIONER = "individual_practitioner", "Individual Practitioner"


ROLE_DESCRIPTIONS = {
    Role.SECURITY_OFFICIAL: "The first person of a provider organization; registers the "
    "organization and approves its Backup Security Officials and User Group Administrators.",
    Role.BACKUP_SECURITY_OFFICIAL: "Helps the Security Official; approves User Group "
    "Administrators.",
    Role.USER_GROUP_ADMINISTRATOR: "Creates a provider or surrogate user group, or administers "
    "an existing one, and approves its members.",
    Role.END_USER: "Uses CMS applications as a member of a user group.",
    Role.INDIVIDUAL_PRACTITIONER: "A professional using CMS applications personally, without "
    "an organization.",
}

# Where a role is held: in an organization, in a user group of one, or by the person alone.
ORGANIZATION_ROLES = frozenset({Role.SECURITY_OFFICIAL, Role.BACKUP_SECURITY_OFFICIAL})
GROUP_ROLES = frozenset({Role.USER_GROUP_ADMINISTRATOR, Role.END_USER})
