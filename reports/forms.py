"""Forms of the reports app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Register workbook (.xlsx)"),
        help_text=_("Fill in the template; at most 20 MB and 50,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
