"""For templates of other apps (My Profile's panel): whether to link to Manage Roles."""

from django import template

from organizations.permissions import can_manage_roles as _can_manage_roles

register = template.Library()


@register.filter
def can_manage_roles(user) -> bool:
    return _can_manage_roles(user=user)
