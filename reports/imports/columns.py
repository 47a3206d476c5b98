"""The register workbook's sheets and columns: one table read by the template builder and the parser.

Every sheet has two header rows, Korean (row 1) then English (row 2); data starts on row 3. Either
header row (or the column key) identifies a column, so columns may be reordered, and optional
columns may be left out (a missing optional column leaves that field of existing rows unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from vendors.choices import (
    DataLocation,
    DependencyRole,
    Importance,
    ProviderCategory,
    Strategy,
    SwitchTime,
    VendorStatus,
)

HEADER_ROWS = 2
FIRST_DATA_ROW = HEADER_ROWS + 1

# Kinds of cell: how a raw value is turned into a model value.
TEXT, INT, DATE, BOOL, CHOICE, COUNTRY, CATALOG, CATALOGS, REF = (
    "text", "int", "date", "bool", "choice", "country", "catalog", "catalogs", "ref",
)


@dataclass(frozen=True)
class Column:
    key: str  # model field name; for REF columns the pseudo field (service_ref, vendor_ref)
    ko: str
    en: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    width: str = "short"
    # Korean headers of earlier templates, still read so that a file filled from one imports unchanged.
    former_ko: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.ko} / {self.en}"

    @property
    def list_name(self) -> str | None:
        """The hidden Lists sheet range that feeds this column's drop-down."""
        if self.kind == BOOL:
            return "yes_no"
        if self.kind == CHOICE and self.choices is not None:
            return self.choices.__name__
        return None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    ko_name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row (match with the register)
    former_ko_names: tuple[str, ...] = ()  # Korean sheet names of earlier templates, still read

    def title(self, language: str) -> str:
        return self.ko_name if language == "ko" else self.name

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


VENDORS = SheetSpec(
    "Vendors",
    "공급업체",
    (
        Column("reference", "공급업체 참조", "Vendor reference", required=True, width="code",
               former_ko=("공급자 참조",)),
        Column("catalog", "공급업체 목록 키", "Provider catalog key", CATALOG, required=True, width="code",
               former_ko=("제공자 카탈로그 키",)),
        Column("name", "명칭", "Name", required=True, width="name"),
        Column("category", "범주", "Category", CHOICE, True, ProviderCategory, "name"),
        Column("jurisdiction", "관할 국가", "Jurisdiction", COUNTRY, required=True, width="flag"),
        Column("data_location", "데이터 위치", "Data location", CHOICE, True, DataLocation, "name"),
        Column("data_region", "데이터 리전", "Data region"),
        Column("shares_personal_credit", "개인신용정보 제공", "Shares personal credit information", BOOL),
        Column("shares_unique_id", "고유식별정보 제공", "Shares unique identifiers", BOOL),
        Column("shares_transaction_data", "거래정보 제공", "Shares transaction data", BOOL),
        Column("shares_crypto_keys", "암호키 제공", "Shares cryptographic keys", BOOL),
        Column("contract_reference", "계약 번호", "Contract reference"),
        Column("contract_start", "계약 시작일", "Contract start", DATE, width="date"),
        Column("contract_end", "계약 종료일", "Contract end", DATE, width="date"),
        Column("notice_period_days", "해지 통보 기간(일)", "Notice period (days)", INT, width="number"),
        Column("audit_rights", "감사·정보 접근권", "Audit and information rights", BOOL),
        Column("supervisory_access", "감독기관 접근권", "Supervisory access right", BOOL),
        Column("exit_clause", "계약 종료 조항", "Exit clause", BOOL),
        Column("priority_contract", "중점관리 계약", "Priority contract", BOOL),
        Column("undisclosed_subcontractors", "주요 재위탁업체 미공개", "Critical subcontractors undisclosed", BOOL,
               former_ko=("재위탁사 미공개",)),
        Column("status", "상태", "Status", CHOICE, choices=VendorStatus),
        Column("subcontractors", "재위탁업체 키(쉼표 구분)", "Subcontractor keys (comma-separated)", CATALOGS,
               width="long", former_ko=("재위탁사 키(쉼표 구분)",)),
        Column("exit_plan_exists", "출구 계획 보유", "Exit plan exists", BOOL),
        Column("exit_plan_reviewed_on", "출구 계획 검토일", "Exit plan last reviewed", DATE, width="date"),
        Column("exit_plan_target", "출구 대상 공급업체 키", "Exit target provider key", CATALOG, width="code",
               former_ko=("출구 대상 제공자 키",)),
        Column("exit_plan_in_house", "자체 전환", "Exit to in-house", BOOL),
        Column("exit_plan_duration_days", "출구 예상 기간(일)", "Exit estimated duration (days)", INT, width="number"),
    ),
    key=("reference",),
    former_ko_names=("공급자",),
)

