"""Authenticated encryption of personal data at rest (ADR 10).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under the keys of
FIELD_ENCRYPTION_KEYS: the first key encrypts, every key decrypts, so a new key is put first and
the old ones stay until ``manage.py rotate_encryption_keys`` has re-encrypted every value.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value that no key of FIELD_ENCRYPTION_KEYS opens (or that was altered)."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: at least one key is needed.")
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "Each FIELD_ENCRYPTION_KEYS entry must be a Fernet key: 32 bytes, URL-safe base64 "
            "(generate one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)."
        ) from error


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        # Never include the token: it is personal data, if encrypted.
        raise DecryptionError(
            "A stored encrypted value could not be decrypted: its key is not in "
            "FIELD_ENCRYPTION_KEYS, or the value was altered."
        ) from None


def encrypted_with_current_key(token: str) -> bool:
    """Whether the first key opens ``token`` (so rotation can skip it)."""
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].strip().encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True
