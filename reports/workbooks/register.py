"""The register workbook of one firm, and the register sheets the audit workbook reuses.

Each ``*_rows`` function is a generator of plain tuples in its ``*_COLUMNS`` order, reading the
database in chunks (``.iterator(chunk_size=...)``): memory stays flat whatever the register's
size. A snapshot adapter can feed the same sheets from frozen data instead.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone

from accounts.models import Organization
from reports.workbooks import facts
from reports.workbooks.base import BAD, Column, Progress, SheetWriter, new_workbook
from reports.workbooks.labels import choice_labels, label, yes_no
from vendors.choices import (
    DataLocation,
    DependencyRole,
    Importance,
    ProviderCategory,
    Strategy,
    SwitchTime,
    TestResult,
    VendorStatus,
)
from vendors.models import BusinessService, Dependency, FailoverTest, Incident, RedundancyMeasure, Vendor

CHUNK = 1000
# Dependencies whose matrix rows and SPOF facts are loaded together (5 queries per chunk, see facts.py; under
# SQLite's old 999-parameter limit).
SPOF_CHUNK = 900



VENDOR_COLUMNS = [
    Column("Reference", "code"), Column("Name", width="name"), Column("Provider", width="name"),
    Column("Category"), Column("Jurisdiction", width="flag"), Column("Data location"),
    Column("Sensitive data shared", width="flag"), Column("Status", width="code"),
    Column("Contract start", "date"), Column("Contract end", "date"), Column("Notice period (days)", "int"),
    Column("Audit rights", width="flag"), Column("Supervisory access", width="flag"),
    Column("Exit clause", width="flag"), Column("Exit plan", width="flag"),
]


# What a vendor row records, in codes: the audit workbook of a submission is written from these, frozen.
VENDOR_FIELDS = (
    "reference", "name", "provider", "category", "jurisdiction", "data_location", "sensitive_data", "status",
    "contract_start", "contract_end", "notice_period_days", "audit_rights", "supervisory_access", "exit_clause",
    "exit_plan",
)


def vendor_records(organization: Organization) -> Iterator[tuple]:
    """The firm's vendors as raw values in ``VENDOR_FIELDS`` order."""
    qs = Vendor.objects.for_org(organization).order_by("reference").values_list(
        "reference", "name", "catalog__legal_name", "category", "jurisdiction", "data_location",
        "shares_personal_credit", "shares_unique_id", "shares_crypto_keys", "status", "contract_start",
        "contract_end", "notice_period_days", "audit_rights", "supervisory_access", "exit_clause",
        "exit_plan_exists",
    )
    for (ref, name, provider, cat, juris, loc, credit, uid, keys, st, start, end, notice,
         audit, access, exit_clause, exit_plan) in qs.iterator(chunk_size=CHUNK):
        yield (ref, name, provider, cat, juris, loc, credit or uid or keys, st, start, end, notice,
               audit, access, exit_clause, exit_plan)


def vendor_lines(records: Iterable[tuple]) -> Iterator[tuple]:
    """``VENDOR_COLUMNS`` rows of vendor records: codes become labels in the active language."""
    category, location = choice_labels(ProviderCategory), choice_labels(DataLocation)
    status = choice_labels(VendorStatus)
    for (ref, name, provider, cat, juris, loc, sensitive, st, start, end, notice,
         audit, access, exit_clause, exit_plan) in records:
        yield (ref, name, provider, category.get(cat, cat), juris, location.get(loc, loc),
               yes_no(sensitive), status.get(st, st), start, end, notice,
               yes_no(audit), yes_no(access), yes_no(exit_clause), yes_no(exit_plan))


def vendor_rows(organization: Organization) -> Iterator[tuple]:
    return vendor_lines(vendor_records(organization))


SERVICE_COLUMNS = [
    Column("Reference", "code"), Column("Name", width="name"), Column("Importance", width="code"),
    Column("Core business", width="flag"), Column("RTO (minutes)", "int"),
    Column("Maximum tolerable downtime (minutes)", "int"), Column("Customers affected", "int"),
]


def service_rows(organization: Organization) -> Iterator[tuple]:
    importance = choice_labels(Importance)
    qs = BusinessService.objects.for_org(organization).order_by("reference").values_list(
        "reference", "name", "importance", "is_core_business", "rto_minutes",
        "max_tolerable_downtime_minutes", "customers_affected",
    )
    for ref, name, imp, core, rto, mtd, customers in qs.iterator(chunk_size=CHUNK):
        yield ref, name, importance.get(imp, imp), yes_no(core), rto, mtd, customers


