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


FACTORIES = {SavedSimulation: saved_simulation_for}
