"""The firm dashboard's findings chart: open findings by severity, each bar linking to the filtered list."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from compliance.choices import Severity
from compliance.selectors import open_findings
from core import dashboard

SEVERITY_COLOURS = {"critical": "#7a271a", "high": "#b42318", "medium": "#dc6803", "low": "#98a2b3"}


def findings_chart(organization) -> dict:
    from market import svg

    counts = dict(open_findings(organization).order_by().values_list("severity").annotate(n=Count("id"))
                  .values_list("severity", "n"))
    rows = [(label, counts.get(value, 0)) for value, label in Severity.choices]
    title = _("Open findings by severity")
    return {"order": 30, "key": "findings_by_severity", "title": title, "rows": rows,
            "url": reverse("compliance:finding_list"),
            "svg": svg.bar_chart(rows, title=title, colours=[SEVERITY_COLOURS[v] for v in Severity.values])
            if any(n for _label, n in rows) else "",
            "empty": _("No open finding.")}


@dashboard.register_chart
def compliance_charts(request) -> list[dict]:
    organization = getattr(request, "organization", None)
    if organization is None or getattr(request, "is_supervisor", False) or organization.is_regulator:
        return []
    return [findings_chart(organization)]
