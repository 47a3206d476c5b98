"""Loads the checklist data files (``compliance/frameworks/<code>/<version>.yaml``) into the database.

* Idempotent: loading the same file again changes nothing.
* Immutable versions: a file whose checksum differs from the one recorded for its (code, version)
  is refused with an error naming the file. Correct a checklist by adding a new version file.
* A new version creates new rows; older versions and the assessments answered against them stay.
* Strict validation before anything is written: every problem is reported as ``file: path: problem``
  and nothing of an invalid file is loaded. All files are validated before any is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from compliance.choices import FIRM_KINDS, TIERS
from compliance.models import Framework, Requirement, Section

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
SCOPES = ("firm", "vendor")
APPLIES_KEYS = {"tiers", "firm_kinds", "vendor_categories"}
REQUIREMENT_KEYS = {
    "ref", "text", "guidance", "weight", "critical", "evidence", "legal_basis", "applies_to", "vendor_scope",
    "not_applicable_if",
}
REQUIRED_REQUIREMENT_KEYS = REQUIREMENT_KEYS - {"applies_to", "guidance", "not_applicable_if"}
TOP_KEYS = {"code", "version", "scope", "name", "description", "evidence_codes", "sections"}


class FrameworkFileError(Exception):
    """A data file is invalid or conflicts with a published version; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # "KR-TPRM 2025.1"
    unchanged: list[str] = field(default_factory=list)


def _vendor_categories() -> set[str]:
    from vendors.choices import ProviderCategory

    return set(ProviderCategory.values)


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{self.path}: {where}: {problem}")

    def mapping(self, value: Any, where: str, keys: set[str], required: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(where, "expected a mapping")
            return False
        for key in sorted(set(value) - keys):
            self.fail(f"{where}.{key}", "unknown key")
        for key in sorted(required - set(value)):
            self.fail(f"{where}.{key}", "missing")
        return True

    def text(self, value: Any, where: str, *, bilingual: bool = True) -> None:
        if bilingual:
            if not self.mapping(value, where, {"ko", "en"}, {"ko", "en"}):
                return
            for lang in ("ko", "en"):
                if lang in value:
                    self.text(value[lang], f"{where}.{lang}", bilingual=False)
        elif not isinstance(value, str) or not value.strip():
            self.fail(where, "expected non-empty text")

    def string_list(self, value: Any, where: str, allowed: set[str] | None = None) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, "expected a list of strings")
            return
        for v in value:
            if allowed is not None and v not in allowed:
                self.fail(where, f"unknown value {v!r} (expected one of {', '.join(sorted(allowed))})")
        if len(set(value)) != len(value):
            self.fail(where, "duplicate values")

    def check(self, data: Any) -> None:
        if not self.mapping(data, "(top)", TOP_KEYS, TOP_KEYS):
            return
        for key in ("code", "version"):
            if key in data and (not isinstance(data[key], str) or not data[key].strip()):
                self.fail(key, "expected text (quote versions: version: \"2025.1\")")
        if data.get("scope") not in SCOPES:
            self.fail("scope", f"expected one of {', '.join(SCOPES)}")
        for key in ("name", "description"):
            if key in data:
                self.text(data[key], key)
        codes = data.get("evidence_codes")
        if isinstance(codes, dict) and codes:
            for code, label in codes.items():
                self.text(label, f"evidence_codes.{code}")
        else:
            self.fail("evidence_codes", "expected a non-empty mapping")
            codes = {}
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.fail("sections", "expected a non-empty list")
            return
        section_codes, refs = set(), set()
        for i, section in enumerate(sections):
            where = f"sections[{i}]"
            if not self.mapping(section, where, {"code", "name", "requirements"}, {"code", "name", "requirements"}):
                continue
            code = section.get("code")
            if not isinstance(code, str) or not code.strip():
                self.fail(f"{where}.code", "expected text")
            elif code in section_codes:
                self.fail(f"{where}.code", f"duplicate section {code!r}")
            section_codes.add(code)
            if "name" in section:
                self.text(section["name"], f"{where}.name")
            reqs = section.get("requirements")
            if not isinstance(reqs, list) or not reqs:
                self.fail(f"{where}.requirements", "expected a non-empty list")
                continue
            for j, req in enumerate(reqs):
                self.requirement(req, f"{where}.requirements[{j}]", set(codes), refs)

    def requirement(self, req: Any, where: str, evidence_codes: set[str], refs: set[str]) -> None:
        if not self.mapping(req, where, REQUIREMENT_KEYS, REQUIRED_REQUIREMENT_KEYS):
            return
        ref = req.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            self.fail(f"{where}.ref", "expected text")
        elif ref in refs:
            self.fail(f"{where}.ref", f"duplicate reference {ref!r}")
        else:
            where = f"{where} ({ref})"
            refs.add(ref)
        for key in ("text", "legal_basis", "guidance", "not_applicable_if"):
            if key in req:
                self.text(req[key], f"{where}.{key}")
        if "not_applicable_if" in req and req.get("critical") is not True:
            # Only a knock-out needs a stated condition for "not applicable": any other item may be N/A with a reason.
            self.fail(f"{where}.not_applicable_if", "only a knock-out (critical: true) states when it may be N/A")
        weight = req.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 5:
            self.fail(f"{where}.weight", "expected a whole number from 1 to 5")
        for key in ("critical", "vendor_scope"):
            if key in req and not isinstance(req[key], bool):
                self.fail(f"{where}.{key}", "expected true or false")
        if "evidence" in req:
            self.string_list(req["evidence"], f"{where}.evidence", evidence_codes)
        applies = req.get("applies_to")
        if applies is not None and self.mapping(applies, f"{where}.applies_to", APPLIES_KEYS, set()):
            allowed = {"tiers": set(TIERS), "firm_kinds": set(FIRM_KINDS), "vendor_categories": _vendor_categories()}
            for key, values in applies.items():
                if key in allowed:
                    self.string_list(values, f"{where}.applies_to.{key}", allowed[key])


