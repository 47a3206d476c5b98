"""The audit log's filters: a date range, the actor, the kind of object, the action and free text.

Choices are what the firm's own log holds (the actors and object kinds it has seen), so a filter can
never name another firm's people; an unknown value is a field error, never a silent "all rows".
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.readable import kind_label

DATE = forms.DateInput(attrs={"type": "date"})


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    kind = forms.ChoiceField(label=_("Object kind"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args: Any, events: QuerySet[AuditEvent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actors = events.order_by("actor_email").values_list("actor_email", flat=True).distinct()
        self.fields["actor"].choices = [("", _("Everyone"))] + [(a, a) for a in actors if a]
        kinds = events.order_by("object_type").values_list("object_type", flat=True).distinct()
        labelled = sorted(((k, kind_label(k)) for k in kinds if k), key=lambda pair: str(pair[1]))
        self.fields["kind"].choices = [("", _("All kinds")), *labelled]
        self.fields["action"].choices = [("", _("All actions")), *AuditEvent.Action.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events matching the valid filters (an invalid one is shown as an error and not applied)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            events = events.filter(created_at__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tz))
        if data.get("date_to"):
            end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tz)
            events = events.filter(created_at__lt=end)
        if data.get("actor"):
            events = events.filter(actor_email=data["actor"])
        if data.get("kind"):
            events = events.filter(object_type=data["kind"])
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("q"):
            events = events.filter(object_repr__icontains=data["q"])
        return events

    @property
    def active(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields) if hasattr(self, "cleaned_data") else False
