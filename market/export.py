"""A saved simulation as an .xlsx file (openpyxl write-only; every cell through safe_value)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from market.labels import OUTCOME_LABELS
from market.models import SavedSimulation
from reports.workbooks.cells import safe_row
from vendors.reporting import REASONS


def _report(service: dict) -> str:
    if not service.get("reportable"):
        return str(REASONS.get(service.get("report_reason", ""), ""))
    return _("Reportable: initial report within %(hours)s h of detection") % {"hours": service["report_due_hours"]}


def simulation_workbook(sim: SavedSimulation) -> bytes:
    results = sim.results or {}
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_("Summary"))
    summary.append(safe_row(summary, [_("Simulation"), sim.name]))
    summary.append(safe_row(summary, [_("Failed providers"), ", ".join(f["name"] for f in results.get("failed", []))]))
    summary.append(safe_row(summary, [_("Duration (minutes)"), results.get("duration_minutes")]))
    summary.append(safe_row(summary, [_("Share of the provider's traffic affected (%)"),
                                      results.get("traffic_share_pct", 100)]))
    summary.append(safe_row(summary, [_("Computed at"), results.get("computed_at", "")]))
    summary.append([])
    summary.append(safe_row(summary, [_("Firm kind"), *OUTCOME_LABELS.values()]))
    for kind, totals in results.get("totals", {}).items():
        summary.append(safe_row(summary, [kind, *(totals.get(k, 0) for k in OUTCOME_LABELS)]))

    breaching = wb.create_sheet(_("Firms breaching RTO"))
    breaching.append(safe_row(breaching, [_("Firm"), _("Firm kind"), _("As of"), _("Service"), _("RTO (min)"),
                                          _("Downtime (min)")]))
    for firm in results.get("breaching", []):
        for s in firm["services"]:
            breaching.append(safe_row(breaching, [firm["firm_name"], firm["firm_kind"], firm.get("as_of", ""),
                                                  f'{s["reference"]} {s["name"]}', s["rto_minutes"],
                                                  s["downtime_minutes"]]))

    services = wb.create_sheet(_("Services"))
    services.append(safe_row(services, [_("Firm"), _("Firm kind"), _("As of"), _("Service"), _("Importance"),
                                        _("RTO (min)"), _("Impact"), _("Downtime (min)"),
                                        _("Report to the FSS (EFSR Art. 73)"), _("Reason")]))
    for s in results.get("services", []):
        reason = "; ".join(
            f'{r["vendor_name"]} ({r["hit_via"]}): {r["reason"]}, {r["strategy"]}, '
            f'test {r.get("last_test_on") or "-"} {r.get("last_test_result") or ""}'
            for r in s.get("reasons", [])
        )
        services.append(safe_row(services, [
            s["firm_name"], s["firm_kind"], s.get("as_of", ""), f'{s["service_reference"]} {s["service_name"]}',
            s["importance"], s["rto_minutes"], OUTCOME_LABELS.get(s["outcome"], s["outcome"]),
            s["downtime_minutes"], _report(s), reason,
        ]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
