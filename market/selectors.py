"""Market-wide reads: every aggregate runs in SQL over the latest *submitted* registers.

Drafts never count: a firm's live register reaches supervisors only through a submission, whose
rows (``SubmittedDependency``) were frozen at submission time. A firm counts with its latest
submission only (``is_latest``), and not at all once that submission is withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User
from market import concentration, rules, simulation_sql
from market.models import MarketTotal, SubmissionCriticalCount
from market.tuning import analytic
from review.models import Submission, SubmittedDependency, SubmittedIncident
from vendors.models import ProviderCatalog
from vendors.rules import CRITICAL_TIER
from vendors.selectors import regulator_catalog

TOP = 25
ROW_FIELDS = (
    "organization_id", "firm_kind", "service_reference", "service_name", "importance", "is_core_business",
    "rto_minutes", "customers_affected", "vendor_name", "provider_id", "provider_parent", "provider_category",
    "provider_country", "data_location", "role", "tier", "strategy", "alternate_provider_id", "alternate_in_house",
    "alternate_upstream_ids", "shared_upstream_ids", "has_shared_upstream", "last_test_on", "last_test_result",
    "last_pass_on", "best_recovery_minutes", "tested_redundancy", "is_spof", "subcontractor_ids",
)


def latest_dependencies(user: User, firm_kind: str = "") -> QuerySet[SubmittedDependency]:
    qs = (
        SubmittedDependency.objects.across_firms(user)
        .filter(submission__is_latest=True)
        .exclude(submission__decision="withdrawn")
    )
    return qs.filter(firm_kind=firm_kind) if firm_kind else qs


def as_of_per_firm(user: User, firm_kind: str = "") -> list[dict]:
    """Each counted firm and when its data is from (its latest submission)."""
    qs = Submission.objects.across_firms(user).filter(is_latest=True).exclude(decision="withdrawn")
    if firm_kind:
        qs = qs.filter(firm_kind=firm_kind)
    return list(
        qs.values("organization_id", "firm_kind", firm=F("organization__name"), firm_ko=F("organization__name_ko"))
        .annotate(as_of=Max("submitted_at"))
        .order_by("as_of", "firm")
    )


def _sorted(rows: list[dict], key: str, order: tuple[str, ...], limit: int | None) -> list[dict]:
    # Sorting the grouped rows (one per provider or group, never per dependency) in Python.
    rows = sorted(rows, key=lambda r: (*(-r[k] for k in order), str(r[key])))
    return rows[:limit] if limit else rows


def concentration_tables_by_scan(user: User, firm_kind: str = "", limit: int | None = TOP) -> dict[str, list[dict]]:
    """The reference: a full scan of every latest submitted dependency (what the aggregates must equal)."""
    return _shaped(concentration.tables(latest_dependencies(user, firm_kind)), limit)


@analytic
def concentration_tables(user: User, firm_kind: str = "", limit: int | None = TOP) -> dict[str, list[dict]]:
    """Providers, parents, countries and data locations from the market totals (one small query)."""
    _may_read_market(user)
    return _shaped(aggregated_tables(firm_kind), limit)


def _may_read_market(user: User) -> None:
    from accounts.tenancy import _may_read_across_firms

    _may_read_across_firms(user)


def _totals(firm_kind: str, tables: tuple[str, ...]) -> list[tuple]:
    """(table, k1, k2, k3, firms, critical, important, dependencies, tested, services) summed over the kinds."""
    qs = MarketTotal.objects.filter(table__in=tables, firms__gt=0)
    if firm_kind:
        qs = qs.filter(firm_kind=firm_kind)
    return list(qs.values_list("table", "k1", "k2", "k3").annotate(
        Sum("firms"), Sum("critical_services"), Sum("important_services"), Sum("dependencies"), Sum("tested"),
        Sum("services")).order_by())


def aggregated_tables(firm_kind: str = "", names: tuple[str, ...] = tuple(concentration.TABLES)) -> dict:
    """What ``concentration.tables`` gives over the market set, read from ``MarketTotal``."""
    out: dict[str, list[dict]] = {n: [] for n in names}
    for table, k1, k2, k3, *counts in _totals(firm_kind, names):
        if table == "providers":
            entry = {"provider_id": int(k1), "category": k2, "country": k3}
        else:
            entry = {"parent" if table == "parents" else "value": k1}
        entry.update(zip(concentration.COUNTS, (int(v or 0) for v in counts[:5]), strict=True))
        entry["tested_share"] = round(100 * entry["tested"] / entry["dependencies"]) if entry["dependencies"] else 0
        out[table].append(entry)
    return out


def _shaped(found: dict[str, list[dict]], limit: int | None) -> dict[str, list[dict]]:
    return {
        "providers": _named(_sorted(found["providers"], "provider_id",
                                    ("firms", "critical_services", "dependencies"), limit)),
        "parents": _sorted(found["parents"], "parent", ("firms", "dependencies"), limit),
        "countries": _sorted(found["countries"], "value", ("firms", "dependencies"), None),
        "locations": _sorted(found["locations"], "value", ("firms", "dependencies"), None),
    }


def _named(rows: list[dict]) -> list[dict]:
    catalog = {p["pk"]: p for p in regulator_catalog().filter(pk__in={r["provider_id"] for r in rows})
               .values("pk", "legal_name", "brand", "name_ko")}
    for r in rows:
        p = catalog.get(r["provider_id"], {})
        r.update(legal_name=p.get("legal_name", ""), brand=p.get("brand", ""), name_ko=p.get("name_ko", ""))
    return rows


def per_provider(user: User, firm_kind: str = "", limit: int | None = TOP) -> list[dict]:
    _may_read_market(user)
    found = aggregated_tables(firm_kind, ("providers",))["providers"]
    return _named(_sorted(found, "provider_id", ("firms", "critical_services", "dependencies"), limit))


def per_parent(user: User, firm_kind: str = "", limit: int | None = TOP) -> list[dict]:
    _may_read_market(user)
    found = aggregated_tables(firm_kind, ("parents",))["parents"]
    return _sorted(found, "parent", ("firms", "dependencies"), limit)


def per_field(user: User, field: str, firm_kind: str = "") -> list[dict]:
    """Per jurisdiction (``provider_country``) or data location (``data_location``)."""
    name = {"provider_country": "countries", "data_location": "locations"}[field]
    _may_read_market(user)
    found = aggregated_tables(firm_kind, (name,))[name]
    return _sorted(found, "value", ("firms", "dependencies"), None)


def category_hhi(user: User, firm_kind: str = "", counted=None) -> list[dict]:
    """Per category, HHI over providers' shares of critical dependencies, with its monthly trend.

    The headline figure *is* the trend's current point: both come from ``_category_hhi_by_month``,
    so the page cannot show two figures for the same month.
    """
    if counted is None:
        by_month = category_hhi_by_month(user, firm_kind)
    else:  # the reference: every submission walked month by month
        by_month = _category_hhi_by_month(user, firm_kind, counted)
    current = by_month[-1][1] if by_month else {}
    out = []
    for cat, providers in current.items():
        index = rules.hhi_from_counts(providers.values())
        trend = [(month, rules.hhi_from_counts(cats[cat].values())) for month, cats in by_month if cat in cats]
        out.append({"category": cat, "hhi": index, "band": rules.hhi_band(index), "providers": len(providers),
                    "critical_dependencies": sum(providers.values()), "trend": trend})
    return sorted(out, key=lambda r: (-r["hhi"], r["category"]))


def category_hhi_trend(user: User, firm_kind: str = "") -> dict[str, list[tuple[str, float]]]:
    """HHI per category per month (the months in which a firm submitted, and the current one)."""
    return {r["category"]: r["trend"] for r in category_hhi(user, firm_kind)}


def _critical_counts_by_scan(user: User, subs: QuerySet) -> list[tuple]:
    """The reference for the trend's inputs: grouped from every submitted critical dependency."""
    return list(SubmittedDependency.objects.across_firms(user).filter(submission__in=subs, tier=CRITICAL_TIER)
                .values_list("submission_id", "provider_category", "provider_id").annotate(n=Count("id"))
                .order_by())


