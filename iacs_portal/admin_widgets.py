"""Admin widgets made accessible where Django's are not.

Django's ``AdminSplitDateTime`` (a date and time field) prints "Date:" and "Time:" as plain text
beside two inputs that have no label: the field's own <label> names neither box, since a
``MultiWidget`` has no single input for it to point at (axe: label, WCAG 1.3.1 and 4.1.2). Here
each box is named after its field and its part, "Granted at: date", so it is clear which of a
form's several date boxes a screen reader is in; the visible "Date:" stays part of that name
(WCAG 2.5.3). A <label> element would do, but the admin's CSS lays out every label of an aligned
form as a 160-pixel column.
"""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils.text import capfirst


class LabelledSplitDateTime(AdminSplitDateTime):
    def __init__(self, label: str, attrs=None):
        super().__init__(attrs)
        date, time = self.widgets
        date.attrs["aria-label"] = f"{capfirst(label)}: date"
        time.attrs["aria-label"] = f"{capfirst(label)}: time"


class LabelledDateTimeAdmin:
    """A ModelAdmin mixin: its date and time fields use ``LabelledSplitDateTime``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("widget", LabelledSplitDateTime(str(db_field.verbose_name)))
        return super().formfield_for_dbfield(db_field, request, **kwargs)
