"""Web forms of assessments, answers, evidence and findings.

Choices that point at firm data (vendors, members) are narrowed to the active firm; an unscoped
queryset would fail closed anyway. Edit forms carry the row's ``version`` so a stale save is refused
by the service (core.concurrency) instead of overwriting someone else's work.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from compliance import services
from compliance.choices import FindingStatus, Response, Scope
from compliance.models import Assessment, Finding, Framework, Requirement
from vendors.forms import DATE, TEXT, RegisterForm, firm_editors, firm_members
from vendors.models import Vendor


class AssessmentForm(RegisterForm):
    """Create: the checklist version and scope decide which requirements apply, so they are fixed
    afterwards (editing keeps title, period, owner and due date only)."""

    class Meta:
        model = Assessment
        fields = ["framework", "scope", "vendor", "title", "period_start", "period_end", "owner", "due_date"]
        widgets = {"period_start": DATE, "period_end": DATE, "due_date": DATE}

    def __init__(self, *args: Any, organization: Organization | None, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        if self.instance.pk:
            for name in ("framework", "scope", "vendor"):
                del self.fields[name]

    def scope(self, organization: Organization | None) -> None:
        if "framework" in self.fields:
            self.fields["framework"].queryset = Framework.objects.filter(published_at__isnull=False)
            self.fields["vendor"].queryset = Vendor.objects.for_org(organization).order_by("name")
            self.fields["vendor"].help_text = _("Only for a vendor assessment.")
        self.fields["owner"].queryset = firm_members(organization).order_by("email")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        framework, scope, vendor = data.get("framework"), data.get("scope"), data.get("vendor")
        if framework is not None and framework.scope == Scope.VENDOR and scope == Scope.FIRM:
            self.add_error("scope", _("This checklist is answered for one vendor."))
        if scope == Scope.VENDOR and "vendor" in self.fields and vendor is None:
            self.add_error("vendor", _("Choose the vendor this assessment is about."))
        return data


class AnswerForm(forms.Form):
    """One requirement's answer. Prefixed per requirement so a page can hold many of them.

    N/A is refused here with the same wording as the service (a knock-out only where its checklist
    allows it), so the user sees why next to the choice rather than after a round trip.
    """

    response = forms.ChoiceField(label=_("Response"), choices=Response.choices, widget=forms.RadioSelect)
    na_reason = forms.CharField(
        label=_("Reason it does not apply"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version of the answer this user started from; empty when there was no answer yet.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, requirement: Requirement, **kwargs: Any) -> None:
        self.requirement = requirement
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("response") == Response.NOT_APPLICABLE:
            for name, message in services.not_applicable_refusal(self.requirement, data.get("na_reason", "")).items():
                self.add_error(name, message)
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))

    def clean_file(self):
        # The service checks the content type by the bytes; the size is refused here before reading.
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
            )
        return upload


class FindingForm(RegisterForm):
    class Meta:
        model = Finding
        fields = [
            "title", "description", "severity", "owner", "due_date", "remediation_plan", "status",
            "risk_accepted_by", "risk_acceptance_expires_on",
        ]
        widgets = {
            "due_date": DATE, "risk_acceptance_expires_on": DATE, "description": TEXT, "remediation_plan": TEXT,
        }

    def scope(self, organization: Organization | None) -> None:
        self.fields["owner"].queryset = firm_members(organization).order_by("email")
        self.fields["risk_accepted_by"].queryset = firm_editors(organization).order_by("email")
        self.fields["risk_accepted_by"].help_text = _("Needed when the risk is accepted.")
        self.fields["risk_acceptance_expires_on"].help_text = _("Needed when the risk is accepted.")

    def clean(self) -> dict[str, Any]:
        from compliance.findings import risk_acceptance_errors

        data = super().clean()
        errors = risk_acceptance_errors(data.get("status"), data.get("risk_accepted_by"),
                                        data.get("risk_acceptance_expires_on"))
        for field, message in errors.items():
            self.add_error(field, message)
        return data


class FindingStatusForm(forms.Form):
    """The detail page's status change: only the moves the lifecycle allows (findings.TRANSITIONS)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"))
    risk_accepted_by = forms.ModelChoiceField(
        label=_("Risk accepted by"), queryset=Finding.objects.none(), required=False,
        help_text=_("Needed when the risk is accepted."),
    )
    risk_acceptance_expires_on = forms.DateField(
        label=_("Risk acceptance expires on"), required=False, widget=DATE,
        help_text=_("Needed when the risk is accepted."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)

    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        from compliance.findings import allowed_transitions

        super().__init__(*args, **kwargs)
        self.fields["version"].initial = finding.version
        self.fields["status"].choices = [(s, FindingStatus(s).label) for s in allowed_transitions(finding.status)]
        self.fields["risk_accepted_by"].queryset = firm_editors(finding.organization).order_by("email")

    def clean(self) -> dict[str, Any]:
        from compliance.findings import risk_acceptance_errors

        data = super().clean()
        errors = risk_acceptance_errors(data.get("status"), data.get("risk_accepted_by"),
                                        data.get("risk_acceptance_expires_on"))
        for field, message in errors.items():
            self.add_error(field, message)
        return data


class ChecklistUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in checklist (.xlsx)"))
