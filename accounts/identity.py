"""Recognising one person: name, date of birth and a keyed digest of the SSN (SPEC 1).

HMAC-SHA256 under SSN_DIGEST_KEY turns the SSN into a value that matches only the same SSN,
and that cannot be reversed by trying all billion SSNs without the key. The SSN itself is kept
only encrypted (ADR 10), so that ``manage.py rotate_ssn_digest_key`` can recompute every digest
under a new key.
"""

import hashlib
import hmac

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from .models import User


@sensitive_variables()
def ssn_digest(ssn: str) -> str:
    return hmac.new(settings.SSN_DIGEST_KEY.encode(), ssn.encode(), hashlib.sha256).hexdigest()


def account_for_ssn_digest(digest: str) -> User | None:
    """The account of the person with this SSN digest, if they have one."""
    if not digest:
        return None
    # One account per person (a unique index): no ORDER BY to compile and run, as first() adds.
    return next(iter(User.objects.filter(ssn_digest=digest).order_by()[:1]), None)
