"""Stored choice codes as a reader's labels: one table of which choices a code belongs to.

Pages that read rows without their model (snapshots, market figures, saved simulations) keep codes such as
``manual_workaround`` or ``cdn_security``; they show them through ``choice_label`` (the ``label`` template
filter in ``core/templatetags/labels.py``), so the label comes from the choices class and its catalogue entry.
"""

from __future__ import annotations

from accounts.models import OrganizationKind
from compliance.choices import Response
from vendors.choices import DataLocation, Importance, ProviderCategory, Strategy, TestResult

CHOICES = {
    "category": ProviderCategory,
    "data_location": DataLocation,
    "firm_kind": OrganizationKind,
    "importance": Importance,
    "response": Response,
    "strategy": Strategy,
    "test_result": TestResult,
}


def choice_label(kind: str, code: str | None) -> str:
    """The label of ``code`` among the ``kind`` choices, in the active language; an unknown code as it is."""
    if not code:
        return ""
    labels = dict(CHOICES[kind].choices)
    return str(labels[code]) if code in labels else str(code)
