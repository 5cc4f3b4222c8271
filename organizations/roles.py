from django.db import models


class Role(models.TextChoices):
    SECURITY_OFFICIAL = "so", "Security Official"
    BACKUP_SECURITY_OFFICIAL = "bso", "Backup Security Official"
    USER_GROUP_ADMINISTRATOR = "uga", "User Group Administrator"
    END_USER = "end_user", "End User"
    INDIVIDUAL_PRACTITIONER = "individual_practitioner", "Individual Practitioner"


# Roles whose registration path is built. The others are listed on the role screen, disabled,
# until their own issue lands.
REGISTRABLE_ROLES = frozenset({Role.BACKUP_SECURITY_OFFICIAL})

ROLE_DESCRIPTIONS = {
    Role.SECURITY_OFFICIAL: "The first person of a provider organization; registers the organization.",
    Role.BACKUP_SECURITY_OFFICIAL: "Helps the Security Official; approves User Group Administrators.",
    Role.USER_GROUP_ADMINISTRATOR: "Creates or administers a user group and approves its members.",
    Role.END_USER: "Uses CMS applications as a member of a user group.",
    Role.INDIVIDUAL_PRACTITIONER: "A professional using CMS applications personally.",
}
