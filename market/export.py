"""A saved simulation as an .xlsx file, written like every other Backstop workbook (reports.workbooks):
typed columns with widths, frozen and filtered headers, print setup, times in the workbooks' zone, and
labels in the reader's language instead of the rules' codes."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from accounts.models import OrganizationKind, with_firm_names
from market.labels import OUTCOME_LABELS, REASON_LABELS, VIA_LABELS
from market.models import SavedSimulation
from reports.workbooks.base import BAD, Column, SheetWriter, key_value_sheet, new_workbook
from reports.workbooks.labels import choice_labels
from vendors.choices import Importance, Strategy, TestResult
from vendors.reporting import REASONS

BREACHING_COLUMNS = [
    Column("Firm", width="name"), Column("Firm kind"), Column("As of", "datetime"), Column("Service", width="name"),
    Column("RTO (min)", "int"), Column("Downtime (min)", "int"),
]


def _service_columns() -> list[Column]:
    # Built per workbook: the highlighted text is the outcome's label in the workbook's language.
    return [
        Column("Firm", width="name"), Column("Firm kind"), Column("As of", "datetime"),
        Column("Service", width="name"), Column("Importance", width="code"), Column("RTO (min)", "int"),
        Column("Impact", width="name", highlight={str(OUTCOME_LABELS["lost_beyond_rto"]): BAD}),
        Column("Downtime (min)", "int"), Column("Report to the FSS (EFSR Art. 73)", "long", width=40),
        Column("Reason", "long", width=80),
    ]


def _report(service: dict) -> str:
    if not service.get("reportable"):
        return str(REASONS.get(service.get("report_reason", ""), ""))
    return _("Reportable: initial report within %(hours)s h of detection") % {"hours": service["report_due_hours"]}


def _moment(value: Any) -> datetime.datetime | datetime.date | None:
    """A stored ISO text back as the date-time (or date) it was, so it is written in the workbooks' zone."""
    if not isinstance(value, str) or not value:
        return value or None
    return parse_datetime(value) or parse_date(value)


def _reasons(reasons: list[dict]) -> str:
    strategy, result = choice_labels(Strategy), choice_labels(TestResult)
    lines = []
    for r in reasons:
        via = VIA_LABELS.get(r.get("hit_via"), r.get("hit_via", ""))
        why = REASON_LABELS.get(r.get("reason"), r.get("reason", ""))
        test = " ".join(filter(None, [r.get("last_test_on") or "", result.get(r.get("last_test_result") or "", "")]))
        lines.append(f"{r['vendor_name']} ({via}): {why}, {strategy.get(r.get('strategy'), r.get('strategy', ''))}"
                     + (f", {test}" if test else ""))
    return "\n".join(lines)


def simulation_workbook(sim: SavedSimulation) -> bytes:
    """The workbook's bytes, in the active language."""
    results = sim.results or {}
    with_firm_names(results.get("breaching", []), name_key="firm_name")
    with_firm_names(results.get("services", []), name_key="firm_name")
    kinds, importance = choice_labels(OrganizationKind), choice_labels(Importance)
    wb = new_workbook()
    key_value_sheet(wb, "Summary", [
        ("Simulation", sim.name),
        ("Failed providers", ", ".join(f["name"] for f in results.get("failed", []))),
        ("Duration (minutes)", results.get("duration_minutes")),
        ("Share of the provider's traffic affected (%)", results.get("traffic_share_pct", 100)),
        ("Computed at", _moment(results.get("computed_at"))),
    ], timed=("Computed at",))

    totals = SheetWriter(wb, "Impact by firm kind",
                         [Column("Firm kind"), *(Column(str(text), "int") for text in OUTCOME_LABELS.values())])
    totals.append_all(
        (kinds.get(kind, kind), *(counts.get(code, 0) for code in OUTCOME_LABELS))
        for kind, counts in results.get("totals", {}).items()
    )
    totals.close()

    breaching = SheetWriter(wb, "Firms breaching RTO", BREACHING_COLUMNS)
    breaching.append_all(
        (firm["firm_name"], kinds.get(firm["firm_kind"], firm["firm_kind"]), _moment(firm.get("as_of")),
         f'{s["reference"]} {s["name"]}', s["rto_minutes"], s["downtime_minutes"])
        for firm in results.get("breaching", []) for s in firm["services"]
    )
    breaching.close()

    services = SheetWriter(wb, "Services", _service_columns())
    services.append_all(
        (s["firm_name"], kinds.get(s["firm_kind"], s["firm_kind"]), _moment(s.get("as_of")),
         f'{s["service_reference"]} {s["service_name"]}', importance.get(s["importance"], s["importance"]),
         s["rto_minutes"], OUTCOME_LABELS.get(s["outcome"], s["outcome"]), s["downtime_minutes"],
         _report(s), _reasons(s.get("reasons", [])))
        for s in results.get("services", [])
    )
    services.close()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
