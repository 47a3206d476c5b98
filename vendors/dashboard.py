"""The firm dashboard's register panels: SPOFs, contract ends, overdue failover tests, missing exit plans."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import dashboard
from vendors import selectors

MAX_ROWS = 10


def _url(name: str, pk: int) -> str:
    # The web pages may not be wired yet (or renamed): a panel without links beats a broken dashboard.
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _panel(key: str, title: str, rows: list[dict], total: int, empty: str, bad: bool) -> dict:
    tone = "ok" if not total else ("bad" if bad else "warn")
    return {"key": key, "title": title, "count": total, "rows": rows[:MAX_ROWS], "empty": empty, "tone": tone}


def _spofs(request_or_org) -> list:
    """The firm's SPOFs once per request: the panel and the chart read the same list."""
    organization = getattr(request_or_org, "organization", request_or_org)
    cached = getattr(request_or_org, "_dashboard_spofs", None)
    if cached is None:
        cached = selectors.single_points_of_failure(organization)
        if request_or_org is not organization:
            request_or_org._dashboard_spofs = cached
    return cached


def spof_panel(organization, spofs: list | None = None) -> dict:
    findings = spofs if spofs is not None else selectors.single_points_of_failure(organization)
    rows = [
        {
            "label": f"{f.service_name} → {f.vendor_name}",
            "url": _url("vendors:dependency_detail", f.dependency_id),
            "detail": f.message,
        }
        for f in findings
    ]
    return _panel("spof", _("Single points of failure"), rows, len(findings),
                  _("No single point of failure among your T1 and T2 dependencies."), bad=True)


def contracts_panel(organization) -> dict:
    vendors = list(selectors.contracts_ending_within(organization, days=90))
    rows = [
        {"label": v.name, "url": _url("vendors:vendor_detail", v.pk),
         "detail": _("contract ends %(date)s") % {"date": v.contract_end.isoformat()}}
        for v in vendors
    ]
    return _panel("contracts_ending", _("Contracts ending within 90 days"), rows, len(vendors),
                  _("No contract ends in the next 90 days."), bad=False)


def overdue_panel(organization) -> dict:
    overdue = selectors.failover_tests_overdue(organization)
    rows = [
        {
            "label": f"{dep.service.name} → {dep.vendor.name}",
            "url": _url("vendors:dependency_detail", dep.pk),
            "detail": (_("%(tier)s, last passed test %(date)s") % {"tier": dep.tier, "date": last.isoformat()})
            if last else _("%(tier)s, never passed a failover test") % {"tier": dep.tier},
        }
        for dep, last in overdue
    ]
    return _panel("failover_overdue", _("Failover tests overdue"), rows, len(overdue),
                  _("Every T1 and T2 dependency has a passed failover test within its interval."), bad=True)


def exit_plan_panel(organization) -> dict:
    vendors = list(selectors.critical_vendors_without_exit_plan(organization))
    rows = [{"label": v.name, "url": _url("vendors:vendor_detail", v.pk),
             "detail": ngettext("no exit plan", "no exit plan", 1)} for v in vendors]
    return _panel("exit_plans", _("Critical vendors without an exit plan"), rows, len(vendors),
                  _("Every vendor with a T1 dependency has an exit plan."), bad=True)


@dashboard.register
def vendor_panels(request) -> list[dict]:
    organization = getattr(request, "organization", None)
    if organization is None or getattr(request, "is_supervisor", False) or organization.is_regulator:
        return []
    return [spof_panel(organization, _spofs(request)), contracts_panel(organization), overdue_panel(organization),
            exit_plan_panel(organization)]


# --- charts: a picture where one beats a list ------------------------------------------------------

TIMELINE_DAYS = 365
TIER_COLOURS = {"T1": "#b42318", "T2": "#dc6803", "T3": "#1d4ed8", "T4": "#98a2b3"}


def _month_names() -> list[str]:
    from django.utils.dates import MONTHS_3
    from django.utils.text import capfirst

    return [str(capfirst(MONTHS_3[m])) for m in range(1, 13)]


def spof_chart(request) -> dict:
    from collections import Counter

    from market import svg

    counts = Counter(f.service_name for f in _spofs(request)).most_common(10)
    title = _("Single points of failure by service")
    return {"order": 10, "key": "spof_by_service", "title": title, "rows": counts,
            "url": _list_url("vendors:dependency_list"),
            "svg": svg.bar_chart(counts, title=title, colours=["#b42318"] * len(counts)),
            "empty": _("No single point of failure among your T1 and T2 dependencies.")}


def tier_chart(organization) -> dict:
    from django.db.models import Case, Count, F, When

    from market import svg
    from vendors.choices import Tier
    from vendors.models import Dependency

    tiers = dict(
        Dependency.objects.for_org(organization)
        .annotate(shown=Case(When(tier_override="", then=F("computed_tier")), default=F("tier_override")))
        .values_list("shown").annotate(n=Count("id")).values_list("shown", "n")
    )
    rows = [(label, tiers.get(value, 0)) for value, label in Tier.choices]
    title = _("Dependencies by tier")
    return {"order": 20, "key": "tiers", "title": title, "rows": rows, "url": _list_url("vendors:dependency_list"),
            "svg": svg.bar_chart(rows, title=title, colours=[TIER_COLOURS[v] for v in Tier.values])
            if any(n for _label, n in rows) else "",
            "empty": _("No dependency registered yet.")}


def contract_timeline(organization) -> dict:
    from market import svg

    today = timezone.localdate()
    vendors = list(selectors.contracts_ending_within(organization, days=TIMELINE_DAYS)[:12])
    rows = [(v.name, v.contract_end) for v in vendors]
    title = _("Contracts ending in the next 12 months")
    return {"order": 40, "key": "contract_timeline", "title": title, "url": _list_url("vendors:vendor_list"),
            "rows": [(name, end.isoformat()) for name, end in rows],
            "svg": svg.date_timeline(rows, start=today, days=TIMELINE_DAYS, title=title, month_names=_month_names()),
            "empty": _("No contract ends in the next 12 months.")}


def _list_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@dashboard.register_chart
def vendor_charts(request) -> list[dict]:
    organization = getattr(request, "organization", None)
    if organization is None or getattr(request, "is_supervisor", False) or organization.is_regulator:
        return []
    return [spof_chart(request), tier_chart(organization), contract_timeline(organization)]
