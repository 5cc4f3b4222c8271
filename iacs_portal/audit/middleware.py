"""Remembers the client's address for the length of a request, so that services deep in the
stack can record it in the audit trail without being handed the request."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def current_client_address() -> str | None:
    """The address of the request being served; None outside a request (tasks, commands)."""
    return _client_address.get()


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address_of(request) -> str | None:
    """REMOTE_ADDR, unless AUDIT_TRUSTED_PROXY_HEADER names the header our own proxy sets.

    A client can send any X-Forwarded-For it likes, so a header is believed only when the
    setting says our proxy writes it; then its last entry is taken, being the one that proxy
    appended.
    """
    header = getattr(settings, "AUDIT_TRUSTED_PROXY_HEADER", "")
    if header:
        key = header.upper().replace("-", "_")
        if not key.startswith("HTTP_"):
            key = f"HTTP_{key}"
        forwarded = request.META.get(key, "")
        if forwarded and (address := _valid(forwarded.split(",")[-1])):
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(client_address_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)
