"""Applying a planned import: every sheet in one transaction, or nothing at all.

Rows are saved one by one (not bulk_create) on purpose: each save goes through the audit signals,
so every created or changed register row has its own audit event with before/after values. The
plan is recomputed inside the transaction, against the register as it is now, and each valid row
is written as soon as it is planned (reports.imports.plan), so no sheet's rows are held in memory;
the first invalid row stops the writing and the transaction rolls back. Audit events are chained
every AUDIT_CHUNK_ROWS rows rather than all at the end, for the same reason. Tiers are recomputed
once at the end (not after every row, which would be quadratic in the register size), from flat rows,
writing and auditing the changed ones a bounded batch at a time.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Organization
from audit.context import acting_as, current
from audit.recorder import batched, record
from core.concurrency import ConcurrentEditError
from reports.imports.limits import ImportRefused
from reports.imports.plan import CREATE, ImportPlan, PlannedRow, plan_import

SHEET_ORDER = ("Vendors", "Services", "Dependencies", "Redundancy")
# Row events held before they are chained and inserted (inside the import's transaction, so they still
# commit or roll back with the rows). An import smaller than this chains its events once, at the end.
AUDIT_CHUNK_ROWS = 1_000


class ImportInvalid(ImportRefused):
    """Rows are invalid: ``errors`` lists them (sheet, row, column, message)."""

    def __init__(self, plan: ImportPlan):
        super().__init__(_("Nothing was imported: %(count)s problem(s) were found.") % {"count": len(plan.errors)},
                         "invalid_rows")
        self.plan = plan
        self.errors = plan.errors


def _write(planned: PlannedRow) -> None:
    obj = planned.obj
    if planned.action == CREATE:
        obj.save()
    else:
        # Versioned like every other edit: someone saving this row since we read it wins a refusal.
        model = type(obj)
        bumped = model._base_manager.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1)
        if not bumped:
            raise ConcurrentEditError(model._base_manager.get(pk=obj.pk))
        obj.version += 1
        obj.save()
    for name, values in planned.m2m.items():
        if planned.action == CREATE or name in planned.changed:
            getattr(obj, name).set(values)


def apply_plan(plan: ImportPlan, organization: Organization, user=None, *, filename: str = "") -> ImportPlan:
    """Write the plan atomically; returns the plan that was applied (recomputed inside the transaction).

    Raises ImportInvalid (nothing written) when any row is invalid, before or at apply time.
    """
    if not plan.is_valid:
        raise ImportInvalid(plan)
    ctx = current()
    actor = user if user is not None else ctx.actor
    # One transaction; the row events are chained a chunk at a time inside it (audit.batched).
    with acting_as(actor, organization, ctx.ip_address), transaction.atomic():
        with _AuditChunks() as chunks:
            fresh = plan_import(plan.workbook, organization, write=chunks.writer(_write))
        if not fresh.is_valid:
            raise ImportInvalid(fresh)  # rolls back the rows written before the first invalid one
        # The recompute chains its tier events a write batch at a time (vendors.tiering.TIER_WRITE_BATCH).
        tiers_changed = _recompute_tiers(organization)
        totals = fresh.totals()
        if not (totals["create"] or totals["update"] or tiers_changed):
            return fresh  # the register already says what the file says: nothing happened, nothing to record
        record(
            "create",
            organization=organization,
            actor=actor,
            object_type="register_import",
            object_repr=(filename or "register import")[:300],
            changes={"summary": fresh.summary(), "totals": totals, "rows": fresh.workbook.data_rows,
                     "tiers_changed": tiers_changed, "file": filename},
        )
    return fresh


class _AuditChunks:
    """Keeps one audit batch open for AUDIT_CHUNK_ROWS written rows, then chains it and opens the next."""

    def __enter__(self) -> _AuditChunks:
        self.rows = 0
        self.batch = batched()
        self.batch.__enter__()
        return self

    def writer(self, write):
        def counted(planned: PlannedRow) -> None:
            write(planned)
            self.rows += 1
            if self.rows % AUDIT_CHUNK_ROWS == 0:
                self.batch.__exit__(None, None, None)
                self.batch = batched()
                self.batch.__enter__()

        return counted

    def __exit__(self, *exc_info) -> None:
        self.batch.__exit__(*exc_info)


def _recompute_tiers(organization: Organization) -> int:
    try:
        from vendors.services import recompute_tiers
    except ImportError:  # the register app without tiering: nothing to recompute
        return 0
    return recompute_tiers(organization)