SERVICES = SheetSpec(
    "Services",
    "업무 서비스",
    (
        Column("reference", "서비스 참조", "Service reference", required=True, width="code"),
        Column("name", "서비스명", "Name", required=True, width="name"),
        Column("description", "설명", "Description", width="long"),
        Column("importance", "중요도", "Importance", CHOICE, True, Importance),
        Column("is_core_business", "핵심업무", "Core business", BOOL),
        Column("customer_facing", "고객 대면", "Customer-facing", BOOL),
        Column("trading_path", "거래·입출금·지갑·로그인 경로", "Trading/deposit/wallet/login path", BOOL),
        Column("rto_minutes", "목표 복구 시간(분)", "RTO (minutes)", INT, required=True, width="number"),
        Column("rpo_minutes", "목표 복구 시점(분)", "RPO (minutes)", INT, width="number"),
        Column(
            "max_tolerable_downtime_minutes", "최대 허용 중단 시간(분)", "Maximum tolerable downtime (minutes)",
            INT, required=True, width="number",
        ),
        Column("customers_affected", "영향 고객 수(최대)", "Customers affected at peak", INT, width="number"),
    ),
    key=("reference",),
)

DEPENDENCIES = SheetSpec(
    "Dependencies",
    "의존관계",
    (
        Column("service_ref", "서비스 참조", "Service reference", REF, required=True, width="code"),
        Column("vendor_ref", "공급업체 참조", "Vendor reference", REF, required=True, width="code",
               former_ko=("공급자 참조",)),
        Column("role", "역할", "Role", CHOICE, True, DependencyRole),
        Column("substitutability", "대체 소요 기간", "Time to switch to an alternative", CHOICE, choices=SwitchTime),
        Column("notes", "비고", "Notes", width="long"),
    ),
    key=("service_ref", "vendor_ref", "role"),
)

REDUNDANCY = SheetSpec(
    "Redundancy",
    "이중화",
    (
        Column("service_ref", "서비스 참조", "Service reference", REF, required=True, width="code"),
        Column("vendor_ref", "공급업체 참조", "Vendor reference", REF, required=True, width="code",
               former_ko=("공급자 참조",)),
        Column("role", "역할", "Role", CHOICE, True, DependencyRole),
        Column("strategy", "이중화 전략", "Strategy", CHOICE, True, Strategy, "name"),
        Column("alternate_provider", "대체 공급업체 키", "Alternate provider key", CATALOG, width="code",
               former_ko=("대체 제공자 키",)),
        Column("alternate_in_house", "자체 대체", "In-house alternate", BOOL),
        Column("expected_switch_minutes", "예상 전환 시간(분)", "Expected switch-over (minutes)", INT, width="number"),
        Column("runbook_reference", "런북 참조", "Runbook reference", width="name"),
        Column("shared_upstreams", "공유 상위 공급업체 키(쉼표 구분)", "Shared upstream keys (comma-separated)",
               CATALOGS, width="long", former_ko=("공유 상위 제공자 키(쉼표 구분)",)),
        Column("notes", "비고", "Notes", width="long"),
    ),
    key=("service_ref", "vendor_ref", "role", "strategy", "alternate_provider"),
)

SHEETS: tuple[SheetSpec, ...] = (VENDORS, SERVICES, DEPENDENCIES, REDUNDANCY)
YES_NO_CODES = ("yes", "no")