def _critical_counts(user: User, subs: QuerySet) -> list[tuple]:
    """The trend's inputs as written with each submission (market.aggregates)."""
    return list(SubmissionCriticalCount.objects.across_firms(user).filter(submission__in=subs)
                .values_list("submission_id", "category", "provider_id", "dependencies"))


def category_hhi_by_month(user: User, firm_kind: str = "") -> list[tuple[str, dict[str, dict[int, int]]]]:
    """What ``_category_hhi_by_month`` gives, from the market totals (one query of months x categories x
    providers rows, market.aggregates.hhi_contributions): each month's changes summed, oldest first."""
    _may_read_market(user)
    changes: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    months = set()
    for table, month, cat, provider, n in (MarketTotal.objects.filter(
            table__in=("hhi", "hhi_months"), firm_kind=firm_kind, firms__gt=0)
            .values_list("table", "k1", "k2", "k3", "dependencies")):
        months.add(month)
        if table == "hhi" and n:
            changes[month].append((cat, int(provider), int(n)))
    if not months:
        return []
    market: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    out = []
    for month in sorted(months | {timezone.localtime().strftime("%Y-%m")}):
        for cat, provider, n in changes.get(month, ()):
            market[cat][provider] += n
            if not market[cat][provider]:
                del market[cat][provider]
            if not market[cat]:
                del market[cat]
        out.append((month, {cat: dict(sorted(p.items())) for cat, p in sorted(market.items())}))
    return out


