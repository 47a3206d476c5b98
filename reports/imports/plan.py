"""Planning an import against the firm's register: per row create / update / unchanged, or errors.

The same function plans the dry-run preview and, inside the apply transaction, the real write,
so what is written is computed from the register as it is at that moment. Reads are a constant
number of queries per sheet (existing rows are fetched once by reference), never one per row.

Memory stays bounded by the rows read, not by model instances (issue 13: a 50,000-row register
peaked at 193 MB holding one instance per row): each row's instance lives only while the row is
planned (and, when applying, written); the plan keeps counts and errors, and a row other sheets
refer to (a vendor, a service, a dependency) is remembered by a slim instance of a few fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import Organization
from audit.values import AuditedModelMixin, field_values
from reports.imports.columns import DEPENDENCIES, REDUNDANCY, REF, SERVICES, VENDORS, SheetSpec
from reports.imports.reader import RawSheet, RawWorkbook, RowError
from reports.imports.values import BLANK, UNUSABLE, CellError, convert, norm
from vendors.models import BusinessService, Dependency, ProviderCatalog, RedundancyMeasure, Vendor
from vendors.selectors import linkable_catalog

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Foreign keys are resolved from maps loaded once, so full_clean need not look each one up again.
_FK_EXCLUDE = ["organization", "catalog", "exit_plan_target", "owner", "service", "vendor", "dependency",
               "alternate_provider", "tier_override_approver"]
_M2M = {"subcontractors", "shared_upstreams"}


# What a row that other sheets point to is remembered by: enough for their validation and for the
# audit's object_repr (str of a dependency names its service and vendor), and nothing more.
_SLIM_FIELDS = {
    Vendor: ("id", "organization_id", "reference", "name", "catalog_id"),
    BusinessService: ("id", "organization_id", "reference", "name"),
    Dependency: ("id", "organization_id", "service_id", "vendor_id", "role"),
}


@dataclass
class PlannedRow:
    """One row as planned; it exists only while the row is planned and, when applying, written."""

    sheet: str
    row: int
    key: tuple
    action: str
    obj: models.Model
    m2m: dict[str, list] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)


# apply: write(planned) saves one valid row inside the import's transaction.
Writer = Callable[[PlannedRow], None]


@dataclass
class SheetPlan:
    name: str
    tally: dict[str, int] = field(default_factory=lambda: {CREATE: 0, UPDATE: 0, UNCHANGED: 0})

    def count(self, action: str) -> int:
        return self.tally[action]

    def counts(self) -> dict[str, int]:
        return dict(self.tally)


@dataclass
class ImportPlan:
    workbook: RawWorkbook
    errors: list[RowError]
    sheets: dict[str, SheetPlan] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, dict[str, int]]:
        return {name: sheet.counts() for name, sheet in self.sheets.items()}

    def totals(self) -> dict[str, int]:
        out = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for counts in self.summary().values():
            for k, v in counts.items():
                out[k] += v
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "rows": self.workbook.data_rows,
            "sheets": self.summary(),
            "totals": self.totals(),
            "errors": [e.as_dict() for e in self.errors],
        }


class _Ref(tuple):
    """A row other sheets point to, as (model, field values in _SLIM_FIELDS order, parents): a tuple costs a
    fifth of a model instance, and 40,000 of them are held while the later sheets are planned."""

    __slots__ = ()


def _remember(obj: models.Model, **parents) -> _Ref:
    model = type(obj)
    names = _slim_names(model)
    return _Ref((model, tuple(getattr(obj, name) for name in names), tuple(parents.items())))


def _slim_names(model: type[models.Model]) -> list[str]:
    # from_db takes the values in the model's field order.
    return [f.attname for f in model._meta.concrete_fields if f.attname in _SLIM_FIELDS[model]]


def _instance(ref: models.Model | _Ref | None) -> models.Model | None:
    """The row as a (deferred, slim) model instance, built for the row being planned and dropped after it."""
    if ref is None or isinstance(ref, models.Model):
        return ref
    model, values, parents = ref
    # Model.from_db, not the audited one: a slim instance is never saved, so it needs no audit snapshot.
    slim = super(AuditedModelMixin, model).from_db(None, _slim_names(model), list(values))
    for name, parent in parents:
        setattr(slim, name, _instance(parent))
    return slim


class _Planner:
    def __init__(self, organization: Organization, workbook: RawWorkbook, write: Writer | None = None):
        self.org = organization
        self.wb = workbook
        self.write = write
        self.errors: list[RowError] = []
        self.reported = {(e.sheet, e.row, e.column) for e in workbook.errors}
        self.catalog = {
            norm(p.key): p
            for p in linkable_catalog(organization)
        }

    # --- one row ------------------------------------------------------------------------------
    def error(self, spec: SheetSpec, row: int, column: str, message: Any) -> None:
        # One message per cell: a cell already reported (by the reader or a conversion) is not
        # reported again by full_clean as "cannot be null".
        if (spec.name, row, column) not in self.reported:
            self.reported.add((spec.name, row, column))
            self.errors.append(RowError(spec.name, row, column, str(message)))

    def cells(self, raw: RawSheet, values: dict[str, Any], row: int) -> dict[str, Any]:
        """Converted values of the present columns (BLANK for empty cells); errors recorded."""
        out: dict[str, Any] = {}
        for key in raw.present:
            column = raw.spec.column(key)
            if values.get(key) is UNUSABLE:  # a formula or error value, already reported
                continue
            try:
                out[key] = convert(column, values.get(key), self.catalog)
            except CellError as exc:
                self.error(raw.spec, row, column.label, exc)
        return out

    def place(self, spec: SheetSpec, row: int, key: tuple, obj: models.Model, is_new: bool,
              data: dict[str, Any]) -> PlannedRow:
        """Set ``data`` on ``obj``, validate it, and say what would change."""
        before = {} if is_new else field_values(obj)
        m2m_new: dict[str, list] = {}
        m2m_changed = []
        for name, value in data.items():
            model_field = obj._meta.get_field(name)
            if name in _M2M:
                ids = [] if value is BLANK else value
                m2m_new[name] = ids
                current = set() if is_new else {p.pk for p in getattr(obj, name).all()}
                if current != {p.pk for p in ids}:
                    m2m_changed.append(name)
                continue
            setattr(obj, name, model_field.get_default() if value is BLANK else value)
        try:
            obj.full_clean(exclude=_FK_EXCLUDE, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = "" if name == NON_FIELD_ERRORS else self._label(spec, name)
                for message in messages:
                    self.error(spec, row, label, message)
        if is_new:
            planned = PlannedRow(spec.name, row, key, CREATE, obj, m2m_new)
        else:
            after = field_values(obj)
            changed = sorted(k for k in after if before.get(k) != after[k]) + m2m_changed
            planned = PlannedRow(spec.name, row, key, UPDATE if changed else UNCHANGED, obj, m2m_new, changed)
        # Written at once while the import is still valid; after the first error nothing more is written
        # and apply rolls back what was (one transaction), but planning goes on to report every problem.
        if self.write is not None and planned.action != UNCHANGED and not self.errors and not self.wb.errors:
            self.write(planned)
        return planned

    @staticmethod
    def _label(spec: SheetSpec, name: str) -> str:
        for column in spec.columns:
            if column.key == name or f"{column.key}_id" == name:
                return column.label
        return name

    def rows(self, spec: SheetSpec):
        """(row number, converted values, key) of each data row whose key is usable and unique."""
        raw = self.wb.sheets.get(spec.name)
        if raw is None:
            return
        first_seen: dict[tuple, int] = {}
        # Applying consumes the rows as it writes them: nothing plans this workbook again afterwards.
        for raw_row in raw.release_rows() if self.write else raw.rows:
            data = self.cells(raw, raw_row.values, raw_row.row)
            key_parts = []
            for k in spec.key:
                v = data.get(k)
                if v is None:  # conversion failed: already reported
                    break
                key_parts.append("" if v is BLANK else (v.key if isinstance(v, ProviderCatalog) else v))
            else:
                key = tuple(key_parts)
                if key in first_seen:
                    self.error(spec, raw_row.row, spec.column(spec.key[0]).label,
                               _("Duplicate of row %(row)s (same identifying columns).") % {"row": first_seen[key]})
                    continue
                first_seen[key] = raw_row.row
                yield raw_row.row, data, key

    # --- sheets -------------------------------------------------------------------------------
    def plan_simple(self, spec: SheetSpec, model: type[models.Model], prefetch: tuple = ()) -> SheetPlan:
        existing = {o.reference: o for o in model.objects.for_org(self.org).prefetch_related(*prefetch)}
        plan = SheetPlan(spec.name)
        self.by_ref = {**existing}
        for row, data, key in self.rows(spec):
            obj = existing.pop(key[0], None)
            is_new = obj is None
            if is_new:
                obj = model(organization=self.org)
            placed = self.place(spec, row, key, obj, is_new, data)
            self.by_ref[key[0]] = _remember(placed.obj)
            plan.tally[placed.action] += 1
        return plan

    def plan_dependencies(self, vendors: dict, services: dict) -> tuple[SheetPlan, dict]:
        spec = DEPENDENCIES
        qs = Dependency.objects.for_org(self.org).select_related("service", "vendor")
        existing = {(d.service.reference, d.vendor.reference, d.role): d for d in qs}
        by_key = dict(existing)
        plan = SheetPlan(spec.name)
        for row, data, key in self.rows(spec):
            service, vendor = self._parents(spec, row, key, vendors, services)
            if service is None or vendor is None:
                continue
            obj = existing.pop(key, None)
            is_new = obj is None
            if is_new:
                obj = Dependency(organization=self.org, service=service, vendor=vendor)
            fields = {k: v for k, v in data.items() if spec.column(k).kind != REF}
            placed = self.place(spec, row, key, obj, is_new, fields)
            by_key[key] = _remember(placed.obj, service=services.get(key[0]), vendor=vendors.get(key[1]))
            plan.tally[placed.action] += 1
        return plan, by_key

    def _parents(self, spec, row, key, vendors, services):
        service, vendor = _instance(services.get(key[0])), _instance(vendors.get(key[1]))
        if service is None:
            self.error(spec, row, spec.column("service_ref").label,
                       _("No service with this reference in the file or the register."))
        if vendor is None:
            self.error(spec, row, spec.column("vendor_ref").label,
                       _("No vendor with this reference in the file or the register."))
        return service, vendor

    def plan_redundancy(self, deps: dict) -> SheetPlan:
        spec = REDUNDANCY
        qs = (RedundancyMeasure.objects.for_org(self.org)
              .select_related("dependency__service", "dependency__vendor", "alternate_provider")
              .prefetch_related("shared_upstreams").order_by("id"))
        existing: dict[tuple, RedundancyMeasure] = {}
        for m in qs:
            d = m.dependency
            alt = m.alternate_provider.key if m.alternate_provider_id else ""
            existing.setdefault((d.service.reference, d.vendor.reference, d.role, m.strategy, alt), m)
        plan = SheetPlan(spec.name)
        for row, data, key in self.rows(spec):
            dep = _instance(deps.get(key[:3]))
            if dep is None:
                self.error(spec, row, spec.column("role").label, _(
                    "No dependency for this service, vendor and role in the file or the register."))
                continue
            obj = existing.pop(key, None)
            is_new = obj is None
            if is_new:
                obj = RedundancyMeasure(organization=self.org)
            obj.dependency = dep
            alternate = data.get("alternate_provider")
            if alternate not in (None, BLANK) and alternate.pk == dep.vendor.catalog_id:
                self.error(spec, row, spec.column("alternate_provider").label,
                           _("The alternate provider cannot be the primary provider itself."))
            fields = {k: v for k, v in data.items() if spec.column(k).kind != REF and k != "role"}
            plan.tally[self.place(spec, row, key, obj, is_new, fields).action] += 1
        return plan


def plan_import(workbook: RawWorkbook, organization: Organization, write: Writer | None = None) -> ImportPlan:
    """Plan every sheet against the register; ``plan.errors`` lists every problem found.

    With ``write`` (apply, inside its transaction) each valid row is written as soon as it is planned.
    """
    if workbook.errors and any(e.row in (None, 1) for e in workbook.errors):
        return ImportPlan(workbook, list(workbook.errors))  # structure is wrong: nothing to plan
    planner = _Planner(organization, workbook, write)
    sheets = {}
    sheets[VENDORS.name] = planner.plan_simple(VENDORS, Vendor, ("subcontractors",))
    vendors = planner.by_ref
    sheets[SERVICES.name] = planner.plan_simple(SERVICES, BusinessService)
    services = planner.by_ref
    sheets[DEPENDENCIES.name], deps = planner.plan_dependencies(vendors, services)
    sheets[REDUNDANCY.name] = planner.plan_redundancy(deps)
    errors = sorted([*workbook.errors, *planner.errors], key=_error_order)
    return ImportPlan(workbook, errors, sheets)


_SHEET_ORDER = {s.name: i for i, s in enumerate((VENDORS, SERVICES, DEPENDENCIES, REDUNDANCY))}


def _error_order(e: RowError) -> tuple:
    return (_SHEET_ORDER.get(e.sheet, 9), e.row or 0)
