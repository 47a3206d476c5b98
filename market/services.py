"""Running, saving and sharing outage simulations."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from core.concurrency import save_versioned
from market import rules, selectors, simulation_detail, simulation_sql
from market.models import SavedSimulation
from market.tuning import analytic
from vendors.models import OutageEvent
from vendors.selectors import regulator_catalog, visible_catalog


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, tuples as lists (what is stored is what is shown later)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def failed_providers(
    *, organization: Organization | None, provider_ids: list[int] | None = None, category: str = "", country: str = ""
) -> list[int]:
    """The providers a scenario takes down: chosen ones, or all of a category, or all of a country.

    Only among the providers the organisation may see: another firm's proposal is as unknown as an id
    that does not exist, so the answer never tells one from the other.
    """
    catalog = visible_catalog(organization)
    chosen = {int(p) for p in provider_ids or []}
    ids = set(catalog.filter(pk__in=chosen).values_list("pk", flat=True)) if chosen else set()
    if chosen - ids:
        raise ValidationError({"providers": _("Unknown provider: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in sorted(chosen - ids))}})
    if category or country:
        qs = catalog
        if category:
            qs = qs.filter(category=category)
        if country:
            qs = qs.filter(country=country.upper())
        ids |= set(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"providers": _("Choose at least one provider, a category or a country.")})
    return sorted(ids)


SHOWN = 300


def _failed_names(failed: list[int]) -> list[dict]:
    # ``failed`` comes from failed_providers(), already narrowed to what the reader may see.
    names = {p.pk: str(p) for p in regulator_catalog().filter(pk__in=failed)}
    return [{"id": pk, "name": names.get(pk, str(pk))} for pk in failed]


def _summary(impacts: list[rules.ServiceImpact], failed: list[int], duration: int, scope: str,
             per_kind: dict[str, int], keep_unaffected: bool, traffic_share_pct: int = 100) -> dict:
    """The firm-side summary: a firm's own register is small, so the rules run on every row."""
    listed = [s.as_dict() for s in impacts if keep_unaffected or s.outcome != rules.NOT_AFFECTED]
    totals = rules.totals_by_kind(impacts, per_kind)
    counts = _counts(totals)
    return _plain({
        "scope": scope, "failed": _failed_names(failed), "duration_minutes": duration,
        "traffic_share_pct": traffic_share_pct, "expected": rules.expected_counts(counts, traffic_share_pct),
        "computed_at": timezone.now(), "counts": counts, "totals": totals,
        "breaching": rules.firms_breaching_rto(impacts), "services": listed, "services_total": len(listed),
    })


def _counts(totals: dict) -> dict[str, int]:
    counts = dict.fromkeys(rules.OUTCOMES, 0)
    for kind_totals in totals.values():
        for outcome, n in kind_totals.items():
            counts[outcome] += n
    return counts


