from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.api_tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS
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


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the script using it.")
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_LIFETIME_DAYS, initial=DEFAULT_LIFETIME_DAYS
    )
    otp_code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["otp_code"].required = True
        else:
            del self.fields["otp_code"]


class InvitationAnswerForm(forms.Form):
    """The invitee accepts or declines; the inviting firm's admin may withdraw."""

    decision = forms.ChoiceField(label=_("Answer"))
    make_default = forms.BooleanField(
        label=_("Make this my default organisation"),
        required=False,
        help_text=_("Otherwise you keep starting in the organisation you work in now."),
    )
    switch_now = forms.BooleanField(label=_("Switch to this organisation now"), required=False)

    def __init__(self, *args, is_invitee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if is_invitee:
            self.fields["decision"].choices = [("accept", _("Accept")), ("decline", _("Decline"))]
        else:
            self.fields["decision"].choices = [("revoke", _("Withdraw the invitation"))]
            del self.fields["make_default"]
            del self.fields["switch_now"]
