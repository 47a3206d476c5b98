"""Reading the uploaded register workbook into raw rows (openpyxl read-only, streamed).

Produces, per sheet, which columns are present and every non-blank data row as {column key: raw
value}. Structural problems (missing sheet, unknown or missing header, a formula or error value in
a cell) are collected as RowErrors; limits that make the whole file unusable raise ImportRefused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports.imports import limits
from reports.imports.columns import FIRST_DATA_ROW, HEADER_ROWS, SHEETS, Column, SheetSpec
from reports.imports.values import UNUSABLE, is_blank, norm

MAX_HEADER_COLUMNS = 100


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": str(self.message)}


@dataclass(slots=True)
class RawRow:
    """One data row, compact (issue 13: 50,000 rows are held until the import is planned): the sheet's
    column keys are shared, the row keeps its cells as a tuple (None where empty)."""

    row: int
    keys: tuple[str, ...]
    cells: tuple[Any, ...]

    @property
    def values(self) -> dict[str, Any]:
        return {key: value for key, value in zip(self.keys, self.cells, strict=True) if value is not None}


@dataclass
class RawSheet:
    spec: SheetSpec
    present: set[str] = field(default_factory=set)
    rows: list[RawRow] = field(default_factory=list)
    # Rows read, kept when an apply releases them (release_rows): the audit summary and the page still count them.
    released: int = 0

    @property
    def row_count(self) -> int:
        return len(self.rows) + self.released

    def release_rows(self):
        """Yield the rows in order, dropping each one once the caller moves on to the next.

        Applying needs each raw row only while it is planned and written; the rows other sheets point to
        are kept by the planner in a slimmer form. Releasing them as it goes keeps a 50,000-row apply
        under the 150 MB an upload may cost a worker (issue 13). The sheet cannot be planned again after.
        """
        pending, self.rows = self.rows[::-1], []
        while pending:
            self.released += 1
            yield pending.pop()


@dataclass
class RawWorkbook:
    sheets: dict[str, RawSheet]
    errors: list[RowError]

    @property
    def data_rows(self) -> int:
        return sum(s.row_count for s in self.sheets.values())


def _find_sheet(workbook, spec: SheetSpec):
    wanted = {norm(name) for name in (spec.name, spec.ko_name, *spec.former_ko_names)}
    for title in workbook.sheetnames:
        if norm(title) in wanted:
            return workbook[title]
    return None


def _match_column(spec: SheetSpec, names: set[str]) -> Column | None:
    for column in spec.columns:
        if names & {norm(column.ko), norm(column.en), norm(column.key), norm(column.label),
                    *(norm(former) for former in column.former_ko)}:
            return column
    return None


def _read_headers(ws, spec: SheetSpec, errors: list[RowError]) -> dict[int, Column]:
    rows = list(ws.iter_rows(min_row=1, max_row=HEADER_ROWS, max_col=MAX_HEADER_COLUMNS))
    rows += [()] * (HEADER_ROWS - len(rows))
    mapping: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for idx in range(MAX_HEADER_COLUMNS):
        cells = [r[idx] if idx < len(r) else None for r in rows]
        # The template marks required columns with a trailing "*": not part of the name.
        texts = {norm(c.value).rstrip("* ").strip() for c in cells if c is not None and not is_blank(c.value)}
        if not texts:
            continue
        letter = get_column_letter(idx + 1)
        if any(c is not None and c.data_type == "f" for c in cells):
            errors.append(RowError(spec.name, 1, letter, _("A header cannot be a formula.")))
            continue
        column = _match_column(spec, texts)
        if column is None:
            shown = next(str(c.value) for c in cells if c is not None and not is_blank(c.value))
            errors.append(RowError(spec.name, 1, letter, _("Unknown column '%(header)s'.") % {"header": shown}))
        elif column.key in seen:
            message = _("Column '%(header)s' appears twice.") % {"header": column.label}
            errors.append(RowError(spec.name, 1, letter, message))
        else:
            seen[column.key] = idx
            mapping[idx] = column
    for column in spec.columns:
        if column.required and column.key not in seen:
            errors.append(
                RowError(spec.name, 1, column.label, _("Missing column '%(header)s'.") % {"header": column.label})
            )
    return mapping


def _read_rows(ws, spec: SheetSpec, mapping: dict[int, Column], sheet: RawSheet, budget: list[int],
               errors: list[RowError]) -> None:
    if not mapping:
        return
    width = max(mapping) + 1
    keys = tuple(column.key for column in mapping.values())
    iterated = 0
    for row_no, cells in enumerate(ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=width), start=FIRST_DATA_ROW):
        iterated += 1
        # Gaps are yielded as empty rows: bound them too, so a row numbered 1,000,000 costs nothing.
        if iterated > 2 * limits.MAX_DATA_ROWS:
            raise _too_many_rows()
        values: dict[str, Any] = {}
        for idx, column in mapping.items():
            cell = cells[idx] if idx < len(cells) else None
            if cell is None or cell.value is None:
                continue
            if cell.data_type in ("f", "e"):
                where = f"{get_column_letter(idx + 1)}{row_no}"
            if cell.data_type == "f":
                message = _("Cell %(cell)s contains a formula; enter the value itself.") % {"cell": where}
                errors.append(RowError(spec.name, row_no, column.label, message))
                values[column.key] = UNUSABLE
                continue
            if cell.data_type == "e":
                message = _("Cell %(cell)s holds an error value (%(value)s).") % {"cell": where, "value": cell.value}
                errors.append(RowError(spec.name, row_no, column.label, message))
                values[column.key] = UNUSABLE
                continue
            values[column.key] = cell.value
        if not any(v is UNUSABLE or not is_blank(v) for v in values.values()):
            continue
        budget[0] += 1
        if budget[0] > limits.MAX_DATA_ROWS:
            raise _too_many_rows()
        sheet.rows.append(RawRow(row_no, keys, tuple(values.get(key) for key in keys)))


def _too_many_rows() -> limits.ImportRefused:
    return limits.ImportRefused(
        _("The file has more than %(limit)s data rows; split it into several imports.")
        % {"limit": f"{limits.MAX_DATA_ROWS:,}"},
        "too_many_rows",
    )


def read_workbook(file: IO[bytes]) -> RawWorkbook:
    """Check the file, then read every register sheet. Raises ImportRefused for unusable files."""
    limits.check_upload(file, max_columns=max(len(spec.columns) for spec in SHEETS))
    try:
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types on corrupt parts: all mean the same to a user
        raise limits.ImportRefused(_("The file could not be opened as an Excel workbook."), "not_xlsx") from exc
    errors: list[RowError] = []
    sheets: dict[str, RawSheet] = {}
    budget = [0]
    try:
        plan: list[tuple[Any, SheetSpec, dict[int, Column]]] = []
        for spec in SHEETS:
            ws = _find_sheet(workbook, spec)
            if ws is None:
                message = _("The sheet '%(sheet)s' is missing.") % {"sheet": spec.name}
                errors.append(RowError(spec.name, None, "", message))
                continue
            if not hasattr(ws, "iter_rows"):
                message = _("'%(sheet)s' is not a worksheet.") % {"sheet": spec.name}
                errors.append(RowError(spec.name, None, "", message))
                continue
            # The stored dimension may be missing or wrong; read what is really there.
            ws.reset_dimensions()
            mapping = _read_headers(ws, spec, errors)
            sheets[spec.name] = RawSheet(spec, present={c.key for c in mapping.values()})
            plan.append((ws, spec, mapping))
        if errors:
            return RawWorkbook(sheets, errors)  # wrong structure: rows would only repeat the problem
        for ws, spec, mapping in plan:
            _read_rows(ws, spec, mapping, sheets[spec.name], budget, errors)
    except limits.ImportRefused:
        raise
    except Exception as exc:
        raise limits.ImportRefused(_("The file could not be read as an Excel workbook."), "not_xlsx") from exc
    finally:
        workbook.close()
    return RawWorkbook(sheets, errors)
