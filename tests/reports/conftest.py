"""Catalog entries and a valid register workbook for the import tests."""

import io

import pytest

from reports.imports.sample import register_workbook
from vendors.models import ProviderCatalog


@pytest.fixture
def catalog(db) -> dict[str, ProviderCatalog]:
    rows = [
        ("aws", "Amazon Web Services, Inc.", "cloud", "US"),
        ("cloudflare", "Cloudflare, Inc.", "cdn_security", "US"),
        ("akamai", "Akamai Technologies, Inc.", "cdn_security", "US"),
        ("naver-cloud", "NAVER Cloud Corp.", "cloud", "KR"),
        ("letsencrypt", "Internet Security Research Group", "other", "US"),
    ]
    return {
        key: ProviderCatalog.objects.create(key=key, legal_name=name, category=cat, country=country)
        for key, name, cat, country in rows
    }


def valid_rows() -> dict[str, list[dict]]:
    return {
        "Vendors": [
            {"reference": "V-CF", "catalog": "cloudflare", "name": "CDN and WAF", "category": "cdn_security",
             "jurisdiction": "US", "data_location": "offshore", "shares_personal_credit": "no",
             "contract_start": "2024-01-01", "contract_end": "2026-12-31", "notice_period_days": 90,
             "audit_rights": "yes", "status": "Active", "subcontractors": "aws, letsencrypt"},
            {"reference": "V-AWS", "catalog": "aws", "name": "Cloud hosting", "category": "IaaS/PaaS cloud",
             "jurisdiction": "kr", "data_location": "kr_only", "shares_unique_id": True, "exit_plan_exists": "예",
             "exit_plan_target": "naver-cloud"},
        ],
        "Services": [
            {"reference": "S-WEB", "name": "Exchange web front", "importance": "critical", "is_core_business": "yes",
             "trading_path": "yes", "rto_minutes": 60, "max_tolerable_downtime_minutes": 240,
             "customers_affected": 500000},
            {"reference": "S-APP", "name": "+Mobile app", "importance": "Important", "rto_minutes": "120",
             "max_tolerable_downtime_minutes": 480},
        ],
        "Dependencies": [
            {"service_ref": "S-WEB", "vendor_ref": "V-CF", "role": "cdn", "substitutability": "lt_1w"},
            {"service_ref": "S-WEB", "vendor_ref": "V-AWS", "role": "Hosting"},
            {"service_ref": "S-APP", "vendor_ref": "V-CF", "role": "waf", "notes": "front door"},
        ],
        "Redundancy": [
            {"service_ref": "S-WEB", "vendor_ref": "V-CF", "role": "cdn", "strategy": "active_active",
             "alternate_provider": "akamai", "expected_switch_minutes": 5, "runbook_reference": "RB-1",
             "shared_upstreams": "letsencrypt"},
            {"service_ref": "S-WEB", "vendor_ref": "V-AWS", "role": "hosting", "strategy": "in_house"},
            {"service_ref": "S-APP", "vendor_ref": "V-CF", "role": "waf", "strategy": "none"},
        ],
    }


def xlsx(rows=None, **kwargs) -> io.BytesIO:
    return io.BytesIO(register_workbook(valid_rows() if rows is None else rows, **kwargs))