def _category_hhi_by_month(user: User, firm_kind: str = "",
                           counted=_critical_counts) -> list[tuple[str, dict[str, dict[int, int]]]]:
    """[(month, {category: {provider: critical dependencies}})], oldest first, ending with the current month.

    A month's point is the market as a supervisor saw it at the month's end: each firm with its latest
    submission up to then (as ``latest_dependencies`` does for today), not at all when that submission
    is withdrawn. Counting every submission of a month instead would count a firm that resubmitted twice.
    """
    subs = Submission.objects.across_firms(user)
    if firm_kind:
        subs = subs.filter(firm_kind=firm_kind)
    submissions = list(subs.values_list("pk", "organization_id", "submitted_at", "decision")
                       .order_by("submitted_at", "pk"))
    if not submissions:
        return []
    counts: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = counted(user, subs)
    for sub_id, cat, provider, n in rows:
        counts[sub_id][cat][provider] = n
    months = sorted({timezone.localtime(at).strftime("%Y-%m") for _, _, at, _ in submissions}
                    | {timezone.localtime().strftime("%Y-%m")})
    out = []
    latest: dict[int, tuple[int, str]] = {}
    # The market is kept month to month: a firm's newer submission takes its earlier one's counts off
    # and adds its own (not one pass over every firm per month, which grew with firms x months).
    market: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def add(sub_id: int, decision: str, sign: int) -> None:
        if decision == "withdrawn":
            return
        for cat, providers in counts.get(sub_id, {}).items():
            for provider, n in providers.items():
                market[cat][provider] += sign * n
                if not market[cat][provider]:
                    del market[cat][provider]
            if not market[cat]:
                del market[cat]

    pending = iter(submissions)
    nxt = next(pending, None)
    for month in months:
        while nxt is not None and timezone.localtime(nxt[2]).strftime("%Y-%m") <= month:
            if nxt[1] in latest:
                add(*latest[nxt[1]], -1)
            latest[nxt[1]] = (nxt[0], nxt[3])
            add(nxt[0], nxt[3], 1)
            nxt = next(pending, None)
        out.append((month, {cat: dict(sorted(p.items())) for cat, p in sorted(market.items())}))
    return out


# --- JSON lists (nth parties) -------------------------------------------------------------------

def _elements_sql(inner_sql: str, column: str) -> str:
    """FROM-clause that unnests a JSON list column of the inner query, per database."""
    if connection.vendor == "postgresql":
        return f"({inner_sql}) d CROSS JOIN LATERAL jsonb_array_elements_text(d.{column}) AS e(value)"
    return f"({inner_sql}) d, json_each(d.{column}) AS e"


@analytic
def nth_party(user: User, firm_kind: str = "", limit: int = TOP) -> list[dict]:
    """Providers named as subcontractors by many vendors, from the market totals."""
    _may_read_market(user)
    per: dict[str, list[int]] = {}
    vendors: dict[str, int] = defaultdict(int)
    for table, sub, _provider, _k3, firms, _c, _i, deps, _t, _s in _totals(firm_kind, ("nth", "nth_vendor")):
        if table == "nth":
            per[sub] = [int(firms), int(deps)]
        else:
            vendors[sub] += 1
    # As the scan orders them: vendors, firms (both descending), then the id as text.
    found = sorted(((sub, vendors[sub], f, d) for sub, (f, d) in per.items()),
                   key=lambda r: (-r[1], -r[2], r[0]))[:limit]
    return _nth_named([(int(sub), v, f, d) for sub, v, f, d in found])