DEPENDENCY_COLUMNS = [
    Column("Service", width="name"), Column("Vendor", width="name"), Column("Role", width="code"),
    Column("Tier", width="flag", highlight={"T1": BAD}), Column("Materiality score", "int"),
    Column("Gates", width="code"), Column("Time to switch"), Column("Notes", "long"),
]


def dependency_rows(organization: Organization) -> Iterator[tuple]:
    role, switch = choice_labels(DependencyRole), choice_labels(SwitchTime)
    qs = Dependency.objects.for_org(organization).order_by("service__reference", "vendor__reference", "role")
    qs = qs.values_list("service__name", "vendor__name", "role", "tier_override", "computed_tier",
                        "tier_score", "tier_gates", "substitutability", "notes")
    for service, vendor, r, override, computed, score, gates, sub, notes in qs.iterator(chunk_size=CHUNK):
        yield (service, vendor, role.get(r, r), override or computed, score, ", ".join(gates or []),
               switch.get(sub, sub), notes)


REDUNDANCY_COLUMNS = [
    Column("Service", width="name"), Column("Vendor", width="name"), Column("Role", width="code"),
    Column("Tier", width="flag"), Column("RTO (minutes)", "int"), Column("Strategy"),
    Column("Alternate", width="name"), Column("Expected switch-over (minutes)", "int"),
    Column("Last test", "date"), Column("Result", width="code", highlight={"Fail": BAD}),
    Column("Achieved recovery (minutes)", "int"), Column("Within RTO", width="flag", highlight={"No": BAD}),
    Column("SPOF", width="flag", highlight={"SPOF": BAD}), Column("SPOF reasons", "long"),
]


# What a matrix row records; ``strategy`` is None on the row of a dependency without any measure.
REDUNDANCY_FIELDS = (
    "service", "vendor", "role", "tier", "rto_minutes", "strategy", "alternate", "alternate_in_house",
    "expected_switch_minutes", "last_tested_on", "last_result", "achieved_minutes", "is_spof", "spof_reasons",
)
# Fields whose text follows the language (the SPOF rule's sentences name providers in it).
REDUNDANCY_LOCALISED = ("spof_reasons",)


def redundancy_records(organization: Organization, today: datetime.date | None = None) -> Iterator[tuple]:
    """Service x vendor: one record per measure (or one "no measure" record), with the latest test and
    the SPOF verdict of vendors.rules, computed chunk by chunk so memory stays flat."""
    dep_ids = list(Dependency.objects.for_org(organization).order_by("service__reference", "vendor__reference",
                                                                     "role").values_list("pk", flat=True))
    today = today or timezone.localdate()
    for start in range(0, len(dep_ids), SPOF_CHUNK):
        chunk = dep_ids[start:start + SPOF_CHUNK]
        data = facts.redundancy_chunk(organization, chunk, today)
        for dep_id in chunk:
            dep = data.dependencies[dep_id]
            reasons = data.spof_reasons.get(dep_id, [])
            head = (dep.service_name, dep.vendor_name, dep.role, dep.tier, dep.rto_minutes)
            tail = (bool(reasons), reasons)
            lines = data.measures.get(dep_id)
            if not lines:
                yield (*head, None, None, False, None, None, None, None, *tail)
                continue
            for m in lines:
                yield (*head, m.strategy, m.alternate_legal_name, m.alternate_in_house, m.expected_switch_minutes,
                       m.last_tested_on, m.last_result, m.last_minutes, *tail)


def redundancy_lines(records: Iterable[tuple]) -> Iterator[tuple]:
    """``REDUNDANCY_COLUMNS`` rows of matrix records, labelled in the active language."""
    role, strategy, result = choice_labels(DependencyRole), choice_labels(Strategy), choice_labels(TestResult)
    spof, no_measure, in_house_text = label("SPOF"), label("No measure"), label("In-house")
    for (service, vendor, r, tier, rto, strat, alternate, in_house, expected, tested_on, res, minutes,
         is_spof, reasons) in records:
        head = (service, vendor, role.get(r, r), tier, rto)
        tail = (spof if is_spof else "", "\n".join(reasons or []))
        if strat is None:
            yield (*head, no_measure, None, None, None, None, None, None, *tail)
            continue
        within = "" if minutes is None or rto is None else yes_no(minutes <= rto)
        yield (*head, strategy.get(strat, strat), alternate or (in_house_text if in_house else ""),
               expected, tested_on, result.get(res, res or ""), minutes, within, *tail)


def redundancy_rows(organization: Organization) -> Iterator[tuple]:
    return redundancy_lines(redundancy_records(organization))


FAILOVER_COLUMNS = [
    Column("Service", width="name"), Column("Vendor", width="name"), Column("Strategy"),
    Column("Test date", "date"), Column("Scenario", "long"), Column("Result", width="code", highlight={"Fail": BAD}),
    Column("Achieved recovery (minutes)", "int"), Column("Within RTO", width="flag", highlight={"No": BAD}),
    Column("Evidence SHA-256", width=66), Column("Notes", "long"),
]