def checksum(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse(path: Path) -> tuple[dict, str]:
    """Read and validate one file; raises FrameworkFileError listing every problem."""
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise FrameworkFileError([f"{path}: (file): not valid YAML: {exc}"]) from exc
    checker = _Checker(path)
    checker.check(data)
    if checker.problems:
        raise FrameworkFileError(checker.problems)
    return data, checksum(raw)


def _create(data: dict, digest: str, path: Path) -> Framework:
    framework = Framework.objects.create(
        code=data["code"],
        version=data["version"],
        scope=data["scope"],
        name_ko=data["name"]["ko"],
        name_en=data["name"]["en"],
        description_ko=data["description"]["ko"],
        description_en=data["description"]["en"],
        evidence_codes=data["evidence_codes"],
        source_path=str(path.relative_to(FRAMEWORKS_DIR.parent.parent)) if path.is_relative_to(
            FRAMEWORKS_DIR.parent.parent) else str(path),
        checksum=digest,
    )
    sections = Section.objects.bulk_create([
        Section(framework=framework, code=s["code"], name_ko=s["name"]["ko"], name_en=s["name"]["en"], order=i)
        for i, s in enumerate(data["sections"])
    ])
    requirements, order = [], 0
    for section, s in zip(sections, data["sections"], strict=True):
        for r in s["requirements"]:
            applies = r.get("applies_to") or {}
            guidance = r.get("guidance") or {"ko": "", "en": ""}
            not_applicable_if = r.get("not_applicable_if") or {"ko": "", "en": ""}
            requirements.append(Requirement(
                framework=framework, section=section, ref=r["ref"], order=order,
                text_ko=r["text"]["ko"], text_en=r["text"]["en"],
                guidance_ko=guidance["ko"], guidance_en=guidance["en"],
                weight=r["weight"], critical=r["critical"], evidence=r["evidence"],
                legal_basis_ko=r["legal_basis"]["ko"], legal_basis_en=r["legal_basis"]["en"],
                applies_tiers=applies.get("tiers", []), applies_firm_kinds=applies.get("firm_kinds", []),
                applies_vendor_categories=applies.get("vendor_categories", []), vendor_scope=r["vendor_scope"],
                not_applicable_if_ko=not_applicable_if["ko"], not_applicable_if_en=not_applicable_if["en"],
            ))
            order += 1
    Requirement.objects.bulk_create(requirements)
    # Published last, once every row exists: from here on the model refuses changes.
    framework.published_at = timezone.now()
    framework.save(update_fields=["published_at"])
    return framework


def load_files(paths: list[Path]) -> LoadReport:
    """Validate every file first, then load the new versions in one transaction."""
    problems: list[str] = []
    parsed: list[tuple[Path, dict, str]] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in sorted(paths):
        try:
            data, digest = parse(path)
        except FrameworkFileError as exc:
            problems.extend(exc.problems)
            continue
        key = (data["code"], data["version"])
        if key in seen:
            problems.append(f"{path}: (top): {key[0]} {key[1]} is also defined in {seen[key]}")
            continue
        seen[key] = path
        parsed.append((path, data, digest))

    existing = {(f.code, f.version): f for f in Framework.objects.filter(code__in=[k[0] for k in seen])}
    for path, data, digest in parsed:
        known = existing.get((data["code"], data["version"]))
        if known is not None and known.checksum != digest:
            problems.append(
                f"{path}: (file): {data['code']} {data['version']} is already published with another content "
                f"(checksum {known.checksum[:12]}…, file {digest[:12]}…). A published version is immutable: "
                "restore the file and add the change as a new version."
            )
    if problems:
        raise FrameworkFileError(problems)

    report = LoadReport()
    with transaction.atomic():
        for path, data, digest in parsed:
            label = f"{data['code']} {data['version']}"
            if (data["code"], data["version"]) in existing:
                report.unchanged.append(label)
            else:
                _create(data, digest, path)
                report.created.append(label)
    return report


def framework_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or FRAMEWORKS_DIR).glob("*/*.yaml"))


def load_all(directory: Path | None = None) -> LoadReport:
    return load_files(framework_files(directory))
