from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import FIRM_ROLES, REGULATOR_ROLES, Role


def _role_choices(organization):
    allowed = REGULATOR_ROLES if organization.is_regulator else FIRM_ROLES
    return [(value, label) for value, label in Role.choices if value in allowed]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(organization)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(organization)


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )
