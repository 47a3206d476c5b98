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
from market import rules, selectors
from market.models import SavedSimulation
from vendors.models import OutageEvent, ProviderCatalog


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, tuples as lists (what is stored is what is shown later)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def failed_providers(*, provider_ids: list[int] | None = None, category: str = "", country: str = "") -> list[int]:
    """The providers a scenario takes down: chosen ones, or all of a category, or all of a country."""
    ids = {int(p) for p in provider_ids or []}
    if category or country:
        qs = ProviderCatalog.objects.all()
        if category:
            qs = qs.filter(category=category)
        if country:
            qs = qs.filter(country=country.upper())
        ids |= set(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"providers": _("Choose at least one provider, a category or a country.")})
    return sorted(ids)


def _summary(impacts: list[rules.ServiceImpact], failed: list[int], duration: int, scope: str,
             per_kind: dict[str, int], keep_unaffected: bool) -> dict:
    names = {p.pk: str(p) for p in ProviderCatalog.objects.filter(pk__in=failed)}
    listed = [s.as_dict() for s in impacts if keep_unaffected or s.outcome != rules.NOT_AFFECTED]
    counts = dict.fromkeys(rules.OUTCOMES, 0)
    totals = rules.totals_by_kind(impacts, per_kind)
    for kind_totals in totals.values():
        for outcome, n in kind_totals.items():
            counts[outcome] += n
    return _plain({
        "scope": scope,
        "failed": [{"id": pk, "name": names.get(pk, str(pk))} for pk in failed],
        "duration_minutes": duration,
        "computed_at": timezone.now(),
        "counts": counts,
        "totals": totals,
        "breaching": rules.firms_breaching_rto(impacts),
        "services": listed,
    })


def simulate_market(*, user: User, failed: list[int], duration_minutes: int, firm_kind: str = "") -> dict:
    """Every firm's latest submitted register against the outage (supervisors)."""
    knocked = selectors.knocked_out_by(failed)
    rows = selectors.simulation_rows(user, failed, knocked, firm_kind)
    impacts = rules.classify_outage(rows, failed, duration_minutes, knocked)
    return _summary(impacts, failed, duration_minutes, "market", selectors.services_per_kind(user, firm_kind),
                    keep_unaffected=False)


def simulate_firm(*, organization: Organization, failed: list[int], duration_minutes: int) -> dict:
    """The firm's own live register against the outage (drafts included: it is the firm's own view)."""
    from review.snapshot import register_rows

    rows, _incidents = register_rows(organization, timezone.localdate())
    now = timezone.now()
    for row in rows:
        row.update(organization_id=organization.pk, firm_name=organization.name, firm_kind=organization.kind,
                   as_of=now)
    knocked = selectors.knocked_out_by(failed)
    impacts = rules.classify_outage(rows, failed, duration_minutes, knocked)
    return _summary(impacts, failed, duration_minutes, "firm", {}, keep_unaffected=True)


def scenario(event: OutageEvent) -> dict:
    """A ready-made scenario from a recorded market-wide outage: its provider, its duration."""
    return {"providers": [event.provider_id], "duration_minutes": event.duration_minutes, "name": str(event)}


@transaction.atomic
def save_simulation(
    *, organization: Organization, user: User, name: str, failed: list[int], duration_minutes: int,
    results: dict, category: str = "", country: str = "", shared: bool = False,
) -> SavedSimulation:
    sim = SavedSimulation(
        organization=organization, name=name, provider_ids=failed, category=category, country=country,
        duration_minutes=duration_minutes, scope=results.get("scope", "firm"), created_by=user, shared=shared,
        results=results,
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