@analytic
def simulate_market(*, user: User, failed: list[int], duration_minutes: int, firm_kind: str = "",
                    detail_limit: int | None = SHOWN, traffic_share_pct: int = 100) -> dict:
    """Every firm's latest submitted register against the outage (supervisors).

    Outcomes per service, totals by firm kind and the firms breaching their RTO are computed in SQL
    (``simulation_sql``); so are the impacts, with their reasons, of the dependencies of the
    ``detail_limit`` worst services (all when None: saving and exporting), which
    ``simulation_detail`` groups into the listed services. ``traffic_share_pct`` below 100 is a
    partial outage (``rules.classify_outage``).
    """
    rules.check_traffic_share(traffic_share_pct)
    knocked = selectors.knocked_out_by(failed, within=regulator_catalog())
    services = simulation_sql.classified(selectors.latest_dependencies(user, firm_kind), failed, knocked,
                                         duration_minutes, selectors._contains_any)
    summary, pairs = simulation_sql.summary_and_first(services, selectors.services_per_kind(user, firm_kind),
                                                      detail_limit)
    # Every counted firm for a full simulation (its services may come from any); else the page's and the
    # breaching ones. The as-of is written once per firm, not parsed and written once per row.
    firms = selectors.latest_firms(user, None if pairs is None else {*summary["lost"], *(o for o, _ in pairs)})
    named = {org: (f["firm_name"], _plain(f["as_of"])) for org, f in firms.items()}
    impacts = selectors.simulation_impacts(user, failed, knocked, duration_minutes, firm_kind,
                                           pairs=pairs) if pairs != [] else ()
    listed = simulation_detail.services(impacts, named, traffic_share_pct, order=pairs)
    lost_lists = simulation_detail.breaching_services(listed) if detail_limit is None else {}
    breaching = sorted((
        {"organization_id": org, "firm_name": firms[org]["firm_name"], "firm_kind": firms[org]["firm_kind"],
         "as_of": named[org][1], **summary["lost"][org], "services": lost_lists.get(org, [])}
        for org in summary["lost"] if org in firms), key=lambda f: (-f["lost_services"], f["firm_name"]))
    totals = summary["totals"]
    counts = _counts(totals)
    head = _plain({
        "scope": "market", "failed": _failed_names(failed), "duration_minutes": duration_minutes,
        "traffic_share_pct": traffic_share_pct, "expected": rules.expected_counts(counts, traffic_share_pct),
        "computed_at": timezone.now(), "counts": counts, "totals": totals,
    })
    # The rest is plain already (simulation_detail): the JSON round trip of a few hundred thousand
    # services was a third of a full simulation's time.
    return {**head, "breaching": breaching, "services": listed,
            "services_total": counts[rules.COVERED] + counts[rules.DEGRADED] + counts[rules.LOST]}


def simulate_firm(*, organization: Organization, failed: list[int], duration_minutes: int,
                  traffic_share_pct: int = 100) -> dict:
    """The firm's own live register against the outage (drafts included: it is the firm's own view)."""
    from review.snapshot import register_rows

    rows, _incidents = register_rows(organization, timezone.localdate())
    now = timezone.now()
    for row in rows:
        row.update(organization_id=organization.pk, firm_name=organization.name, firm_kind=organization.kind,
                   as_of=now)
    knocked = selectors.knocked_out_by(failed, within=visible_catalog(organization))
    impacts = rules.classify_outage(rows, failed, duration_minutes, knocked, traffic_share_pct)
    return _summary(impacts, failed, duration_minutes, "firm", {}, keep_unaffected=True,
                    traffic_share_pct=traffic_share_pct)


def scenario(event: OutageEvent) -> dict:
    """A ready-made scenario from a recorded market-wide outage: its provider, its full-impact window
    (the tail to full recovery is not counted as downtime) and the share of traffic it hit."""
    return {"providers": [event.provider_id], "duration_minutes": event.core_minutes,
            "traffic_share_pct": event.traffic_share_pct, "name": str(event)}


@transaction.atomic
def save_simulation(
    *, organization: Organization, user: User, name: str, failed: list[int], duration_minutes: int,
    results: dict, category: str = "", country: str = "", shared: bool = False, traffic_share_pct: int = 100,
) -> SavedSimulation:
    sim = SavedSimulation(
        organization=organization, name=name, provider_ids=failed, category=category, country=country,
        duration_minutes=duration_minutes, traffic_share_pct=traffic_share_pct, scope=results.get("scope", "firm"),
        created_by=user, shared=shared, results=results,
    )
    sim.full_clean()
    sim.save()
    return sim


@transaction.atomic
def set_shared(
    *, simulation: SavedSimulation, user: User, shared: bool, expected_version: int | None
) -> SavedSimulation:
    """Only its author shares or unshares a simulation (colleagues see shared ones, read-only)."""
    if simulation.created_by_id != user.pk:
        raise ValidationError({"shared": _("Only the author can share this simulation.")})
    simulation.shared = shared
    simulation.full_clean()
    save_versioned(simulation, expected_version if expected_version is not None else simulation.version)
    return simulation


def visible_simulations(organization: Organization | None, user: User):
    from django.db.models import Q

    return SavedSimulation.objects.for_org(organization).filter(Q(created_by=user) | Q(shared=True))
