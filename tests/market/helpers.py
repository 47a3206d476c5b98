"""Submitted registers written directly (Submission + SubmittedDependency rows), without the workflow."""

from __future__ import annotations

import datetime
from itertools import count

from django.utils import timezone

from market.aggregates import refresh_market_aggregates_for
from review.models import Submission, SubmittedDependency, SubmittedIncident
from tests.factories.review import submission_for

_refs = count(1)


def dep(provider, *, service="S1", importance="critical", rto=60, strategy="none", tested=False, best=None,
        alternate=None, alternate_upstreams=(), subcontractors=(), shared=(), last_test_result="",
        vendor_name=None, parent="", data_location="offshore", tier=None) -> dict:
    # The tier is what counts as critical; by default the one a dependency of such a service usually gets.
    tier = tier if tier is not None else {"critical": "T1", "important": "T2"}.get(importance, "T3")
    return {
        "service_reference": service, "service_name": f"Service {service}", "importance": importance, "tier": tier,
        "rto_minutes": rto, "vendor_name": vendor_name or f"{provider.brand} contract", "provider": provider,
        "provider_parent": parent or provider.parent_group,
        "provider_category": provider.category, "provider_country": provider.country,
        "data_location": data_location, "role": "cdn", "strategy": strategy,
        "alternate_provider": alternate, "alternate_upstream_ids": list(alternate_upstreams),
        "shared_upstream_ids": list(shared), "tested_redundancy": tested, "best_recovery_minutes": best,
        "last_test_on": datetime.date(2025, 9, 1) if (tested or best or last_test_result) else None,
        "last_pass_on": datetime.date(2025, 9, 1) if (tested or best) else None,
        "last_test_result": last_test_result or ("pass" if (tested or best) else ""),
        "subcontractor_ids": list(subcontractors),
    }


def submit_register(org, deps: list[dict], *, submitted_at: datetime.datetime | None = None,
                    decision: str = "pending") -> Submission:
    """A new latest submission for ``org`` holding ``deps`` (earlier ones stop being the latest)."""
    Submission.objects.for_org(org).filter(is_latest=True).update(is_latest=False)
    sub = submission_for(org)
    Submission.objects.for_org(org).filter(pk=sub.pk).update(
        number=next(_refs) + 1, submitted_at=submitted_at or timezone.now(), decision=decision, is_latest=True)
    sub.refresh_from_db()
    SubmittedDependency.objects.bulk_create(
        [SubmittedDependency(organization=org, submission=sub, firm_kind=org.kind, **d) for d in deps])
    refresh_market_aggregates_for(org)  # as review.services.submit does
    return sub


def add_incident(sub: Submission, provider, event, *, minutes: int, declared: bool) -> SubmittedIncident:
    start = event.started_at
    return SubmittedIncident.objects.create(
        organization=sub.organization, submission=sub, reference=f"INC-{next(_refs)}", provider=provider,
        outage_event=event, started_at=start, ended_at=start + datetime.timedelta(minutes=minutes),
        duration_minutes=minutes, declared_tested_redundancy=declared,
    )
