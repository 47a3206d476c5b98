from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outages.models import LiveOutage, ResponseState, Severity, StatusFeed


class FeedForm(forms.ModelForm):
    class Meta:
        model = StatusFeed
        fields = ["provider", "format", "url", "enabled"]

    def __init__(self, *args, **kwargs):
        from vendors.selectors import regulator_catalog

        super().__init__(*args, **kwargs)
        # Published providers only: a firm's pending proposal is not a provider yet.
        self.fields["provider"].queryset = regulator_catalog().filter(status="published")


class OutageEditForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    components = forms.CharField(label=_("affected components"), required=False, widget=forms.Textarea,
                                 help_text=_("One per line."))
    started_at = forms.DateTimeField(label=_("start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    @classmethod
    def for_outage(cls, outage: LiveOutage, data=None):
        initial = {"title": outage.title, "severity": outage.severity, "components": "\n".join(outage.components),
                   "started_at": timezone.localtime(outage.started_at).strftime("%Y-%m-%dT%H:%M")}
        return cls(data, initial=initial)

    def clean_components(self) -> list[str]:
        lines = [line.strip()[:300] for line in self.cleaned_data["components"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))[:200]

    def clean_started_at(self):
        value = self.cleaned_data["started_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("The start cannot be in the future."))
        return value


class ResolveForm(forms.Form):
    ended_at = forms.DateTimeField(label=_("end"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   help_text=_("Empty: the end the feed proposed."))


class MarkForm(forms.Form):
    """'Failed over at HH:MM' or 'degraded': the time is today's (local), or yesterday's if that is later than now."""

    state = forms.ChoiceField(label=_("state"), choices=[(ResponseState.FAILED_OVER, ResponseState.FAILED_OVER.label),
                                                         (ResponseState.DEGRADED, ResponseState.DEGRADED.label)])
    at = forms.TimeField(label=_("at (HH:MM)"), required=False, input_formats=["%H:%M"],
                         widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    notes = forms.CharField(label=_("notes"), required=False, max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("at")
        if value is None:
            return None
        now = timezone.localtime()
        moment = now.replace(hour=value.hour, minute=value.minute, second=0, microsecond=0)
        return moment - datetime.timedelta(days=1) if moment > now else moment
