"""Register forms: ModelForms whose choices are scoped to the active firm.

Foreign keys to firm data are narrowed with ``for_org`` (an unscoped queryset would fail closed
anyway); catalog choices show the published providers plus the firm's own proposals. Edit forms
carry the row's ``version`` so the service can refuse a stale save (core.concurrency).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, User
from accounts.roles import EDITOR_ROLES
from vendors.models import (
    BusinessService,
    Dependency,
    FailoverTest,
    Incident,
    OutageEvent,
    ProviderCatalog,
    RedundancyMeasure,
    Vendor,
)
from vendors.selectors import linkable_catalog

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def catalog_choices(organization: Organization | None) -> QuerySet[ProviderCatalog]:
    """Published providers, plus what this firm proposed and is still waiting for."""
    return linkable_catalog(organization)


def firm_editors(organization: Organization | None) -> QuerySet[User]:
    """Users who may approve or own register entries: the firm's officers and admins."""
    members = Membership.objects.for_org(organization).filter(role__in=EDITOR_ROLES).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


def firm_members(organization: Organization | None) -> QuerySet[User]:
    members = Membership.objects.for_org(organization).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


class RegisterForm(forms.ModelForm):
    """Base: scopes choices to the firm and adds the hidden version on edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organization: Organization | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
        self.scope(organization)

    def scope(self, organization: Organization | None) -> None:
        """Narrow each relation's choices; subclasses list theirs."""

    def clean_reference(self) -> Any:
        # The service checks this too (vendors.services._check_reference); checking here as well puts a
        # duplicate on the reference field together with the other errors, not alone after they are fixed.
        ref = self.cleaned_data.get("reference")
        model = self._meta.model
        if ref and self.organization is not None and model.objects.for_org(self.organization).filter(
                reference=ref).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another record of your firm already uses this reference."))
        return ref

    @property
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The visible fields grouped by ``FIELDSETS`` ((legend, names), ...); one unnamed group without it."""
        groups = getattr(self, "FIELDSETS", None)
        if not groups:
            return [("", list(self.visible_fields()))]
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in groups]

    def service_data(self) -> dict[str, Any]:
        """The cleaned model fields, as the service functions take them."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        data.pop("version", None)
        return data


class PickerWidget(forms.CheckboxSelectMultiple):
    """A searchable list of checkboxes (static/js/app.js filters it as one types; without script it is
    still a plain, scrollable list), instead of a Ctrl-click <select multiple> of every provider."""

    picker = True  # templates/partials/form_fields.html draws it with its search box


class VendorForm(RegisterForm):
    FIELDSETS = [
        (_("Identity"), ["reference", "catalog", "name", "category", "status", "owner"]),
        (_("Contract"), ["contract_reference", "contract_start", "contract_end", "notice_period_days",
                         "audit_rights", "supervisory_access", "exit_clause", "priority_contract"]),
        (_("Data and location"), ["jurisdiction", "data_location", "data_region", "shares_personal_credit",
                                  "shares_unique_id", "shares_transaction_data", "shares_crypto_keys",
                                  "subcontractors", "undisclosed_subcontractors"]),
        (_("Exit"), ["exit_plan_exists", "exit_plan_reviewed_on", "exit_plan_target", "exit_plan_in_house",
                     "exit_plan_duration_days"]),
    ]

    class Meta:
        model = Vendor
        fields = [
            "reference", "catalog", "name", "category", "status", "owner",
            "jurisdiction", "data_location", "data_region",
            "shares_personal_credit", "shares_unique_id", "shares_transaction_data", "shares_crypto_keys",
            "contract_reference", "contract_start", "contract_end", "notice_period_days",
            "audit_rights", "supervisory_access", "exit_clause", "priority_contract",
            "subcontractors", "undisclosed_subcontractors",
            "exit_plan_exists", "exit_plan_reviewed_on", "exit_plan_target", "exit_plan_in_house",
            "exit_plan_duration_days",
        ]
        widgets = {"contract_start": DATE, "contract_end": DATE, "exit_plan_reviewed_on": DATE,
                   "subcontractors": PickerWidget}

    def scope(self, organization: Organization | None) -> None:
        catalog = catalog_choices(organization)
        self.fields["catalog"].queryset = catalog
        # "공급업체" is the firm's own vendor (this form); the catalog entry behind it is the provider.
        self.fields["catalog"].label = _("Provider (catalog entry)")
        self.fields["exit_plan_target"].queryset = catalog
        self.fields["subcontractors"].queryset = catalog
        self.fields["owner"].queryset = firm_members(organization)


