"""The checklist loader: strict validation, idempotence, immutability of published versions."""

import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compliance.loader import FRAMEWORKS_DIR, FrameworkFileError, load_all
from compliance.models import Framework, PublishedFrameworkError, Requirement

SMALL = textwrap.dedent("""\
    code: SMALL
    version: "{version}"
    scope: firm
    name: {{ko: "작은 점검표", en: "Small checklist"}}
    description: {{ko: "설명", en: "Description"}}
    evidence_codes:
      DOC: {{ko: "정책", en: "Policy"}}
    sections:
      - code: A
        name: {{ko: "거버넌스", en: "Governance"}}
        requirements:
          - ref: S-A1
            text: {{ko: "{text}", en: "A policy exists."}}
            guidance: {{ko: "확인", en: "Check"}}
            weight: {weight}
            critical: false
            evidence: [DOC]
            legal_basis: {{ko: "FSC-style", en: "FSC-style"}}
            applies_to: {{tiers: [T1], firm_kinds: [vasp]}}
            vendor_scope: true
""")


def write(directory: Path, version="2025.1", text="정책이 있다.", weight=3, name=None) -> Path:
    path = directory / "small" / (name or f"{version}.yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SMALL.format(version=version, text=text, weight=weight), encoding="utf-8")
    return path


def test_loading_creates_a_published_framework_with_its_rows(db, tmp_path):
    write(tmp_path)
    report = load_all(tmp_path)
    assert report.created == ["SMALL 2025.1"]
    framework = Framework.objects.get(code="SMALL")
    assert framework.published_at is not None and len(framework.checksum) == 64
    req = Requirement.objects.get(framework=framework)
    assert (req.ref, req.weight, req.section.code, req.applies_tiers, req.applies_firm_kinds, req.vendor_scope) == (
        "S-A1", 3, "A", ["T1"], ["vasp"], True,
    )


def test_loading_the_same_file_again_changes_nothing(db, tmp_path):
    write(tmp_path)
    load_all(tmp_path)
    before = list(Requirement.objects.values_list("pk", "ref", "text_ko"))
    report = load_all(tmp_path)
    assert report.created == [] and report.unchanged == ["SMALL 2025.1"]
    assert list(Requirement.objects.values_list("pk", "ref", "text_ko")) == before


def test_a_changed_file_under_a_published_version_is_refused_naming_the_file(db, tmp_path):
    path = write(tmp_path)
    load_all(tmp_path)
    write(tmp_path, text="바뀐 문장")
    with pytest.raises(FrameworkFileError) as exc:
        load_all(tmp_path)
    assert str(path) in str(exc.value) and "immutable" in str(exc.value)
    assert Requirement.objects.get().text_ko == "정책이 있다."


def test_a_new_version_creates_new_rows_and_keeps_the_old(db, tmp_path):
    write(tmp_path)
    load_all(tmp_path)
    write(tmp_path, version="2026.1", text="새 버전")
    report = load_all(tmp_path)
    assert report.created == ["SMALL 2026.1"]
    assert sorted(Framework.objects.values_list("version", flat=True)) == ["2025.1", "2026.1"]
    assert Requirement.objects.count() == 2


@pytest.mark.parametrize(
    ("mutation", "problem"),
    [
        (lambda t: t.replace("weight: 3", "weight: 7"), "weight: expected a whole number from 1 to 5"),
        (lambda t: t.replace("scope: firm", "scope: market"), "scope: expected one of firm, vendor"),
        (lambda t: t.replace("[DOC]", "[XYZ]"), "unknown value 'XYZ'"),
        (lambda t: t.replace("firm_kinds: [vasp]", "firm_kinds: [casino]"), "unknown value 'casino'"),
        (lambda t: t.replace('en: "A policy exists."', 'fr: "x"'), "text.en: missing"),
        (lambda t: t.replace("critical: false", "critical: maybe"), "critical: expected true or false"),
        (lambda t: t.replace("        vendor_scope: true\n", ""), "vendor_scope: missing"),
        (lambda t: t.replace('version: "2025.1"', "version: 2025.1"), "version: expected text"),
        (lambda t: t + "  - code: A\n", "duplicate section"),
        (lambda t: t.replace("code: SMALL", "code: SMALL\ncolour: red"), "colour: unknown key"),
        (lambda t: "code: [", "not valid YAML"),
    ],
)
def test_invalid_files_are_refused_with_file_path_and_problem(db, tmp_path, mutation, problem):
    path = write(tmp_path)
    path.write_text(mutation(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(FrameworkFileError) as exc:
        load_all(tmp_path)
    assert problem in str(exc.value)
    assert str(path) in str(exc.value)
    assert not Framework.objects.exists()


def test_one_bad_file_stops_every_file_from_loading(db, tmp_path):
    write(tmp_path)
    other = tmp_path / "other" / "2025.1.yaml"
    other.parent.mkdir()
    other.write_text("code: OTHER\n", encoding="utf-8")
    with pytest.raises(FrameworkFileError):
        load_all(tmp_path)
    assert not Framework.objects.exists()


def test_the_published_model_refuses_changes(db, tmp_path):
    write(tmp_path)
    load_all(tmp_path)
    framework = Framework.objects.get()
    framework.name_en = "Changed"
    with pytest.raises(PublishedFrameworkError):
        framework.save()
    req = Requirement.objects.get()
    req.weight = 1
    with pytest.raises(PublishedFrameworkError):
        req.save()
    with pytest.raises(PublishedFrameworkError):
        framework.delete()


def test_the_command_loads_and_reports_errors(db, tmp_path):
    write(tmp_path)
    call_command("load_frameworks", dir=str(tmp_path))
    write(tmp_path, weight=4)
    with pytest.raises(CommandError, match="already published"):
        call_command("load_frameworks", dir=str(tmp_path))


def test_the_shipped_checklists_load(db):
    report = load_all(FRAMEWORKS_DIR)
    assert {"KR-TPRM 2025.1", "EC-PROVIDER 2025.1", "KR-TPRM 2025.2", "EC-PROVIDER 2025.2"} <= set(report.created)
    for version in ("2025.1", "2025.2"):
        kr = Framework.objects.get(code="KR-TPRM", version=version)
        assert kr.sections.count() == 13
        assert kr.requirements.filter(ref="KR-G3", critical=True).exists()


def _with_condition(path: Path, critical: bool) -> None:
    text = path.read_text(encoding="utf-8").replace("critical: false", f"critical: {str(critical).lower()}")
    text += '        not_applicable_if: {ko: "개인 고객이 없는 경우", en: "The firm has no individual customers."}\n'
    path.write_text(text, encoding="utf-8")


def test_a_knock_out_keeps_the_condition_under_which_it_may_be_not_applicable(db, tmp_path):
    _with_condition(write(tmp_path), critical=True)
    load_all(tmp_path)
    req = Requirement.objects.get(ref="S-A1")
    assert (req.not_applicable_if_ko, req.not_applicable_if_en) == (
        "개인 고객이 없는 경우", "The firm has no individual customers.",
    )


def test_a_condition_for_not_applicable_on_an_ordinary_item_is_refused(db, tmp_path):
    _with_condition(write(tmp_path), critical=False)
    with pytest.raises(FrameworkFileError) as exc:
        load_all(tmp_path)
    assert "not_applicable_if" in str(exc.value) and "knock-out" in str(exc.value)
