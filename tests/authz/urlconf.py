"""Every pattern of the URL configuration, found by walking the resolver (includes and the
admin's per-model URLs, its staff actions too): what the authorization matrix must cover."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # the whole route, prefixes joined: "approvals/<str:tracking_number>/"
    name: str | None  # namespaced: "approvals:detail"; None for an unnamed pattern

    @property
    def key(self) -> str:
        """How the tables of ``expectations`` name it: its name, or its route if it has none."""
        return self.name or self.route

    def __str__(self) -> str:
        return f"{self.route!r} (name {self.name!r})" if self.name else repr(self.route)


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(route=route, name=name)


def url_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))
