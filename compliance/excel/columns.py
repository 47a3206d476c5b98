"""Columns of the checklist workbook and the response labels, in both languages.

The labels are spelled out here (not taken from the translation catalogue) so a workbook downloaded
in Korean can be uploaded by a colleague whose interface is in English, and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from compliance.choices import Response
from reports.imports.values import norm  # one comparison for every import: NFC, spaces, case

SHEET_TITLE = {"ko": "점검표", "en": "Checklist"}


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    ko: str
    width: int
    editable: bool = False

    def label(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", "참조번호", 12),
    Column("section", "Section", "섹션", 24),
    Column("text", "Requirement", "요구사항", 70),
    Column("weight", "Weight", "가중치", 8),
    Column("critical", "Critical (knock-out)", "필수(KO)", 10),
    Column("response", "Response", "응답", 20, editable=True),
    Column("na_reason", "N/A reason", "해당 없음 사유", 30, editable=True),
    Column("comment", "Comment", "의견", 40, editable=True),
)
KEYS = tuple(c.key for c in COLUMNS)
# The columns an upload must carry; the descriptive ones may be dropped.
REQUIRED = ("ref", "response", "na_reason", "comment")

RESPONSE_LABELS: dict[str, tuple[str, str]] = {
    Response.COMPLIANT: ("Compliant", "준수"),
    Response.PARTIAL: ("Partially compliant", "부분 준수"),
    Response.NON_COMPLIANT: ("Non-compliant", "미준수"),
    Response.NOT_APPLICABLE: ("Not applicable", "해당 없음"),
}
YES = {"en": "Yes", "ko": "예"}


def language() -> str:
    return "ko" if (get_language() or "ko").startswith("ko") else "en"


def response_label(code: str, lang: str) -> str:
    en, ko = RESPONSE_LABELS.get(code, (code, code))
    return ko if lang == "ko" else en


def response_lookup() -> dict[str, str]:
    """Every accepted spelling (either language, or the code itself) → the response code."""
    lookup = {}
    for code, (en, ko) in RESPONSE_LABELS.items():
        for spelling in (code, en, ko):
            lookup[norm(spelling)] = str(code)
    return lookup


def header_lookup() -> dict[str, str]:
    lookup = {}
    for column in COLUMNS:
        for spelling in (column.key, column.en, column.ko):
            lookup[norm(spelling)] = column.key
    return lookup
