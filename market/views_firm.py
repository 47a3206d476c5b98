"""The firm's own concentration analytics, on its live register (drafts included: its own view)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.labels import choice_label
from market import rules, svg
from vendors.selectors import visible_catalog


@login_required
def my_concentration(request):
    # Supervisors' organisation is the regulator: it has no register, and for_org would give nothing.
    if request.organization is None or getattr(request, "is_supervisor", False):
        raise Http404
    from review.snapshot import register_rows

    rows, _incidents = register_rows(request.organization, timezone.localdate())
    ids = {r["provider_id"] for r in rows} | {s for r in rows for s in r.get("subcontractor_ids") or ()}
    catalog = {p.pk: p for p in visible_catalog(request.organization).filter(pk__in=ids)}
    found = rules.firm_concentration(rows, {pk: p.legal_name for pk, p in catalog.items()})
    for r in found["providers"]:
        r["provider"] = catalog.get(r["key"])
    for n in found["nth"]:
        n["provider"] = catalog.get(n["provider_id"])
    return render(request, "market/my_concentration.html", {
        **found,
        "as_of": timezone.now(),
        "chart": svg.bar_chart([(str(r["provider"] or r["key"]), r["dependencies"]) for r in found["providers"][:15]],
                               title=_("Dependencies per provider")),
        "hhi_chart": svg.bar_chart([(choice_label("category", c["category"]), c["hhi"]) for c in found["categories"]],
                                   title=_("HHI of critical dependencies per category")),
    })
