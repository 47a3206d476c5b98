"""Writing an assessment's checklist as xlsx, for filling in offline.

Reference, section, text, weight and critical are locked by sheet protection (no password: it guards
against slips, not against intent — the import checks every reference anyway); response, reason and
comment are unlocked. Responses get a drop-down of the four answers in the user's language. Every
user-supplied text goes through reports.workbooks.cells.safe_value, so no cell can become a formula.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from compliance.excel.columns import COLUMNS, RESPONSE_LABELS, SHEET_TITLE, YES, language, response_label
from compliance.models import Answer, Assessment, Requirement
from reports.workbooks.base import print_setup
from reports.workbooks.cells import safe_value, set_text

HEADER_FILL = PatternFill("solid", fgColor="0F2741")
LOCKED_FILL = PatternFill("solid", fgColor="EEF1F5")
WRAP = Alignment(wrap_text=True, vertical="top")


def checklist_rows(assessment: Assessment, lang: str) -> list[list[object]]:
    """One row per applicable requirement, in checklist order (two queries)."""
    requirements = (
        Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids())
        .select_related("section")
        .order_by("order")
    )
    answers = {
        a.requirement_id: a
        for a in Answer.objects.for_org(assessment.organization).filter(assessment=assessment)
    }
    rows = []
    for req in requirements:
        answer = answers.get(req.pk)
        rows.append([
            req.ref,
            f"{req.section.code}. {req.section.name_ko if lang == 'ko' else req.section.name_en}",
            req.text_ko if lang == "ko" else req.text_en,
            req.weight,
            YES[lang] if req.critical else "",
            response_label(answer.response, lang) if answer else "",
            answer.na_reason if answer else "",
            answer.comment if answer else "",
        ])
    return rows


def build_checklist(assessment: Assessment) -> bytes:
    """The workbook's bytes, in the active language."""
    lang = language()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE[lang]
    ws.append([safe_value(c.label(lang)) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    rows = checklist_rows(assessment, lang)
    for values in rows:
        ws.append([safe_value(v) for v in values])
    for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for column, cell in zip(COLUMNS, row, strict=True):
            cell.alignment = WRAP
            set_text(cell, cell.value)  # text stays text: a string cell, quote-prefixed if it looks like a formula
            if column.editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    response_col = get_column_letter(COLUMNS.index(next(c for c in COLUMNS if c.key == "response")) + 1)
    labels = ",".join(response_label(code, lang) for code in RESPONSE_LABELS)
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showDropDown=False)
    validation.error = "Choose one of: " + labels if lang == "en" else "다음 중 하나를 고르세요: " + labels
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    if rows:
        validation.add(f"{response_col}2:{response_col}{len(rows) + 1}")
    ws.freeze_panes = "B2"
    print_setup(ws)
    ws.protection.sheet = True
    # Officers may still resize and filter; only the locked cells' contents are guarded.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
