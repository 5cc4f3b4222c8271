from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuthenticationQuestion, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (
            "Person",
            {
                "fields": [
                    "first_name",
                    "middle_name",
                    "last_name",
                    "suffix",
                    "email",
                    "masked_ssn",
                ]
            },
        ),  # fmt: skip
        ("Professional contact", {"fields": list(User.CONTACT_FIELDS)}),
        (
            "Status",
            {
                "fields": [
                    "is_active",
                    "must_change_password",
                    "temporary_password_expires_at",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
        ("Staff", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    # The SSN shows only masked and the date of birth not at all (ADR 10): they are not in the
    # fieldsets, and excluded so that no form built from this admin can carry them.
    exclude = ["ssn", "date_of_birth", "ssn_digest"]
    readonly_fields = [
        "masked_ssn",
        "must_change_password",
        "temporary_password_expires_at",
        "last_login",
        "date_joined",
    ]

    @admin.display(description="SSN")
    def masked_ssn(self, user):
        return f"***-**-{user.ssn_last4}" if user.ssn_last4 else "-"


@admin.register(AuthenticationQuestion)
class AuthenticationQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "order", "is_active"]
