from market.models import SavedSimulation
from tests.factories.accounts import make_member


def saved_simulation_for(org) -> SavedSimulation:
    # Shared, so every colleague (the route matrix's insider is firm B's admin) may open it.
    author = make_member(org, "officer")
    return SavedSimulation.objects.create(
        organization=org, name="B-SECRET scenario", provider_ids=[], duration_minutes=60, scope="firm",
        created_by=author, shared=True,
        results={"scope": "firm", "failed": [], "duration_minutes": 60, "computed_at": "", "counts": {},
                 "totals": {}, "breaching": [], "services": []},
    )




def market_contribution_for(org):
    from market.models import MarketContribution
    from tests.factories.review import submission_for

    return MarketContribution.objects.create(organization=org, submission=submission_for(org),
                                             firm_kind=org.kind, table="providers", k1="B-SECRET", dependencies=1)


def critical_count_for(org):
    from market.models import SubmissionCriticalCount
    from tests.factories.review import submission_for

    return SubmissionCriticalCount.objects.create(organization=org, submission=submission_for(org),
                                                  category="cdn_security", provider_id=1, dependencies=1)


def _factories():
    from market.models import MarketContribution, SubmissionCriticalCount

    return {SavedSimulation: saved_simulation_for, MarketContribution: market_contribution_for,
            SubmissionCriticalCount: critical_count_for}


FACTORIES = _factories()