def failover_rows(organization: Organization) -> Iterator[tuple]:
    strategy, result = choice_labels(Strategy), choice_labels(TestResult)
    qs = FailoverTest.objects.for_org(organization).order_by("-tested_on", "-id").values_list(
        "measure__dependency__service__name", "measure__dependency__vendor__name", "measure__strategy",
        "tested_on", "scenario", "result", "achieved_recovery_minutes",
        "measure__dependency__service__rto_minutes", "evidence_sha256", "notes",
    )
    for service, vendor, strat, on, scenario, res, minutes, rto, sha, notes in qs.iterator(chunk_size=CHUNK):
        within = "" if minutes is None else yes_no(minutes <= rto)
        yield (service, vendor, strategy.get(strat, strat), on, scenario, result.get(res, res), minutes, within,
               sha, notes)


INCIDENT_COLUMNS = [
    Column("Reference", "code"), Column("Provider", width="name"), Column("Vendor", width="name"),
    Column("Start", "datetime"), Column("End", "datetime"), Column("Duration (minutes)", "int"),
    Column("Users affected", "int"), Column("Customer impact", "long"),
    Column("Reported to the supervisor", "datetime"),
    Column("Root cause", "long"), Column("Market-wide outage", width="name"), Column("Affected services", "long"),
]


INCIDENT_FIELDS = (
    "reference", "provider", "vendor", "started_at", "ended_at", "duration_minutes", "users_affected",
    "customer_impact", "reported_to_supervisor_at", "root_cause", "outage_event", "affected_services",
)
INCIDENT_LOCALISED = ("outage_event",)


def incident_records(organization: Organization) -> Iterator[tuple]:
    """The firm's incidents, newest first, as values in ``INCIDENT_FIELDS`` order (also the columns')."""
    # iterator(chunk_size) with prefetch_related prefetches per chunk (Django >= 4.1).
    qs = (
        Incident.objects.for_org(organization).order_by("-started_at", "-id")
        .select_related("provider", "vendor", "outage_event")
        .prefetch_related("affected_services")
        .only("reference", "provider__legal_name", "provider__brand", "provider__name_ko", "vendor__name",
              "outage_event__name", "outage_event__name_ko", "started_at", "ended_at", "users_affected",
              "customer_impact", "reported_to_supervisor_at", "root_cause", "organization_id")
    )
    for inc in qs.iterator(chunk_size=CHUNK):
        yield (inc.reference, inc.provider.legal_name, inc.vendor.name if inc.vendor else "",
               inc.started_at, inc.ended_at, inc.duration_minutes, inc.users_affected, inc.customer_impact,
               inc.reported_to_supervisor_at, inc.root_cause, str(inc.outage_event) if inc.outage_event else "",
               ", ".join(s.name for s in inc.affected_services.all()))


def incident_rows(organization: Organization) -> Iterator[tuple]:
    return incident_records(organization)


def register_row_estimate(organization: Organization) -> int:
    """Rows the register workbook will write (for the progress bar): a handful of COUNTs."""
    return (
        Vendor.objects.for_org(organization).count()
        + BusinessService.objects.for_org(organization).count()
        + 2 * Dependency.objects.for_org(organization).count()
        + RedundancyMeasure.objects.for_org(organization).count()
        + FailoverTest.objects.for_org(organization).count()
        + Incident.objects.for_org(organization).count()
    )


REGISTER_SHEETS = [
    ("Vendors", VENDOR_COLUMNS, vendor_rows),
    ("Services", SERVICE_COLUMNS, service_rows),
    ("Dependencies", DEPENDENCY_COLUMNS, dependency_rows),
    ("Redundancy matrix", REDUNDANCY_COLUMNS, redundancy_rows),
    ("Failover tests", FAILOVER_COLUMNS, failover_rows),
    ("Incidents", INCIDENT_COLUMNS, incident_rows),
]


def build_register_workbook(organization: Organization, target, progress: Progress | None = None) -> int:
    """Write the firm's register to ``target`` (a path or a binary file object); returns data rows.

    Call it inside ``translation.override(language)``: headers and value labels follow it.
    """
    progress = progress or Progress()
    progress.add_total(register_row_estimate(organization))
    wb = new_workbook()
    rows = 0
    for title, columns, row_source in REGISTER_SHEETS:
        sheet = SheetWriter(wb, title, columns, progress)
        sheet.append_all(row_source(organization))
        sheet.close()
        rows += sheet.rows - 1
    wb.save(target)
    return rows
