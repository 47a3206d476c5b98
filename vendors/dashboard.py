"""The firm dashboard's register panels: SPOFs, contract ends, overdue failover tests, missing exit plans."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
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


def spof_panel(organization) -> dict:
    findings = selectors.single_points_of_failure(organization)
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
    return [spof_panel(organization), contracts_panel(organization), overdue_panel(organization),
            exit_plan_panel(organization)]
