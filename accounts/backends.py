"""Sign-in by User ID, whatever its case; a locked account cannot authenticate."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .lockout import user_is_locked

# Encrypted at rest (ADR 10); not loaded with the signed-in user of every request.
PERSONAL_DATA_FIELDS = ("ssn", "date_of_birth")


class UserIdBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = model._default_manager.filter(username__iexact=username).order_by("pk").first()
        if user is None:
            # Hash anyway, so an unknown User ID takes as long as a wrong password.
            model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in person of each request, without their SSN and date of birth.

        Those are decrypted only where a page reads them (a query then), not on every request:
        less work, and less personal data in memory (ADR 10).
        """
        model = get_user_model()
        try:
            user = model._default_manager.defer(*PERSONAL_DATA_FIELDS).get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user_is_locked(user=user)
