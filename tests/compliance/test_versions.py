"""Checklist versions: ordering version strings, the newest published version, and what changed between two."""

import textwrap
from dataclasses import replace

import pytest

from compliance import selectors, versions
from compliance.loader import load_all
from compliance.models import Framework
from compliance.versions import RequirementFacts
from tests.factories.compliance import make_framework

A1 = RequirementFacts("A1", "정책이 있다.", "A policy exists.", False, 3, ("DOC", "MIN"))


def test_versions_are_compared_number_by_number():
    assert versions.is_newer("2025.10", "2025.9")
    assert versions.is_newer("2025.2", "2025.1") and versions.is_newer("2026.1", "2025.12")
    assert not versions.is_newer("2025.1", "2025.1") and not versions.is_newer("2025.9", "2025.10")
    assert sorted(["2025.10", "2025.9", "2025.1", "2026.1"], key=versions.version_key) == [
        "2025.1", "2025.9", "2025.10", "2026.1",
    ]


def test_the_diff_sorts_refs_into_added_changed_removed_and_unchanged():
    old = [A1, replace(A1, ref="A2"), replace(A1, ref="A3")]
    new = [A1, replace(A1, ref="A2", weight=5), replace(A1, ref="A4")]
    assert versions.diff(old, new) == versions.VersionDiff(
        added=("A4",), changed=("A2",), removed=("A3",), unchanged=("A1",),
    )


@pytest.mark.parametrize("change", [
    {"text_ko": "정책이 승인되어 있다."}, {"text_en": "An approved policy exists."}, {"critical": True},
    {"weight": 4}, {"evidence": ("DOC",)},
])
def test_any_change_to_what_the_firm_is_asked_makes_a_requirement_changed(change):
    assert versions.diff([A1], [replace(A1, **change)]).changed == ("A1",)


def test_the_order_of_evidence_codes_is_not_a_change():
    assert versions.diff([A1], [replace(A1, evidence=("MIN", "DOC"))]).unchanged == ("A1",)


CHECKLIST = textwrap.dedent("""\
    code: VERS
    version: "{version}"
    scope: firm
    name: {{ko: "버전 점검표", en: "Versioned checklist"}}
    description: {{ko: "설명", en: "Description"}}
    evidence_codes:
      DOC: {{ko: "정책", en: "Policy"}}
      RPT: {{ko: "보고서", en: "Report"}}
    sections:
      - code: A
        name: {{ko: "거버넌스", en: "Governance"}}
        requirements:
          - ref: V-A1
            text: {{ko: "정책이 있다.", en: "A policy exists."}}
            guidance: {{ko: "{guidance}", en: "Check"}}
            weight: 3
            critical: false
            evidence: [DOC]
            legal_basis: {{ko: "근거", en: "Basis"}}
            vendor_scope: false
          - ref: V-A2
            text: {{ko: "시험한다.", en: "{a2}"}}
            weight: 2
            critical: true
            evidence: [RPT]
            legal_basis: {{ko: "근거", en: "Basis"}}
            vendor_scope: false
    {extra}""")
EXTRA = textwrap.dedent("""\
          - ref: V-A3
            text: {ko: "보고한다.", en: "Reports are filed."}
            weight: 1
            critical: false
            evidence: [DOC]
            legal_basis: {ko: "근거", en: "Basis"}
            vendor_scope: false
""")


def write_version(directory, version, *, guidance="확인", a2="It is tested.", extra=""):
    path = directory / "vers" / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = CHECKLIST.format(version=version, guidance=guidance, a2=a2, extra=textwrap.indent(extra, " " * 6))
    path.write_text(text, encoding="utf-8")


def test_two_loaded_versions_differ_only_where_the_question_changed(db, tmp_path):
    write_version(tmp_path, "2025.1")
    # New guidance alone does not change the question; new wording and a new item do.
    write_version(tmp_path, "2025.2", guidance="이사회 의사록 확인", a2="It is tested every year.", extra=EXTRA)
    load_all(tmp_path)
    old, new = (Framework.objects.get(code="VERS", version=v) for v in ("2025.1", "2025.2"))
    assert versions.diff_frameworks(old, new) == versions.VersionDiff(
        added=("V-A3",), changed=("V-A2",), removed=(), unchanged=("V-A1",),
    )


def test_the_newest_published_version_is_found_by_number_not_by_text(db, tmp_path):
    for version in ("2025.1", "2025.9", "2025.10"):
        write_version(tmp_path, version)
    load_all(tmp_path)
    make_framework("VERS", version="2026.1", published=False)  # a draft is not offered to anyone
    latest = selectors.latest_framework("VERS")
    assert latest.version == "2025.10"
    older = Framework.objects.get(code="VERS", version="2025.9")
    assert selectors.newer_framework(older) == latest
    assert selectors.newer_framework(latest) is None
    assert selectors.latest_framework("NO-SUCH-CODE") is None
