"""The live impact board, and the declared-versus-actual report, as .xlsx (reports.workbooks: safe cells)."""

from __future__ import annotations

import io

from django.utils import timezone

from accounts.models import OrganizationKind
from market.labels import OUTCOME_LABELS, VIA_LABELS
from outages import rules
from outages.models import LiveOutage, ResponseState
from reports.workbooks.base import BAD, Column, SheetWriter, key_value_sheet, new_workbook
from reports.workbooks.labels import choice_labels
from vendors.choices import Strategy, TestResult

BOARD_COLUMNS = [
    Column("Firm", width="name"), Column("Firm kind"), Column("Service", width="name"), Column("Tier", width="code"),
    Column("Reached", width="name"), Column("RTO (min)", "int"), Column("Elapsed (min)", "int"),
    Column("Minutes left before the RTO", "int"), Column("Minutes left before the reporting threshold", "int"),
    Column("Reportable now"), Column("Initial report due", "datetime"),
    Column("Impact", width="name", highlight={str(OUTCOME_LABELS["lost_beyond_rto"]): BAD}),
    Column("Declared strategy", width="name"), Column("Last test result"), Column("Tested switch-over (min)", "int"),
    Column("Firm's answer", width="name"), Column("Failed over at", "datetime"),
]
REPORT_COLUMNS = [
    Column("Firm", width="name"), Column("Service", width="name"), Column("RTO (min)", "int"),
    Column("Declared strategy", width="name"), Column("Last test result"), Column("Tested switch-over (min)", "int"),
    Column("Failover achieved after (min)", "int"), Column("Outage (min)", "int"), Column("Finding", "long", width=50),
]


def _cover(wb, outage: LiveOutage) -> None:
    key_value_sheet(wb, "Summary", [
        ("Outage", outage.title), ("Provider", str(outage.provider)), ("Status", outage.get_status_display()),
        ("Start", outage.started_at), ("Detected at", outage.detected_at), ("End", outage.ended_at),
        ("Affected components", ", ".join(outage.components)), ("Computed at", timezone.now()),
    ], timed=("Start", "Detected at", "End", "Computed at"))


def board_workbook(outage: LiveOutage, entries: list[rules.BoardEntry]) -> bytes:
    kinds, strategy, result = choice_labels(OrganizationKind), choice_labels(Strategy), choice_labels(TestResult)
    answers = choice_labels(ResponseState)
    wb = new_workbook()
    _cover(wb, outage)
    sheet = SheetWriter(wb, "Live impact", BOARD_COLUMNS)
    sheet.append_all(
        (e.firm_name, kinds.get(e.firm_kind, e.firm_kind), f"{e.service_reference} {e.service_name}", e.tier,
         VIA_LABELS.get(e.hit_via, e.hit_via), e.rto_minutes, e.elapsed_minutes, e.rto_left_minutes,
         e.threshold_left_minutes, "✓" if e.reportable_now else "", e.report_deadline,
         OUTCOME_LABELS.get(e.outcome, e.outcome), strategy.get(e.strategy, e.strategy),
         result.get(e.last_test_result, e.last_test_result), e.best_recovery_minutes,
         answers.get(e.response_state, e.response_state), e.failed_over_at)
        for e in entries)
    sheet.close()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_workbook(outage: LiveOutage, rows: list[rules.DeclaredVsActual], findings: dict) -> bytes:
    strategy, result = choice_labels(Strategy), choice_labels(TestResult)
    wb = new_workbook()
    _cover(wb, outage)
    sheet = SheetWriter(wb, "Declared versus actual", REPORT_COLUMNS)
    sheet.append_all(
        (r.firm_name, f"{r.service_reference} {r.service_name}", r.rto_minutes, strategy.get(r.strategy, r.strategy),
         result.get(r.last_test_result, r.last_test_result), r.tested_switch_minutes, r.actual_failover_minutes,
         r.outage_minutes, str(findings.get(r.finding, "")))
        for r in rows)
    sheet.close()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
