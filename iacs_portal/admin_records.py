"""Admin pages whose writing is restricted whatever the permissions say.

- ``RecordAdmin``, records (the audit trail, the sent mail): those with the model's view
  permission read them; nobody, superusers included, adds, changes or deletes, and there is no
  bulk action (not even "delete selected").
- ``SuperuserWritesAdmin``: staff with the view permission read; administrators write.
- ``SuperuserOnlyAdmin``, reference data (communities, authentication questions):
  administrators (superusers) only; no staff group sees it.
"""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserWritesAdmin(admin.ModelAdmin):
    """Staff with the view permission read it; only administrators add, change or delete."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SuperuserOnlyAdmin(SuperuserWritesAdmin):
    """Administrators only: no staff group sees it."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
