import secrets
import time
from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from iacs_portal.row_updates import RowUpdates

from .geo import COUNTRIES, US_STATES_AND_TERRITORIES
from .model_fields import EncryptedDateField, EncryptedTextField


class ProfessionalContact(models.Model):
    """Professional contact information: kept on requests and, once approved, on the user."""

    company_name = models.CharField("company name", max_length=200, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRIES, default="US")
    state = models.CharField(
        "state or territory", max_length=2, blank=True, choices=US_STATES_AND_TERRITORIES
    )
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    work_phone = models.CharField("work phone", max_length=20, blank=True)
    phone_extension = models.CharField("extension", max_length=10, blank=True)
    work_email = models.EmailField("work email", blank=True)

    CONTACT_FIELDS = (
        "company_name", "address_line1", "address_line2", "city", "country", "state",
        "zip_code", "work_phone", "phone_extension", "work_email",
    )  # fmt: skip

    class Meta:
        abstract = True

    def contact_values(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTACT_FIELDS}


class User(AbstractUser, ProfessionalContact):
    """One person, one account, one User ID (``username``)."""

    username = models.CharField("User ID", max_length=20, unique=True)
    middle_name = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    # Encrypted at rest (ADR 10). The full SSN is kept only so the digest below can be
    # recomputed under a new SSN_DIGEST_KEY; it is never shown: the last four digits are.
    date_of_birth = EncryptedDateField(null=True, blank=True)
    ssn = EncryptedTextField("SSN", blank=True, default="", editable=False)
    # The keyed digest (accounts.identity) recognises the same person registering again.
    ssn_last4 = models.CharField("SSN (last 4)", max_length=4, blank=True)
    ssn_digest = models.CharField(max_length=64, blank=True, editable=False)
    must_change_password = models.BooleanField(
        default=False, help_text="Set while the password is a temporary one."
    )
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True)
    temporary_password_used_at = models.DateTimeField(null=True, blank=True)
    # Issue 5: recovery and inactivity (accounts/recovery.py, accounts/inactivity.py).
    disabled_for_inactivity_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the daily task disabled the account; Forgot password re-enables it.",
    )
    recovery_failed_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Part of every reset link's hash: raised when too many wrong answers spend the links.
    recovery_generation = models.PositiveIntegerField(default=0, editable=False)
    # SPEC 9: set when too many sign-ins fail (accounts.lockout); the help desk may clear it.
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "user"
        constraints = [
            models.UniqueConstraint(
                fields=["ssn_digest"],
                condition=~models.Q(ssn_digest=""),
                name="one_account_per_person",
            )
        ]
        # Sign-in, Forgot User ID and the help desk find people by username__iexact and
        # email__iexact, i.e. UPPER(column) = UPPER(value): an index on that expression.
        indexes = [
            models.Index(Upper("username"), name="user_username_upper"),
            models.Index(Upper("email"), name="user_email_upper"),
        ]
        # The help desk's actions in the admin (iacs_portal.admin_actions; docs/help-desk.md).
        permissions = [
            ("unlock_user", "Can unlock an account"),
            ("reset_user_password", "Can reset a password (a new temporary one is emailed)"),
            ("resend_user_email", "Can resend the User ID and credentials emails"),
            ("disable_user", "Can disable or enable an account"),
            ("reset_two_factor", "Can reset two-factor sign-in"),
        ]

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name, self.suffix]
        return " ".join(part for part in parts if part)

    def has_authentication_answers(self) -> bool:
        return self.authentication_answers.count() >= settings.AUTH_QUESTIONS_REQUIRED

    def needs_first_login_setup(self) -> bool:
        return self.must_change_password or not self.has_authentication_answers()


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so none of the last few is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "password history"


class AuthenticationQuestion(models.Model):
    text = models.CharField(max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class AuthenticationAnswer(models.Model):
    """An answer is kept only as a salted hash of its normalised text."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authentication_answers")
    question = models.ForeignKey(AuthenticationQuestion, on_delete=models.PROTECT)
    answer_hash = models.CharField(max_length=256)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_answer_per_question")
        ]


class EmailVerification(models.Model):
    """A code sent to an email address to prove the applicant reads it.

    The code itself never touches the database: it is generated by the task that mails it,
    and only its hash is stored.
    """

    email = models.EmailField()
    code_hash = models.CharField(max_length=256, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Issue 5: a change of email from My Profile (accounts/profile.py): whose, and the address
    # it replaced, which is told of the change.
    user = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.CASCADE, related_name="email_changes"
    )
    replaces_email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"Verification of {self.email}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class LoginFailure(models.Model):
    """One failed sign-in (wrong password or wrong code) of an account, for the lockout window.

    One row per failure, so that "5 within 120 minutes" is counted exactly (ADR 7).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_failures")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "at"], name="login_failure_window")]


def authenticator_key_new() -> str:
    """20 random bytes in hex: the length RFC 4226 recommends for an HMAC-SHA1 key."""
    return secrets.token_hex(20)


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose shared key is encrypted at rest (ADR 11).

    django-otp's own ``TOTPDevice`` keeps the key in clear hex, and anyone who reads it can
    make the person's codes; this device keeps it in an ``EncryptedTextField``. Codes are 6
    digits for 30-second steps, accepted one step early or late, each once (``last_t``), and
    django-otp's throttling slows guesses. ``drift`` follows a clock that runs early or late.
    """

    step = 30
    t0 = 0
    digits = 6
    tolerance = 1
    # What an accepted code changes: the step (each code once), the drift, the throttling.
    VERIFIED_FIELDS = (
        "last_t",
        "drift",
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "last_used_at",
    )

    key = EncryptedTextField(default=authenticator_key_new, editable=False)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(
        default=-1, help_text="The time step of the last accepted code; older ones are refused."
    )

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    def get_throttle_factor(self) -> int:
        return settings.TWO_FACTOR_THROTTLE_FACTOR

    def verify_token(self, token, *, updates: RowUpdates | None = None) -> bool:
        """django-otp's check of ``token``, its outcome saved; ``updates``: an accepted code's
        changes held there, to be written with the sign-in's session (accounts.signin); a
        refused code's throttling is saved at once all the same."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        token = str(token)
        # ASCII digits only: "¹" or "٣" pass str.isdigit() but are no code (and int() refuses them).
        digits = token.isascii() and token.isdigit()
        verified = digits and totp.verify(int(token), self.tolerance, self.last_t + 1)
        if verified:
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            # Only what changed: a save of every field would encrypt the unchanged key again.
            if updates is None:
                self.save(update_fields=self.VERIFIED_FIELDS)
            else:
                updates.add(self, self.VERIFIED_FIELDS)
        else:
            self.throttle_increment(commit=False)
            self.save(update_fields=["throttling_failure_timestamp", "throttling_failure_count"])
        return verified

    @property
    def config_url(self) -> str:
        """The otpauth:// address the QR code carries, in the form authenticator apps read."""
        issuer = settings.TWO_FACTOR_ISSUER.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        params = {
            "secret": b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        return f"otpauth://totp/{label}?{urlencode(params)}&issuer={quote(issuer)}"
