"""The register import: a valid file creates the register, a re-import changes nothing, bad rows write nothing."""

import pytest

from audit.models import AuditEvent
from reports.imports.register import ImportInvalid, apply_plan, parse_register
from tests.reports.conftest import valid_rows, xlsx
from vendors.models import BusinessService, Dependency, RedundancyMeasure, Vendor


def _counts(org):
    models = (Vendor, BusinessService, Dependency, RedundancyMeasure)
    return {m.__name__: m.objects.for_org(org).count() for m in models}


def _events(org):
    return AuditEvent.objects.for_org(org).count()


def _import(org, user, rows=None):
    plan = parse_register(xlsx(rows), org)
    assert plan.is_valid, plan.errors
    return apply_plan(plan, org, user)


def test_dry_run_previews_creates_and_writes_nothing(world, catalog):
    plan = parse_register(xlsx(), world.firm_a)
    assert plan.is_valid, plan.errors
    assert plan.summary() == {
        "Vendors": {"create": 2, "update": 0, "unchanged": 0},
        "Services": {"create": 2, "update": 0, "unchanged": 0},
        "Dependencies": {"create": 3, "update": 0, "unchanged": 0},
        "Redundancy": {"create": 3, "update": 0, "unchanged": 0},
    }
    assert set(_counts(world.firm_a).values()) == {0}


def test_a_valid_file_creates_the_register_with_every_value(world, catalog):
    _import(world.firm_a, world.a_officer)
    assert _counts(world.firm_a) == {"Vendor": 2, "BusinessService": 2, "Dependency": 3, "RedundancyMeasure": 3}
    cf = Vendor.objects.for_org(world.firm_a).get(reference="V-CF")
    assert cf.catalog == catalog["cloudflare"] and cf.audit_rights and not cf.shares_personal_credit
    assert str(cf.contract_end) == "2026-12-31" and cf.notice_period_days == 90
    assert {p.key for p in cf.subcontractors.all()} == {"aws", "letsencrypt"}
    aws = Vendor.objects.for_org(world.firm_a).get(reference="V-AWS")
    assert aws.jurisdiction == "KR" and aws.category == "cloud" and aws.exit_plan_exists
    assert aws.exit_plan_target == catalog["naver-cloud"] and aws.shares_unique_id
    app = BusinessService.objects.for_org(world.firm_a).get(reference="S-APP")
    assert app.name == "+Mobile app" and app.importance == "important" and app.rto_minutes == 120
    assert app.customer_facing  # blank cell → the model default
    hosting = Dependency.objects.for_org(world.firm_a).get(role="hosting")
    assert hosting.substitutability == "1w_4w"
    measure = RedundancyMeasure.objects.for_org(world.firm_a).get(strategy="active_active")
    assert measure.alternate_provider == catalog["akamai"]
    assert [p.key for p in measure.shared_upstreams.all()] == ["letsencrypt"]
    assert RedundancyMeasure.objects.for_org(world.firm_a).get(strategy="in_house").alternate_in_house
    assert _counts(world.firm_b) == {"Vendor": 0, "BusinessService": 0, "Dependency": 0, "RedundancyMeasure": 0}


def test_the_import_is_audited_row_by_row_and_as_a_whole(world, catalog):
    _import(world.firm_a, world.a_officer)
    summary = AuditEvent.objects.for_org(world.firm_a).get(object_type="register_import")
    assert summary.actor == world.a_officer
    assert summary.changes["totals"]["create"] == 10
    assert AuditEvent.objects.for_org(world.firm_a).filter(object_type="vendors.Vendor", action="create").count() == 2


def test_reimporting_the_same_file_changes_nothing(world, catalog):
    _import(world.firm_a, world.a_officer)
    versions = list(Vendor.objects.for_org(world.firm_a).values_list("version", flat=True))
    before = _events(world.firm_a)
    plan = parse_register(xlsx(), world.firm_a)
    assert plan.totals() == {"create": 0, "update": 0, "unchanged": 10}
    applied = apply_plan(plan, world.firm_a, world.a_officer)
    assert applied.totals()["update"] == 0
    # Nothing was touched, so nothing is recorded (issue 13: no empty audit event).
    assert _events(world.firm_a) == before
    assert list(Vendor.objects.for_org(world.firm_a).values_list("version", flat=True)) == versions


def test_a_changed_cell_is_one_update(world, catalog):
    _import(world.firm_a, world.a_officer)
    rows = valid_rows()
    rows["Services"][0]["rto_minutes"] = 30
    rows["Vendors"][0]["subcontractors"] = "aws"
    plan = parse_register(xlsx(rows), world.firm_a)
    assert plan.summary()["Services"] == {"create": 0, "update": 1, "unchanged": 1}
    assert plan.summary()["Vendors"] == {"create": 0, "update": 1, "unchanged": 1}
    apply_plan(plan, world.firm_a, world.a_officer)
    web = BusinessService.objects.for_org(world.firm_a).get(reference="S-WEB")
    assert web.rto_minutes == 30 and web.version == 2
    cf = Vendor.objects.for_org(world.firm_a).get(reference="V-CF")
    assert [p.key for p in cf.subcontractors.all()] == ["aws"]


def test_a_column_left_out_leaves_existing_values_alone(world, catalog):
    _import(world.firm_a, world.a_officer)
    rows = valid_rows()
    keys = ["reference", "catalog", "name", "category", "jurisdiction", "data_location"]
    plan = parse_register(xlsx(rows, columns={"Vendors": keys}), world.firm_a)
    assert plan.summary()["Vendors"] == {"create": 0, "update": 0, "unchanged": 2}


