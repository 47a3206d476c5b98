"""Concentration tables in SQL: per provider, ultimate parent, jurisdiction and data location.

All four come from one statement. The base (a CTE) scans and joins the latest submitted rows once,
grouped per (firm, service, provider, parent, country, location); each table then groups the base
per (group, firm, service), per (group, firm) and per group. Only GROUP BYs (hash aggregates), no
``COUNT(DISTINCT firm || service)``, which would sort every row; and no per-row Python.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from vendors.rules import CRITICAL_TIER, IMPORTANT_TIER

_BASE_KEYS = {
    "b_provider": F("provider_id"), "b_category": F("provider_category"), "b_country": F("provider_country"),
    "b_parent": Coalesce(NullIf("provider_parent", Value("")), "provider__legal_name", output_field=CharField()),
    "b_location": F("data_location"),
}
# Each table: its output key names and the base columns they come from.
TABLES = {
    "providers": {"provider_id": "b_provider", "category": "b_category", "country": "b_country"},
    "parents": {"parent": "b_parent"},
    "countries": {"value": "b_country"},
    "locations": {"value": "b_location"},
}
COUNTS = ("firms", "critical_services", "important_services", "dependencies", "tested")
# Every branch of the UNION has one slot per base key (NULL where unused), so each slot has one type.
_SLOTS = tuple(_BASE_KEYS)


def _base(qs: QuerySet) -> QuerySet:
    # Grouped by the integer and short keys only: a firm's snapshot gives a provider one category,
    # country and parent, so those are carried with MAX() instead of widening the hashed key.
    carried = {k: Max(v) for k, v in _BASE_KEYS.items() if k not in ("b_provider", "b_location")}
    base = qs.values(b_provider=F("provider_id"), b_location=F("data_location"), g_org=F("organization_id"),
                     g_svc=F("service_reference")).annotate(
        **carried,
        # A service is critical on a provider when one of its dependencies there is T1 (the one criticality
        # notion, vendors.rules), important when one is T2; _branch keeps the two apart.
        g_crit=Max(Case(When(tier=CRITICAL_TIER, then=Value(1)), default=Value(0))),
        g_imp=Max(Case(When(tier=IMPORTANT_TIER, then=Value(1)), default=Value(0))),
        g_deps=Count("id"),
        g_tested=Count("id", filter=Q(tested_redundancy=True)),
    )
    return base.order_by()


def _branch(name: str, columns: dict[str, str]) -> str:
    cols = ", ".join(columns.values())
    padded = ", ".join(slot if slot in columns.values() else "NULL" for slot in _SLOTS)
    return (
        f"SELECT '{name}', {padded}, COUNT(*), SUM(crit), SUM(imp), SUM(deps), SUM(tested) FROM ("  # noqa: S608
        f"SELECT {cols}, g_org, MAX(crit) AS crit, MAX(imp) AS imp, SUM(deps) AS deps, SUM(tested) AS tested "
        f"FROM (SELECT {cols}, g_org, g_svc, MAX(g_crit) AS crit, MAX(g_imp) * (1 - MAX(g_crit)) AS imp, "
        "SUM(g_deps) AS deps, "
        f"SUM(g_tested) AS tested FROM base GROUP BY {cols}, g_org, g_svc) per_service "
        f"GROUP BY {cols}, g_org) per_firm GROUP BY {cols}"
    )


def tables(qs: QuerySet, names: tuple[str, ...] = tuple(TABLES)) -> dict[str, list[dict]]:
    """{table name: rows with the group keys and COUNTS}, unsorted; one query for all ``names``."""
    union = " UNION ALL ".join(_branch(n, TABLES[n]) for n in TABLES if n in names)
    out: dict[str, list[dict]] = {n: [] for n in names}
    with _base(qs).as_raw_sql() as (sql, params), connection.cursor() as cursor:
        cursor.execute(f"WITH base AS ({sql}) {union}", params)
        for row in cursor.fetchall():
            name, slots, counts = row[0], dict(zip(_SLOTS, row[1:], strict=False)), row[1 + len(_SLOTS):]
            entry = {key: slots[slot] for key, slot in TABLES[name].items()}
            entry.update(zip(COUNTS, (int(v or 0) for v in counts), strict=True))
            entry["tested_share"] = round(100 * entry["tested"] / entry["dependencies"]) if entry["dependencies"] else 0
            out[name].append(entry)
    return out


def nth_party_sql(inner_sql: str, elements_from: str, value: str) -> str:
    """Per subcontractor: distinct vendors (providers), distinct firms and dependencies naming it.

    Grouped per (subcontractor, provider, firm) once, then counted per subcontractor through two
    small GROUP BYs instead of two ``COUNT(DISTINCT ...)`` over every unnested element.
    """
    return (
        f"WITH per AS (SELECT {value} AS sub, d.provider_id AS provider_id, d.organization_id AS org, "  # noqa: S608
        f"COUNT(*) AS n FROM {elements_from} GROUP BY {value}, d.provider_id, d.organization_id), "
        "vendors AS (SELECT sub, COUNT(*) AS vendors FROM (SELECT sub, provider_id FROM per "
        "GROUP BY sub, provider_id) v GROUP BY sub), "
        "firms AS (SELECT sub, COUNT(*) AS firms, SUM(n) AS deps FROM (SELECT sub, org, SUM(n) AS n FROM per "
        "GROUP BY sub, org) f GROUP BY sub) "
        "SELECT firms.sub, vendors.vendors, firms.firms, firms.deps FROM firms "
        "JOIN vendors ON vendors.sub = firms.sub "
        "ORDER BY 2 DESC, 3 DESC, 1 LIMIT %s"
    )
