"""Admin pages for records (the audit trail, the sent mail): read, never written from the admin.

Those with the model's view permission read them; nobody, superusers included, adds, changes
or deletes, and there is no bulk action (not even "delete selected").
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