def test_rows_may_point_at_register_rows_that_are_not_in_the_file(world, catalog):
    _import(world.firm_a, world.a_officer)
    rows = {"Dependencies": [{"service_ref": "S-APP", "vendor_ref": "V-AWS", "role": "hosting"}]}
    plan = parse_register(xlsx(rows), world.firm_a)
    assert plan.is_valid, plan.errors
    assert plan.summary()["Dependencies"]["create"] == 1


def test_another_firms_references_are_unknown(world, catalog):
    _import(world.firm_b, world.b_officer)
    rows = {"Dependencies": [{"service_ref": "S-APP", "vendor_ref": "V-AWS", "role": "hosting"}]}
    plan = parse_register(xlsx(rows), world.firm_a)
    assert {e.column for e in plan.errors} == {"서비스 참조 / Service reference", "공급업체 참조 / Vendor reference"}


def _errors(rows, org):
    plan = parse_register(xlsx(rows), org)
    return plan, [(e.sheet, e.row, e.column, e.message) for e in plan.errors]


def test_row_errors_name_sheet_row_column_and_reason(world, catalog):
    rows = valid_rows()
    rows["Vendors"][1]["catalog"] = "no-such-provider"
    rows["Services"][0]["rto_minutes"] = "soon"
    rows["Services"][1]["rto_minutes"] = 999  # above the maximum tolerable downtime
    rows["Dependencies"].append({"service_ref": "S-APP", "vendor_ref": "V-AWS", "role": "teleport"})
    rows["Redundancy"][0]["alternate_provider"] = "cloudflare"  # the primary itself
    _plan, errors = _errors(rows, world.firm_a)
    cells = {(s, r, c) for s, r, c, _m in errors}
    assert ("Vendors", 4, "공급업체 목록 키 / Provider catalog key") in cells
    assert ("Services", 3, "목표 복구 시간(분) / RTO (minutes)") in cells
    assert ("Services", 4, "목표 복구 시간(분) / RTO (minutes)") in cells
    assert ("Dependencies", 6, "역할 / Role") in cells
    assert ("Redundancy", 3, "대체 공급업체 키 / Alternate provider key") in cells
    assert all(m for *_x, m in errors) and len(errors) == 5


def test_one_bad_row_in_one_sheet_writes_nothing_anywhere(world, catalog):
    rows = valid_rows()
    rows["Redundancy"][2]["strategy"] = "prayer"
    events = _events(world.firm_a)
    plan = parse_register(xlsx(rows), world.firm_a)
    assert [(e.sheet, e.row) for e in plan.errors] == [("Redundancy", 5)]
    with pytest.raises(ImportInvalid):
        apply_plan(plan, world.firm_a, world.a_officer)
    assert set(_counts(world.firm_a).values()) == {0}
    assert _events(world.firm_a) == events


def test_a_row_that_turns_invalid_at_apply_time_rolls_everything_back(world, catalog, monkeypatch):
    plan = parse_register(xlsx(), world.firm_a)
    assert plan.is_valid
    # The register changed between preview and confirm: a reference is now taken by a row the
    # file's dependency cannot use. Simulate with a failing tier recomputation at the very end.
    import reports.imports.apply as apply_module

    def boom(org):
        raise RuntimeError("late failure")

    monkeypatch.setattr(apply_module, "_recompute_tiers", boom)
    with pytest.raises(RuntimeError):
        apply_plan(plan, world.firm_a, world.a_officer)
    assert set(_counts(world.firm_a).values()) == {0}


def test_duplicate_references_in_a_sheet_are_an_error(world, catalog):
    rows = valid_rows()
    rows["Vendors"].append(dict(rows["Vendors"][0]))
    _plan, errors = _errors(rows, world.firm_a)
    assert [(s, r) for s, r, *_x in errors] == [("Vendors", 5)]
    assert "3" in errors[0][3]  # names the first row with that reference


def test_required_values_are_required(world, catalog):
    rows = valid_rows()
    rows["Services"][0]["name"] = "  "
    _plan, errors = _errors(rows, world.firm_a)
    assert [(s, r, c) for s, r, c, _m in errors] == [("Services", 3, "서비스명 / Name")]


def test_korean_and_english_labels_and_codes_are_all_accepted(world, catalog):
    rows = valid_rows()
    rows["Services"][0]["importance"] = "CRITICAL"
    rows["Vendors"][0]["audit_rights"] = "네"
    rows["Vendors"][1]["shares_unique_id"] = "아니오"
    plan = parse_register(xlsx(rows), world.firm_a)
    assert plan.is_valid, plan.errors


def test_a_file_with_korean_sheet_names_imports_like_the_english_one(world, catalog):
    plan = parse_register(xlsx(language="ko"), world.firm_a)
    assert plan.is_valid, plan.errors
    assert plan.totals() == parse_register(xlsx(), world.firm_a).totals()
    assert plan.totals()["create"] == 10


def test_a_file_from_the_earlier_korean_template_still_imports(world, catalog):
    """Sheet "공급자" and headers "공급자 참조", "제공자 카탈로그 키"… of templates before the terms were unified."""
    import io

    from openpyxl import load_workbook

    from reports.imports.columns import SHEETS

    book = load_workbook(xlsx(language="ko"))
    book["공급업체"].title = "공급자"
    for spec in SHEETS:
        ws = book[spec.ko_name if spec.ko_name != "공급업체" else "공급자"]
        for cell in ws[1]:
            column = next(c for c in spec.columns if c.ko == cell.value)
            if column.former_ko:
                cell.value = column.former_ko[0]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    plan = parse_register(buffer, world.firm_a)
    assert plan.is_valid, plan.errors
    assert plan.totals()["create"] == 10
