from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import emails, sessions  # noqa: F401  (registers email builders; connects the sign-in receiver)
