"""The downloadable template: sheets, bilingual headers, drop-downs from a hidden Lists sheet."""

import io

import pytest
from openpyxl import load_workbook

from reports.imports.columns import BOOL, CATALOG, CHOICE, SHEETS
from reports.imports.register import build_template, parse_register


@pytest.fixture
def template(catalog):
    return load_workbook(io.BytesIO(build_template("en")))


def test_the_template_has_the_register_sheets_instructions_and_hidden_lists(template):
    assert template.sheetnames == ["Instructions", "Vendors", "Services", "Dependencies", "Redundancy", "Lists"]
    assert template["Lists"].sheet_state == "hidden"
    assert "template" in template["Instructions"]["A1"].value.lower()


@pytest.mark.parametrize("spec", SHEETS, ids=lambda s: s.name)
def test_each_sheet_has_korean_then_english_headers(template, spec):
    ws = template[spec.name]
    korean = [c.value.rstrip(" *") for c in ws[1]]
    english = [c.value.rstrip(" *") for c in ws[2]]
    assert korean == [c.ko for c in spec.columns]
    assert english == [c.en for c in spec.columns]
    assert ws.freeze_panes == "A3"


@pytest.mark.parametrize("spec", SHEETS, ids=lambda s: s.name)
def test_every_choice_yes_no_and_provider_column_has_a_drop_down(template, spec):
    ws = template[spec.name]
    validated = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.formula1.startswith("'Lists'!")
        for rng in dv.sqref.ranges:
            validated[rng.min_col] = dv.formula1
    wanted = {i for i, c in enumerate(spec.columns, start=1) if c.kind in (BOOL, CHOICE, CATALOG)}
    assert set(validated) == wanted


def test_the_lists_hold_the_labels_and_the_catalog_keys(template):
    lists = template["Lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in lists.iter_cols()}
    assert columns["yes_no"] == ["yes", "no"]
    assert "Active-active multi-provider" in columns["Strategy"]
    assert "Critical" in columns["Importance"]
    assert set(columns["catalog"]) == {"aws", "cloudflare", "akamai", "naver-cloud", "letsencrypt"}


def test_the_korean_template_uses_korean_yes_no(catalog):
    wb = load_workbook(io.BytesIO(build_template("ko")))
    assert [c.value for c in wb["목록"]["A"][1:3]] == ["예", "아니오"]
    assert "양식" in wb["안내"]["A1"].value


def test_the_korean_template_names_its_sheets_in_korean(catalog):
    wb = load_workbook(io.BytesIO(build_template("ko")))
    assert wb.sheetnames == ["안내", "공급업체", "업무 서비스", "의존관계", "이중화", "목록"]
    for dv in wb["공급업체"].data_validations.dataValidation:
        assert dv.formula1.startswith("'목록'!") or dv.formula1.startswith("목록!")


def test_the_korean_template_says_공급업체_for_vendors_and_catalog_providers(catalog):
    wb = load_workbook(io.BytesIO(build_template("ko")))
    texts = [str(c.value) for ws in wb.worksheets if ws.title != "목록" for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert not [t for t in texts if "공급자" in t or "제공자" in t]


def test_the_empty_template_imports_as_nothing_to_do(world, catalog):
    plan = parse_register(io.BytesIO(build_template("ko")), world.firm_a)
    assert plan.is_valid, plan.errors
    assert plan.totals() == {"create": 0, "update": 0, "unchanged": 0}