def _nth_named(found: list[tuple]) -> list[dict]:
    names = {p.pk: p for p in regulator_catalog().filter(pk__in=[f[0] for f in found])}
    return [{"provider": names.get(pk), "provider_id": pk, "vendors": v, "firms": f, "dependencies": d}
            for pk, v, f, d in found]


def nth_party_by_scan(user: User, firm_kind: str = "", limit: int = TOP) -> list[dict]:
    """The reference: every latest submitted dependency's subcontractor list unnested in the database."""
    inner = latest_dependencies(user, firm_kind).values("organization_id", "provider_id", "subcontractor_ids")
    value = "e.value" if connection.vendor == "postgresql" else "CAST(e.value AS TEXT)"
    with inner.as_raw_sql() as (sql, params), connection.cursor() as cursor:
        query = concentration.nth_party_sql(sql, _elements_sql(sql, "subcontractor_ids"), value)
        cursor.execute(query, [*params, limit])
        found = [(int(sub), vendors, firms, deps) for sub, vendors, firms, deps in cursor.fetchall()]
    return _nth_named(found)


def _contains_any(column: str, ids: list[int]) -> Q:
    """Rows whose JSON list ``column`` holds any of ``ids`` — in SQL on both databases."""
    if not ids:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        q = Q()
        for pk in ids:
            q |= Q(**{f"{column}__contains": [pk]})
        return q
    marks = ",".join(["%s"] * len(ids))
    table = SubmittedDependency._meta.db_table
    sub = RawSQL(  # noqa: S611 — ids are ints, passed as parameters
        f"SELECT t.id FROM {table} t, json_each(t.{column}) e WHERE e.value IN ({marks})",  # noqa: S608
        [int(i) for i in ids],
    )
    return Q(pk__in=sub)


# --- drill-down ---------------------------------------------------------------------------------

def provider_firms(user: User, provider_id: int, firm_kind: str = "") -> list[dict]:
    """Firms and services depending on the provider, directly or through a vendor's subcontractor."""
    qs = latest_dependencies(user, firm_kind).filter(Q(provider_id=provider_id) | _contains_any(
        "subcontractor_ids", [provider_id]))
    return list(
        qs.values(
            "organization_id", "firm_kind", "service_reference", "service_name", "importance", "rto_minutes",
            "vendor_name", "provider_id", "strategy", "tested_redundancy", "best_recovery_minutes", "last_test_on",
            "last_test_result", "is_spof", firm=F("organization__name"), as_of=F("submission__submitted_at"),
        ).order_by("organization__name", "service_reference", "vendor_name")
    )


# --- simulation ---------------------------------------------------------------------------------

def knocked_out_by(failed: list[int], *, within: QuerySet[ProviderCatalog]) -> list[int]:
    """Catalog providers that rely (known upstreams) on a failed provider, among those ``within`` the
    reader's catalog (vendors.selectors.visible_catalog): another firm's proposal is not named."""
    return list(within.filter(upstreams__in=failed).exclude(pk__in=failed)
                .values_list("pk", flat=True).distinct())


SIM_FIELDS = tuple(f for f in ROW_FIELDS if not f.endswith("_ids"))
IMPACT_CHUNK = 5_000


def simulation_impacts(user: User, failed: list[int], knocked: list[int], duration: int, firm_kind: str = "",
                       pairs: list[tuple[int, str]] | None = None) -> Iterator[tuple]:
    """Every reached dependency classified in SQL (``simulation_sql.dependency_impacts``), streamed.

    A server-side cursor on PostgreSQL: a full simulation reads hundreds of thousands of rows, which are
    turned into their services chunk by chunk instead of all held first. The driver's tuples are used as
    they come: every column is a plain int or text (``IMPACT_FIELDS``), so the ORM's per-row converters
    (a third of the Python time of a full simulation) have nothing to do.
    """
    qs = simulation_sql.dependency_impacts(latest_dependencies(user, firm_kind), failed, knocked, duration,
                                           _contains_any, pairs)
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with qs.as_raw_sql() as (sql, params):
        with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(IMPACT_CHUNK):
                yield from rows