class ServiceForm(RegisterForm):
    class Meta:
        model = BusinessService
        fields = [
            "reference", "name", "description", "importance", "is_core_business", "customer_facing",
            "trading_path", "rto_minutes", "rpo_minutes", "max_tolerable_downtime_minutes", "customers_affected",
        ]
        widgets = {"description": TEXT}


class DependencyForm(RegisterForm):
    class Meta:
        model = Dependency
        fields = [
            "service", "vendor", "role", "substitutability", "failure_stops_service", "processes_shared_data", "notes",
        ]
        widgets = {"notes": TEXT}

    def scope(self, organization: Organization | None) -> None:
        self.fields["service"].queryset = BusinessService.objects.for_org(organization)
        self.fields["vendor"].queryset = Vendor.objects.for_org(organization)


class TierOverrideForm(RegisterForm):
    """The recorded override of a computed tier (value, reason, approver; minutes to move T1 down)."""

    class Meta:
        model = Dependency
        fields = ["tier_override", "tier_override_reason", "tier_override_approver", "tier_override_minutes_ref"]
        widgets = {"tier_override_reason": TEXT}

    def scope(self, organization: Organization | None) -> None:
        self.fields["tier_override_approver"].queryset = firm_editors(organization)


class MeasureForm(RegisterForm):
    class Meta:
        model = RedundancyMeasure
        fields = [
            "strategy", "alternate_provider", "alternate_in_house", "expected_switch_minutes",
            "runbook_reference", "shared_upstreams", "notes",
        ]
        widgets = {"notes": TEXT}

    def __init__(self, *args: Any, dependency: Dependency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's clean() compares the alternate with the primary, so it needs the dependency.
        self.instance.dependency = dependency

    def scope(self, organization: Organization | None) -> None:
        catalog = catalog_choices(organization)
        self.fields["alternate_provider"].queryset = catalog
        self.fields["shared_upstreams"].queryset = catalog


class FailoverTestForm(RegisterForm):
    class Meta:
        model = FailoverTest
        fields = ["tested_on", "scenario", "result", "achieved_recovery_minutes", "evidence", "notes"]
        widgets = {"tested_on": DATE, "notes": TEXT}

    def __init__(self, *args: Any, measure: RedundancyMeasure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        # An untouched file field keeps the stored file (and its hash); a cleared one drops both.
        if "evidence" not in self.changed_data:
            data.pop("evidence", None)
        elif not data.get("evidence"):
            data["evidence"] = ""
            data["evidence_sha256"] = ""
        return data


class IncidentForm(RegisterForm):
    class Meta:
        model = Incident
        fields = [
            "reference", "provider", "vendor", "outage_event", "started_at", "detected_at", "ended_at",
            "affected_services",
            "users_affected", "customer_impact", "reported_to_supervisor_at", "root_cause", "actions",
        ]
        widgets = {
            "started_at": DATETIME, "detected_at": DATETIME, "ended_at": DATETIME,
            "reported_to_supervisor_at": DATETIME,
            "customer_impact": TEXT, "root_cause": TEXT, "actions": TEXT,
        }

    def scope(self, organization: Organization | None) -> None:
        self.fields["provider"].queryset = catalog_choices(organization)
        self.fields["vendor"].queryset = Vendor.objects.for_org(organization)
        self.fields["affected_services"].queryset = BusinessService.objects.for_org(organization)
        self.fields["outage_event"].queryset = OutageEvent.objects.select_related("provider")
        for name in ("started_at", "detected_at", "ended_at", "reported_to_supervisor_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ProposeProviderForm(forms.ModelForm):
    """A firm proposes a provider missing from the catalog; a lead supervisor curates it."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = ProviderCatalog
        fields = ["legal_name", "name_ko", "brand", "country", "category", "website", "lei", "description_en"]
        help_texts = {"country": _("Two-letter ISO code, e.g. KR or US.")}
        widgets = {"description_en": TEXT}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["key"] = proposal_key(data.get("brand") or data.get("legal_name") or "")
        return data


def proposal_key(name: str) -> str:
    """A free catalog key for a proposal (keys are unique; Korean-only names slug to nothing)."""
    base = (slugify(name) or "provider")[:48].strip("-") or "provider"
    taken = set(ProviderCatalog.objects.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
