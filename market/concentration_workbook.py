"""The market concentration tables as a supervisor workbook (an ExportJob kind)."""

from __future__ import annotations

from accounts.models import OrganizationKind, with_firm_names
from market import selectors
from market.labels import BAND_LABELS
from reports.workbooks.base import BAD, Column, Progress, SheetWriter, new_workbook
from reports.workbooks.labels import choice_labels
from vendors.choices import DataLocation, ProviderCategory

COUNT_COLUMNS = [
    Column("Firms", "int"), Column("Critical services", "int"), Column("Important services", "int"),
    Column("Dependencies", "int"), Column("Share with tested redundancy", "number"),
]


def _share(row: dict) -> float | None:
    return round(100 * row["tested"] / row["dependencies"], 1) if row.get("dependencies") else None


def _counts(row: dict) -> tuple:
    return row["firms"], row["critical_services"], row["important_services"], row["dependencies"], _share(row)


def build_concentration_workbook(user, params: dict, target, progress: Progress | None = None) -> int:
    progress = progress or Progress()
    kind = params.get("kind", "")
    tables = selectors.concentration_tables(user, kind, limit=None)
    categories, locations = choice_labels(ProviderCategory), choice_labels(DataLocation)
    wb = new_workbook()
    written = 0
    sheets = [
        ("Providers", [Column("Provider", width="name"), Column("Category"), Column("Country", width="flag"),
                       *COUNT_COLUMNS],
         [(r["legal_name"], categories.get(r["category"], r["category"]), r["country"], *_counts(r))
          for r in tables["providers"]]),
        ("Ultimate parents", [Column("Ultimate parent", width="name"), *COUNT_COLUMNS],
         [(r["parent"], *_counts(r)) for r in tables["parents"]]),
        ("Jurisdictions", [Column("Headquarters country", width="flag"), *COUNT_COLUMNS],
         [(r["value"], *_counts(r)) for r in tables["countries"]]),
        ("Data locations", [Column("Data location"), *COUNT_COLUMNS],
         [(locations.get(r["value"], r["value"]), *_counts(r)) for r in tables["locations"]]),
        ("Categories (HHI)", [Column("Category"), Column("HHI", "int", highlight={}),
                              Column("Band", highlight={str(BAND_LABELS["high"]): BAD}), Column("Providers", "int"),
                              Column("Critical dependencies", "int")],
         [(categories.get(r["category"], r["category"]), r["hhi"], str(BAND_LABELS.get(r["band"], r["band"])),
           r["providers"], r["critical_dependencies"]) for r in selectors.category_hhi(user, kind)]),
        ("Nth parties", [Column("Provider", width="name"), Column("Vendors naming it", "int"), Column("Firms", "int"),
                         Column("Dependencies", "int")],
         [(r["provider"].legal_name if r["provider"] else r["provider_id"], r["vendors"], r["firms"],
           r["dependencies"]) for r in selectors.nth_party(user, kind, limit=1000)]),
        ("As of", [Column("Firm", width="name"), Column("Kind"), Column("Latest submission", "datetime")],
         [(f["firm"], choice_labels(OrganizationKind).get(f["firm_kind"], f["firm_kind"]), f["as_of"])
          for f in with_firm_names(selectors.as_of_per_firm(user, kind), name_key="firm")]),
    ]
    for title, columns, rows in sheets:
        sheet = SheetWriter(wb, title, columns, progress)
        sheet.append_all(rows)
        sheet.close()
        written += sheet.rows - 1
    wb.save(target)
    return written
