from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, OrganizationKind
from vendors.choices import ProviderCategory
from vendors.models import ProviderCatalog
from vendors.selectors import visible_catalog

FIRM_KINDS = [("", _("All firm kinds"))] + [c for c in OrganizationKind.choices if c[0] != "regulator"]


class SimulationForm(forms.Form):
    providers = forms.ModelMultipleChoiceField(
        label=_("Failed providers"), queryset=ProviderCatalog.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("or every provider of a category"),
                                 choices=[("", "—"), *ProviderCategory.choices], required=False)
    country = forms.RegexField(label=_("or every provider headquartered in (country)"), regex=r"^[A-Za-z]{2}$",
                               required=False, max_length=2)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=60 * 24 * 30)
    traffic_share_pct = forms.IntegerField(
        label=_("Share of the provider's traffic affected (%)"), min_value=1, max_value=100, required=False,
        help_text=_("Below 100: a partial outage. Each service shows its impact if it is in the affected share; "
                    "the expected counts are scaled by the share."))
    firm_kind = forms.ChoiceField(label=_("Firm kind"), choices=FIRM_KINDS, required=False)

    def __init__(self, *args, organization: Organization | None, **kwargs):
        super().__init__(*args, **kwargs)
        # The firm's own proposals can fail too; another firm's are not offered, nor accepted by id.
        self.fields["providers"].queryset = visible_catalog(organization)

    def clean(self):
        data = super().clean()
        if not (data.get("providers") or data.get("category") or data.get("country")):
            raise forms.ValidationError(_("Choose at least one provider, a category or a country."))
        if data.get("traffic_share_pct") is None:
            data["traffic_share_pct"] = 100
        return data


class SaveForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    shared = forms.BooleanField(label=_("Share with colleagues"), required=False)
