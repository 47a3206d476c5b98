"""The "new export" form: kind, the assessment (for the audit workbook, scoped to the firm), language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reports.models import ExportKind


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportKind.choices)
    assessment = forms.ModelChoiceField(label=_("Assessment"), queryset=None, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from compliance.models import Assessment

        # Scoped: another firm's assessment is not a valid choice (and the list fails closed).
        self.fields["assessment"].queryset = Assessment.objects.for_org(organization).select_related("framework")
        # Each side sees only the exports it may ask for (kinds.clean_parameters enforces the same).
        from reports.exports.kinds import SPECS, offered

        regulator = bool(organization and organization.is_regulator)
        # Kinds started from their object's page (a saved simulation) are valid here but not listed.
        self.fields["kind"].choices = [(value, text) for value, text in ExportKind.choices
                                       if organization is not None and offered(value, organization)]
        self.fields["kind"].widget.choices = [(v, t) for v, t in self.fields["kind"].choices if SPECS[v].on_form]
        if regulator:
            del self.fields["assessment"]  # a regulator has no assessments of its own to export

    def clean(self):
        data = super().clean()
        if data.get("kind") == ExportKind.AUDIT_WORKBOOK and not data.get("assessment"):
            self.add_error("assessment", _("Choose the assessment to export."))
        return data

    def parameters(self) -> dict:
        assessment = self.cleaned_data.get("assessment")
        if self.cleaned_data["kind"] == ExportKind.AUDIT_WORKBOOK and assessment is not None:
            return {"assessment": assessment.pk}
        # An export started from a page carries that page's filters as param_<name> (the queue's status,
        # assignee…, the concentration page's firm kind); kinds.clean_parameters keeps only what the kind knows.
        return {key.removeprefix("param_"): value for key, value in self.data.items() if key.startswith("param_")}
