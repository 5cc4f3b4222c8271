"""A panel of My Profile: a template and its context, contributed by another app."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict = field(default_factory=dict)
