"""The downloadable register template: four data sheets, an Instructions sheet, a hidden Lists sheet.

Row 1 holds the Korean header, row 2 the English one, whatever the language: the language only
picks the Instructions text and the drop-down labels (the importer accepts codes and labels in
either language, so a file filled from either template imports identically).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from reports.imports import limits
from reports.imports.columns import BOOL, CATALOG, CHOICE, FIRST_DATA_ROW, SHEETS, Column
from reports.imports.values import choice_labels, yes_no_labels
from reports.workbooks.base import print_setup
from reports.workbooks.cells import set_text
from reports.workbooks.styles import TITLE_FONT, WRAP, header_style, set_widths, subheader_style

# Sheet names in the template's language; the importer reads the data sheets under either name.
LISTS_SHEET = {"ko": "목록", "en": "Lists"}
INSTRUCTIONS_SHEET = {"ko": "안내", "en": "Instructions"}
CATALOG_LIST = "catalog"

_INSTRUCTIONS = [
    ("공급업체 관리대장 가져오기 양식", "Vendor register import template"),
    ("1행은 한국어, 2행은 영어 머리글입니다. 3행부터 데이터를 입력하세요. 머리글은 바꾸지 마세요.",
     "Row 1 holds the Korean header, row 2 the English header; enter data from row 3. Do not change the headers."),
    ("행은 참조로 기존 관리대장과 연결됩니다: 공급업체·서비스는 참조, 의존관계는 (서비스, 공급업체, 역할), "
     "이중화는 (서비스, 공급업체, 역할, 전략, 대체 공급업체)로 찾습니다. "
     "같은 파일을 다시 가져와도 아무것도 바뀌지 않습니다.",
     "Rows are matched to the register by reference: vendors and services by their reference, dependencies by "
     "(service, vendor, role), redundancy by (service, vendor, role, strategy, alternate provider). "
     "Importing the same file again changes nothing."),
    ("빈 칸은 기본값(아니오, 없음)을 뜻합니다. 열을 삭제하면 기존 행의 해당 항목은 바뀌지 않습니다. "
     "* 표시 열은 필수입니다.",
     "An empty cell means the default (no, nothing). A column left out of the sheet leaves that field of existing "
     "rows unchanged. Columns marked * are required."),
    ("목록 열은 드롭다운에서 고르세요. 공급업체는 공급업체 목록의 키(목록 시트)로 지정합니다. "
     "날짜는 YYYY-MM-DD 형식입니다.",
     "Pick list columns from the drop-down. Providers are named by their catalog key (see the Lists sheet). "
     "Dates are YYYY-MM-DD."),
    ("수식은 허용되지 않습니다. 값만 입력하세요. 한 행이라도 오류가 있으면 아무것도 저장되지 않습니다.",
     "Formulas are not accepted: enter values only. If any row has an error, nothing is saved."),
    ("제한: 20 MB, 데이터 50,000행.", "Limits: 20 MB and 50,000 data rows."),
]


def _list_values(language: str, catalog_keys: list[tuple[str, str]]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {"yes_no": list(yes_no_labels(language)), CATALOG_LIST: [k for k, _ in catalog_keys]}
    for spec in SHEETS:
        for column in spec.columns:
            if column.kind == CHOICE and column.list_name not in lists:
                lists[column.list_name] = choice_labels(column.choices, language)
    return lists


def _write_lists(
    wb: Workbook, lists: dict[str, list[str]], catalog_keys: list[tuple[str, str]], language: str
) -> dict[str, str]:
    """The hidden Lists sheet; returns list name -> absolute range for data validations."""
    ws = wb.create_sheet(LISTS_SHEET[language])
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            set_text(ws.cell(row=row, column=index), value)
        last = max(len(values) + 1, 2)
        ranges[name] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${last}"
    # The provider names next to the keys, so a person can find the key they need.
    name_col = len(lists) + 1
    ws.cell(row=1, column=name_col, value="catalog_name")
    for row, (_key, name) in enumerate(catalog_keys, start=2):
        set_text(ws.cell(row=row, column=name_col), name)
    ws.sheet_state = "hidden"
    return ranges


def _validation_for(column: Column, ranges: dict[str, str]) -> DataValidation | None:
    name = CATALOG_LIST if column.kind == CATALOG else column.list_name
    if column.kind not in (BOOL, CHOICE, CATALOG) or name not in ranges:
        return None
    return DataValidation(
        type="list", formula1=ranges[name], allow_blank=not column.required, showErrorMessage=True,
        errorTitle=column.en, error=f"{column.ko}: 목록에서 고르세요 / {column.en}: pick a value from the list",
    )


def _catalog_keys() -> list[tuple[str, str]]:
    from vendors.selectors import published_catalog

    return list(published_catalog().order_by("key").values_list("key", "legal_name"))


def build_template(language: str, catalog_keys: list[tuple[str, str]] | None = None) -> bytes:
    """The xlsx template as bytes. ``catalog_keys`` (key, name) defaults to the published catalog."""
    language = "en" if (language or "ko").startswith("en") else "ko"
    catalog_keys = _catalog_keys() if catalog_keys is None else catalog_keys
    wb = Workbook()
    intro = wb.active
    intro.title = INSTRUCTIONS_SHEET[language]
    pick = 0 if language == "ko" else 1
    for row, texts in enumerate(_INSTRUCTIONS, start=1):
        cell = set_text(intro.cell(row=row, column=1), texts[pick])
        cell.alignment = WRAP
        if row == 1:
            cell.font = TITLE_FONT
    intro.column_dimensions["A"].width = 120
    print_setup(intro, title_rows=0)

    data_sheets = [wb.create_sheet(spec.title(language)) for spec in SHEETS]
    ranges = _write_lists(wb, _list_values(language, catalog_keys), catalog_keys, language)
    last_row = FIRST_DATA_ROW + limits.MAX_DATA_ROWS - 1
    for ws, spec in zip(data_sheets, SHEETS, strict=True):
        for index, column in enumerate(spec.columns, start=1):
            star = " *" if column.required else ""
            for row, text, style in ((1, column.ko + star, header_style()), (2, column.en + star, subheader_style())):
                cell = set_text(ws.cell(row=row, column=index), text)
                for attr, value in style.items():
                    setattr(cell, attr, value)
            validation = _validation_for(column, ranges)
            if validation is not None:
                letter = get_column_letter(index)
                validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
                ws.add_data_validation(validation)
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        set_widths(ws, [c.width for c in spec.columns])
        print_setup(ws, title_rows=FIRST_DATA_ROW - 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
