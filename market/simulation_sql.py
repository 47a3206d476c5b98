"""The outage classification of ``market.rules`` expressed in SQL, for market-wide simulations.

``rules.classify_dependency`` is the documented source of truth; this module mirrors it with CASE
expressions so a market of a million dependencies is classified in the database: per (firm, service)
for the counts (``classified``), and per dependency with its reason for the services a simulation
lists (``dependency_impacts``, grouped into services by ``market.simulation_detail``).
``tests/market/test_sql_agrees_with_rules.py`` runs both on the same varied data and compares them.

Outcome ranks: 0 not affected, 1 covered, 2 degraded within RTO, 3 lost beyond RTO (rules.OUTCOMES).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, CharField, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.fields.tuple_lookups import Tuple, TupleIn
from django.db.models.functions import Cast, Coalesce, Least

from market import rules

# The words of rules.DependencyImpact by code: the database answers small integers, shared in Python.
VIAS = ("direct", "subcontractor", "upstream")
REASONS = ("no_redundancy", "untested", "test_failed", "hidden_spof", "slower_than_rto", "tested")
# What dependency_impacts answers per reached dependency, in this order (market.simulation_detail reads it).
IMPACT_FIELDS = ("id", "organization_id", "service_reference", "firm_kind", "service_name", "importance",
                 "rto_minutes", "customers_affected", "vendor_name", "provider_id", "role", "strategy",
                 "test_on", "last_test_result", "best_recovery_minutes", "via", "reason", "rank", "down")


def _lost_or_degraded(duration: int) -> Case:
    # rules._down: lost when the downtime exceeds the RTO.
    return Case(When(rto_minutes__lt=duration, then=Value(3)), default=Value(2), output_field=IntegerField())


@dataclass(frozen=True)
class _Terms:
    """The conditions of rules.classify_dependency, as filters on a dependency row."""

    sub_hit: Q
    hit: Q
    no_measure: Q
    passed: Q
    compromised: Q
    within_rto: Q


def _terms(failed: list[int], knocked: list[int], contains_any) -> _Terms:
    sub_hit = contains_any("subcontractor_ids", failed)
    return _Terms(
        sub_hit=sub_hit,
        hit=Q(provider_id__in=[*failed, *knocked]) | sub_hit,
        no_measure=Q(strategy__in=["none", ""]),
        passed=Q(tested_redundancy=True) | Q(best_recovery_minutes__isnull=False, last_pass_on__isnull=False),
        # rules._alternate_compromised: the alternate is down too (a hidden single point of failure).
        compromised=(Q(alternate_provider_id__in=[*failed, *knocked]) | contains_any("alternate_upstream_ids", failed)
                     | contains_any("shared_upstream_ids", failed)),
        within_rto=Q(best_recovery_minutes__isnull=True) | Q(best_recovery_minutes__lte=F("rto_minutes")),
    )


def _rank(t: _Terms, duration: int) -> Case:
    return Case(
        When(t.no_measure, then=_lost_or_degraded(duration)),
        When(~t.passed, then=_lost_or_degraded(duration)),
        When(t.compromised, then=_lost_or_degraded(duration)),
        When(t.within_rto, then=Value(1)),
        # Tested but slower than the RTO: down min(duration, recovery); recovery > RTO here, so
        # lost exactly when the outage itself outlasts the RTO.
        default=_lost_or_degraded(duration),
        output_field=IntegerField(),
    )


def classified(qs: QuerySet, failed: list[int], knocked: list[int], duration: int, contains_any) -> QuerySet:
    """Per (firm, service) hit by the outage: its worst outcome rank and its downtime (minutes)."""
    t = _terms(failed, knocked, contains_any)
    down = Case(
        When(t.no_measure | ~t.passed | t.compromised, then=Value(duration)),
        When(t.within_rto, then=Value(None)),  # covered: not counted in the service's downtime
        default=Least(Value(duration), "best_recovery_minutes"),
        output_field=IntegerField(),
    )
    return (qs.filter(t.hit).values("organization_id", "service_reference", "firm_kind")
            .annotate(rank=Max(_rank(t, duration)), down=Max(down)).order_by())


def dependency_impacts(qs: QuerySet, failed: list[int], knocked: list[int], duration: int, contains_any,
                       pairs: list[tuple[int, str]] | None = None) -> QuerySet:
    """Every dependency the outage reaches, as ``IMPACT_FIELDS`` tuples: rules.classify_dependency in SQL.

    ``via`` and ``reason`` index ``VIAS`` and ``REASONS``, ``rank`` rules.OUTCOMES; ``down`` is the
    dependency's downtime (a covered one's switch-over included), ``test_on`` the last test's date as
    ISO text. ``pairs`` narrows to those (firm, service) pairs: the services a page shows.
    """
    t = _terms(failed, knocked, contains_any)
    qs = qs.filter(t.hit)
    if pairs is not None:
        qs = qs.filter(only_pairs(pairs))
    failing = t.no_measure | ~t.passed | t.compromised
    return qs.annotate(
        via=Case(When(provider_id__in=failed, then=Value(0)), When(t.sub_hit, then=Value(1)), default=Value(2),
                 output_field=IntegerField()),
        reason=Case(
            When(t.no_measure, then=Value(0)),
            When(~t.passed & Q(last_test_result="fail"), then=Value(2)),
            When(~t.passed, then=Value(1)),
            When(t.compromised, then=Value(3)),
            When(t.within_rto, then=Value(5)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        rank=_rank(t, duration),
        down=Case(When(failing, then=Value(duration)),
                  default=Least(Value(duration), Coalesce("best_recovery_minutes", Value(0))),
                  output_field=IntegerField()),
        test_on=Cast("last_test_on", CharField()),
    ).values_list(*IMPACT_FIELDS).order_by()


def only_pairs(pairs: list[tuple[int, str]]) -> TupleIn:
    """Rows of exactly these (firm, service) pairs: a row-value IN, not a firm list crossed with a reference
    list (which read every shown firm's rows with any shown reference, ~190,000 rows for 300 services)."""
    return TupleIn(Tuple(F("organization_id"), F("service_reference")), [tuple(p) for p in pairs])


def summary_and_first(services: QuerySet, per_kind: dict[str, int], limit: int | None) -> tuple[dict, list | None]:
    """``summary`` and, unless ``limit`` is None, ``first_services``: one statement over ``services``.

    The classification is the expensive part (a group over every reached dependency); it used to run
    once per question (three times). Here it is a MATERIALIZED common table expression, computed once,
    and the three answers come back as tagged rows of one UNION ALL (0: totals by kind and outcome,
    1: lost services per firm, 2: the services a page shows, in order).
    """
    from accounts.models import Organization

    org_table = Organization._meta.db_table
    materialized = "MATERIALIZED " if connection.vendor in ("postgresql", "sqlite") else ""
    # The LIMIT right over the ORDER BY lets the database keep only the first ``limit`` rows while it
    # sorts (a top-N heapsort); numbering them in that order is then a sort of ``limit`` rows. A window
    # over every classified service would sort them all first (0.6 s of a 300,000-row market).
    first = "" if limit is None else (
        " UNION ALL SELECT 2, CAST(NULL AS TEXT), f.organization_id, f.service_reference, "  # noqa: S608
        "ROW_NUMBER() OVER (ORDER BY f.rank DESC, f.name, f.service_reference), CAST(NULL AS BIGINT) "
        f"FROM (SELECT s.organization_id, s.service_reference, s.rank, o.name FROM s "
        f"JOIN {org_table} o ON o.id = s.organization_id "
        "ORDER BY s.rank DESC, o.name, s.service_reference LIMIT %s) f")
    with services.as_raw_sql() as (sql, params), connection.cursor() as cursor:
        cursor.execute(
            f"WITH s AS {materialized}({sql}) "  # noqa: S608
            "SELECT 0, firm_kind, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), rank, COUNT(*) FROM s "
            "GROUP BY firm_kind, rank "
            "UNION ALL SELECT 1, CAST(NULL AS TEXT), organization_id, CAST(NULL AS TEXT), COUNT(*), MAX(down) FROM s "
            "WHERE rank = 3 "
            f"GROUP BY organization_id{first}",
            [*params] if limit is None else [*params, limit])
        rows = cursor.fetchall()
    by_kind = [(kind, rank, n) for tag, kind, _o, _r, rank, n in rows if tag == 0]
    lost = [(org, n, d) for tag, _k, org, _r, n, d in rows if tag == 1]
    pairs = None if limit is None else [(org, ref) for tag, _k, org, ref, _pos, _n in
                                        sorted((r for r in rows if r[0] == 2), key=lambda r: r[4])]
    return _summary_of(by_kind, lost, per_kind), pairs


def _summary_of(by_kind, lost, per_kind: dict[str, int]) -> dict:
    totals: dict[str, dict[str, int]] = {}
    for kind, rank, n in by_kind:
        totals.setdefault(kind, dict.fromkeys(rules.OUTCOMES, 0))[rules.OUTCOMES[rank]] += n
    for kind, count in per_kind.items():
        entry = totals.setdefault(kind, dict.fromkeys(rules.OUTCOMES, 0))
        entry[rules.NOT_AFFECTED] += max(0, count - sum(entry.values()))
    return {"totals": dict(sorted(totals.items())),
            "lost": {org: {"lost_services": n, "max_downtime_minutes": d} for org, n, d in lost}}


def summary(services: QuerySet, per_kind: dict[str, int]) -> dict:
    """Totals by firm kind (not affected filled from ``per_kind``), and lost services per firm."""
    with services.as_raw_sql() as (sql, params), connection.cursor() as cursor:
        cursor.execute(f"SELECT firm_kind, rank, COUNT(*) FROM ({sql}) s GROUP BY firm_kind, rank", params)  # noqa: S608
        by_kind = cursor.fetchall()
        cursor.execute(
            f"SELECT organization_id, COUNT(*), MAX(down) FROM ({sql}) s WHERE rank = 3 "  # noqa: S608
            "GROUP BY organization_id", params)
        lost = cursor.fetchall()
    return _summary_of(by_kind, lost, per_kind)


def first_services(services: QuerySet, limit: int) -> list[tuple[int, str]]:
    """The (firm, service) pairs a page shows: worst first, then by firm name and service."""
    from accounts.models import Organization

    org_table = Organization._meta.db_table
    with services.as_raw_sql() as (sql, params), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.organization_id, s.service_reference FROM ({sql}) s "  # noqa: S608
            f"JOIN {org_table} o ON o.id = s.organization_id "
            "ORDER BY s.rank DESC, o.name, s.service_reference LIMIT %s", [*params, limit])
        return [(org, ref) for org, ref in cursor.fetchall()]