def simulation_rows(user: User, failed: list[int], knocked: list[int], firm_kind: str = "",
                    pairs: list[tuple[int, str]] | None = None) -> list[dict]:
    """The rows the outage can reach, as the rules read them (the live outage board; and, classified by
    ``rules.classify_outage``, the reference ``simulation_impacts`` is tested against).

    The JSON lists are tested against the failed providers in SQL and come back as booleans, so no
    list is decoded in Python; the rows carry the failed ids in their place, which is all the rules look at.
    """
    sub_hit = _contains_any("subcontractor_ids", failed)
    qs = latest_dependencies(user, firm_kind).filter(Q(provider_id__in=[*failed, *knocked]) | sub_hit)
    if pairs is not None:
        qs = qs.filter(simulation_sql.only_pairs(pairs))
    qs = qs.annotate(
        sub_hit=ExpressionWrapper(sub_hit, output_field=BooleanField()),
        alt_hit=ExpressionWrapper(_contains_any("alternate_upstream_ids", failed)
                                  | _contains_any("shared_upstream_ids", failed), output_field=BooleanField()),
    )
    rows = list(qs.values(*SIM_FIELDS, "sub_hit", "alt_hit", firm_name=F("organization__name"),
                          as_of=F("submission__submitted_at")))
    for r in rows:
        r["subcontractor_ids"] = failed if r.pop("sub_hit") else ()
        r["alternate_upstream_ids"] = failed if r.pop("alt_hit") else ()
        r["shared_upstream_ids"] = ()
    return rows


def latest_firms(user: User, organization_ids=None) -> dict[int, dict]:
    """Name, kind and as-of of the given firms' latest submissions (every counted firm's when None)."""
    qs = Submission.objects.across_firms(user).filter(is_latest=True).exclude(decision="withdrawn")
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=list(organization_ids))
    rows = qs.values("organization_id", "firm_kind", firm_name=F("organization__name"), as_of=F("submitted_at"))
    return {r["organization_id"]: r for r in rows}


def services_per_kind(user: User, firm_kind: str = "") -> dict[str, int]:
    """(firm, service) pairs per firm kind, from the market totals (the simulation's baseline)."""
    _may_read_market(user)
    qs = MarketTotal.objects.filter(table="services", firms__gt=0)
    if firm_kind:
        qs = qs.filter(firm_kind=firm_kind)
    found = qs.values_list("firm_kind").annotate(n=Sum("services")).order_by()
    return {kind: int(n) for kind, n in found if n}


def services_per_kind_by_scan(user: User, firm_kind: str = "") -> dict[str, int]:
    """The reference: (firm, service) pairs per firm kind, counted over a GROUP BY of every row."""
    inner = latest_dependencies(user, firm_kind).values(
        g_kind=F("firm_kind"), g_org=F("organization_id"), g_svc=F("service_reference")).annotate(n=Count("id"))
    with inner.order_by().as_raw_sql() as (sql, params), connection.cursor() as cursor:
        cursor.execute(f"SELECT g_kind, COUNT(*) FROM ({sql}) s GROUP BY g_kind", params)  # noqa: S608
        return {kind: n for kind, n in cursor.fetchall()}


# --- incidents ----------------------------------------------------------------------------------

def event_incidents(user: User, event_id: int) -> list[dict]:
    """Incidents firms reported for the event, in their latest submission, with their RTOs."""
    rows = list(
        SubmittedIncident.objects.across_firms(user)
        .filter(outage_event_id=event_id, submission__is_latest=True)
        .exclude(submission__decision="withdrawn")
        .values("organization_id", "reference", "provider_id", "started_at", "ended_at", "duration_minutes",
                "users_affected", "reported_to_supervisor_at", "declared_tested_redundancy",
                firm=F("organization__name"), firm_kind=F("submission__firm_kind"),
                as_of=F("submission__submitted_at"))
        .order_by("organization__name", "reference")
    )
    # The smallest RTO among the firm's services on that provider: the tightest promise it made.
    providers = {r["provider_id"] for r in rows}
    rtos = (
        latest_dependencies(user).filter(organization_id__in={r["organization_id"] for r in rows},
                                         provider_id__in=providers)
        .values("organization_id", "provider_id").annotate(rto=Min("rto_minutes"))
    )
    rto = {(r["organization_id"], r["provider_id"]): r["rto"] for r in rtos}
    for r in rows:
        r["rto_minutes"] = rto.get((r["organization_id"], r["provider_id"]))
    return rows
