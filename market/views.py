"""Supervisor pages: market concentration, provider drill-down, incident analysis."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from accounts.models import OrganizationKind, with_firm_names
from accounts.tenancy import supervisor_view, view_of
from market import rules, selectors, svg
from market.forms import FIRM_KINDS
from market.tuning import analytic
from vendors.models import OutageEvent, ProviderCatalog


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in dict(FIRM_KINDS) else ""


@supervisor_view
@analytic
def concentration(request):
    kind = _kind(request)
    found = selectors.concentration_tables(request.user, kind)
    providers = found["providers"]
    firms = with_firm_names(selectors.as_of_per_firm(request.user, kind), name_key="firm")
    return render(request, "market/concentration.html", {
        "kind": kind,
        "kinds": FIRM_KINDS,
        **found,
        "categories": selectors.category_hhi(request.user, kind),
        "nth": selectors.nth_party(request.user, kind),
        "firms": firms,
        "firm_rows": _firm_rows(firms),
        "chart": svg.bar_chart([(p["brand"] or p["legal_name"], p["firms"]) for p in providers[:15]],
                               title=_("Firms per provider")),
    })


def _firm_rows(firms: list[dict]):
    """The as-of table's rows, escaped and joined in Python: one row per counted firm (1,000 and more)
    cost the template engine most of the page's time; the cells are those the template wrote."""
    labels = {k: str(v) for k, v in OrganizationKind.choices}
    return format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (f["firm"], labels.get(f["firm_kind"], f["firm_kind"]),
         timezone.localtime(f["as_of"]).strftime("%Y-%m-%d %H:%M")) for f in firms))


@view_of(ProviderCatalog)
@supervisor_view
def provider_detail(request, pk):
    provider = get_object_or_404(ProviderCatalog, pk=pk)
    kind = _kind(request)
    rows = with_firm_names(selectors.provider_firms(request.user, provider.pk, kind), name_key="firm")
    for r in rows:
        r["via"] = "direct" if r["provider_id"] == provider.pk else "subcontractor"
    return render(request, "market/provider.html", {
        "provider": provider, "rows": rows, "kind": kind, "kinds": FIRM_KINDS,
        "firm_count": len({r["organization_id"] for r in rows}),
    })


@view_of(OutageEvent)
@supervisor_view
def incidents(request, pk):
    event = get_object_or_404(OutageEvent.objects.select_related("provider"), pk=pk)
    analysis = incident_analysis(request.user, event)
    return render(request, "market/incidents.html", {
        "event": event, **analysis,
        "chart": svg.bar_chart([(b["label"], b["count"]) for b in analysis["distribution"]],
                               title=_("Downtime distribution (minutes)")),
    })


def incident_analysis(user, event: OutageEvent) -> dict:
    rows = with_firm_names(selectors.event_incidents(user, event.pk), name_key="firm")
    for r in rows:
        r["flag"] = rules.declared_vs_observed(r["declared_tested_redundancy"], r["duration_minutes"],
                                               r["rto_minutes"])
    return {
        "incidents": rows,
        "firm_count": len({r["organization_id"] for r in rows}),
        "distribution": rules.downtime_distribution(r["duration_minutes"] for r in rows),
        "flagged": [r for r in rows if r["flag"]],
        "event_duration": event.duration_minutes,
    }
