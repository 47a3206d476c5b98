"""Reads for the live outage response: the impact board over the latest submitted registers.

Like the market simulation, supervisors see what firms submitted (``market.selectors``), never their
working data; a firm's answer to the outage (``OutageResponse``) is read across firms by the door.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from market import selectors as market
from outages import rules
from outages.models import LiveOutage, OutageResponse


def _shared_upstream_rows(user: User, failed: list[int], skip: set[int]) -> list[dict]:
    """Dependencies whose primary and alternate both sit behind the failed provider (a hidden SPOF)."""
    qs = market.latest_dependencies(user).filter(market._contains_any("shared_upstream_ids", failed))
    rows = list(qs.exclude(provider_id__in=skip).values(
        "id", *market.SIM_FIELDS, firm_name=F("organization__name"), as_of=F("submission__submitted_at")))
    for r in rows:
        r.pop("id")
        r["subcontractor_ids"], r["alternate_upstream_ids"], r["shared_upstream_ids"] = (), (), failed
    return rows


def responses_by_firm(user: User, outage: LiveOutage) -> dict[int, dict]:
    rows = OutageResponse.objects.across_firms(user).filter(outage=outage).values(
        "pk", "organization_id", "state", "failed_over_at", "degraded_since", "incident_id")
    return {r["organization_id"]: r for r in rows}


def board_entries(user: User, outage: LiveOutage, now: datetime.datetime | None = None) -> list[rules.BoardEntry]:
    """Every critical or important service the outage reaches, with its clocks (``rules.board``)."""
    failed = [outage.provider_id]
    knocked = market.knocked_out_by(failed, within=market.regulator_catalog())
    rows = market.simulation_rows(user, failed, knocked)
    shared = _shared_upstream_rows(user, failed, skip={*failed, *knocked})
    end = outage.ended_at or now or timezone.now()
    return rules.board(rows, failed=failed, knocked=knocked, shared_rows=shared, started_at=outage.started_at,
                       detected_at=outage.detected_at, now=end, responses=responses_by_firm(user, outage))


def summary(entries: list[rules.BoardEntry]) -> dict:
    firms = {e.organization_id for e in entries}
    return {
        "firms": len(firms), "services": len(entries),
        "past_rto": sum(e.breached_rto for e in entries),
        "reportable": sum(e.reportable_now for e in entries),
        "failed_over": len({e.organization_id for e in entries if e.response_state == "failed_over"}),
        "degraded": len({e.organization_id for e in entries if e.response_state == "degraded"}),
    }
