"""The market pages and API: supervisors see the market, firms only their own register."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from market.models import SavedSimulation
from tests.factories.vendors import make_dependency, make_provider
from tests.market.helpers import add_incident, dep, submit_register
from vendors.models import OutageEvent


@pytest.fixture
def market(world):
    cdn = make_provider("cloudflare", legal_name="Cloudflare, Inc.", brand="Cloudflare")
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30)])
    sub_b = submit_register(world.firm_b, [dep(cdn, service="APP", rto=240, strategy="active_passive",
                                               tested=True, best=5)])
    import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime(2025, 11, 18, 11, 20))
    event = OutageEvent.objects.create(name="Cloudflare global outage, 18 Nov 2025",
                                       name_ko="클라우드플레어 장애",
                                       provider=cdn, started_at=start, ended_at=start + datetime.timedelta(minutes=174))
    add_incident(sub_b, cdn, event, minutes=150, declared=True)
    return {"cdn": cdn, "event": event}


SUPERVISOR_PAGES = ["market:concentration", "market:simulate"]


@pytest.mark.parametrize("name", SUPERVISOR_PAGES)
def test_firm_users_do_not_find_the_market_pages(world, as_user, name):
    for user in (world.a_admin, world.a_officer, world.a_viewer, world.b_admin):
        assert as_user(user).get(reverse(name)).status_code == 404


def test_the_concentration_page_shows_providers_with_as_of(world, as_user, market):
    body = as_user(world.supervisor).get(reverse("market:concentration")).content.decode()
    assert "Cloudflare" in body and "<svg" in body and 'data-testid="as-of"' in body
    drill = as_user(world.supervisor).get(reverse("market:provider_detail", args=[market["cdn"].pk])).content.decode()
    assert "Alpha Bank" in drill and "Beta Exchange" in drill


def test_the_simulation_page_lists_firms_breaching_their_rto(world, as_user, market):
    url = reverse("market:simulate") + f"?providers={market['cdn'].pk}&duration_minutes=174"
    body = as_user(world.supervisor).get(url).content.decode()
    breaching = body.split('data-testid="breaching"')[1].split("</table>")[0]
    assert "Alpha Bank" in breaching and "Beta Exchange" not in breaching


def test_incident_analysis_flags_a_declared_failover_with_long_downtime(world, as_user, api_for, market):
    body = as_user(world.supervisor).get(reverse("market:incidents", args=[market["event"].pk])).content.decode()
    assert "Beta Exchange" in body and "badge-bad" in body
    data = api_for(world.supervisor).get(f"/api/v1/market/incidents/{market['event'].pk}/").json()
    assert data["firm_count"] == 1 and data["flagged"] == 1
    assert api_for(world.b_admin).get(f"/api/v1/market/incidents/{market['event'].pk}/").status_code == 404


def test_supervisor_saves_shares_and_exports_a_simulation(world, as_user, market):
    client = as_user(world.supervisor)
    response = client.post(reverse("market:simulation_save"), {
        "providers": market["cdn"].pk, "duration_minutes": 174, "name": "=CDN day", "shared": "",
    })
    sim = SavedSimulation.objects.for_org(world.regulator).get()
    assert response.status_code == 302 and sim.scope == "market" and not sim.shared
    assert [f["firm_name"] for f in sim.results["breaching"]] == ["Alpha Bank"]
    # A colleague does not see it until it is shared.
    assert as_user(world.lead).get(reverse("market:simulation_detail", args=[sim.pk])).status_code == 404
    client.post(reverse("market:simulation_share", args=[sim.pk]), {"shared": "1", "version": sim.version})
    assert as_user(world.lead).get(reverse("market:simulation_detail", args=[sim.pk])).status_code == 200
    export = client.get(reverse("market:simulation_export", args=[sim.pk]))
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.worksheets[0]["B1"].value == "=CDN day" and wb.worksheets[0]["B1"].data_type == "s"  # never a formula
    # The firm's users never reach the regulator's simulation.
    assert as_user(world.a_admin).get(reverse("market:simulation_detail", args=[sim.pk])).status_code == 404


def test_a_firm_simulates_its_own_live_register(world, as_user):
    d = make_dependency(world.firm_a)
    client = as_user(world.a_officer)
    url = reverse("market:my_simulate") + f"?providers={d.vendor.catalog_id}&duration_minutes=600"
    body = client.get(url).content.decode()
    assert d.service.reference in body
    assert as_user(world.supervisor).get(reverse("market:my_simulate")).status_code == 404


def test_the_api_concentration_and_simulation(world, api_for, market):
    sup = api_for(world.supervisor)
    conc = sup.get("/api/v1/market/concentration/").json()
    assert conc["providers"][0]["firms"] == 2 and len(conc["firms"]) == 2
    assert api_for(world.a_admin).get("/api/v1/market/concentration/").status_code == 404
    sim = sup.post("/api/v1/market/simulate/", {"providers": [market["cdn"].pk], "duration_minutes": 174},
                   format="json").json()
    assert [f["firm_name"] for f in sim["breaching"]] == ["Alpha Bank"]
    bad = sup.post("/api/v1/market/simulate/", {"duration_minutes": 0}, format="json")
    assert bad.status_code == 400 and "duration_minutes" in bad.json()["error"]["fields"]
    # A firm's call simulates its own live register, not the market.
    own = api_for(world.a_admin).post("/api/v1/market/simulate/", {"providers": [market["cdn"].pk],
                                                                   "duration_minutes": 174}, format="json").json()
    assert own["scope"] == "firm" and own["breaching"] == []


def test_the_api_saves_and_shares_simulations(world, api_for, market):
    sup = api_for(world.supervisor)
    created = sup.post("/api/v1/market/simulations/", {"name": "CDN", "providers": [market["cdn"].pk],
                                                        "duration_minutes": 25}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api_for(world.lead).get(f"/api/v1/market/simulations/{pk}/").status_code == 404
    shared = sup.patch(f"/api/v1/market/simulations/{pk}/", {"shared": True, "version": 1}, format="json")
    assert shared.status_code == 200 and shared.json()["shared"] is True
    stale = sup.patch(f"/api/v1/market/simulations/{pk}/", {"shared": False, "version": 1}, format="json")
    assert stale.status_code == 409
    assert api_for(world.lead).get(f"/api/v1/market/simulations/{pk}/").status_code == 200
    assert api_for(world.a_admin).get(f"/api/v1/market/simulations/{pk}/").status_code == 404


def test_the_saved_simulation_list_query_count_is_constant(world, as_user, django_assert_max_num_queries):
    from tests.factories.market import saved_simulation_for

    client = as_user(world.a_admin)
    saved_simulation_for(world.firm_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("market:simulation_list")).status_code == 200
    for _ in range(49):
        saved_simulation_for(world.firm_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("market:simulation_list")).status_code == 200


def test_the_demo_saves_the_two_cloudflare_scenarios_once(world, market):
    import datetime

    from core.demo import DemoWorld
    from market import demo

    dec = market["event"].started_at.replace(month=12, day=5)
    OutageEvent.objects.create(name="Cloudflare outage, 5 Dec 2025", name_ko="장애", provider=market["cdn"],
                               started_at=dec, ended_at=dec + datetime.timedelta(minutes=25), traffic_share_pct=28)
    demo_world = DemoWorld(orgs={"fss": world.regulator}, users={"fss:supervisor": world.supervisor})
    demo.seed(demo_world)
    demo.seed(demo_world)
    sims = {s.name: s for s in SavedSimulation.objects.for_org(world.regulator)}
    assert set(sims) == {"18 Nov 2025 CDN outage", "5 Dec 2025 repeat"}
    assert sims["18 Nov 2025 CDN outage"].duration_minutes == 174
    assert [f["firm_name"] for f in sims["18 Nov 2025 CDN outage"].results["breaching"]] == ["Alpha Bank"]
    assert sims["5 Dec 2025 repeat"].results["breaching"] == []
    assert sims["5 Dec 2025 repeat"].traffic_share_pct == 28


def test_the_simulation_page_says_per_service_whether_the_outage_is_reportable_and_by_when(world, as_user, market):
    url = reverse("market:simulate") + f"?providers={market['cdn'].pk}&duration_minutes=174"
    body = as_user(world.supervisor).get(url).content.decode()
    services = body.split('data-testid="services"')[1].split("</table>")[0]
    alpha = services.split("Alpha Bank")[1].split("</tr>")[0]
    assert 'data-testid="reportable"' in alpha and "24" in alpha
    # Beta fails over in 5 minutes and has fewer than 10,000 users: below the thresholds.
    beta = services.split("Beta Exchange")[1].split("</tr>")[0]
    assert 'data-testid="not-reportable"' in beta


def test_the_api_simulates_a_partial_outage_and_scales_the_expected_counts(world, api_for, market):
    sup = api_for(world.supervisor)
    sim = sup.post("/api/v1/market/simulate/", {"providers": [market["cdn"].pk], "duration_minutes": 25,
                                                "traffic_share_pct": 28}, format="json").json()
    assert sim["traffic_share_pct"] == 28
    assert {s["exposure_pct"] for s in sim["services"]} == {28}
    assert sim["expected"]["degraded_within_rto"] == round(sim["counts"]["degraded_within_rto"] * 0.28, 1)
    full = sup.post("/api/v1/market/simulate/", {"providers": [market["cdn"].pk], "duration_minutes": 25},
                    format="json").json()
    assert full["traffic_share_pct"] == 100 and full["expected"]["degraded_within_rto"] == full["counts"][
        "degraded_within_rto"]


@pytest.mark.parametrize("share", [0, 101, "all"])
def test_the_api_refuses_a_share_of_traffic_outside_1_to_100_with_a_field_message(world, api_for, market, share):
    bad = api_for(world.supervisor).post("/api/v1/market/simulate/", {
        "providers": [market["cdn"].pk], "duration_minutes": 25, "traffic_share_pct": share}, format="json")
    assert bad.status_code == 400 and "traffic_share_pct" in bad.json()["error"]["fields"]


def test_the_simulation_form_refuses_a_share_of_traffic_outside_1_to_100(world, as_user, market):
    url = reverse("market:simulate") + f"?providers={market['cdn'].pk}&duration_minutes=25&traffic_share_pct=150"
    response = as_user(world.supervisor).get(url)
    assert "traffic_share_pct" in response.context["form"].errors
    assert b'data-testid="results"' not in response.content


def test_a_saved_partial_simulation_keeps_its_share_of_traffic(world, as_user, market):
    as_user(world.supervisor).post(reverse("market:simulation_save"), {
        "providers": market["cdn"].pk, "duration_minutes": 25, "traffic_share_pct": 28, "name": "5 Dec"})
    sim = SavedSimulation.objects.for_org(world.regulator).get()
    assert sim.traffic_share_pct == 28 and sim.results["traffic_share_pct"] == 28
    body = as_user(world.supervisor).get(reverse("market:simulation_detail", args=[sim.pk])).content.decode()
    assert 'data-testid="partial-scope"' in body


def test_a_scenario_replays_the_full_impact_window_and_the_share_of_traffic(world, as_user, market):
    import datetime

    from market import services

    nov = market["event"]
    nov.core_restored_at = nov.started_at + datetime.timedelta(minutes=190)
    nov.ended_at = nov.started_at + datetime.timedelta(minutes=346)
    nov.save()
    dec_start = nov.started_at.replace(month=12, day=5, hour=8, minute=47)
    dec = OutageEvent.objects.create(name="Cloudflare outage, 5 Dec 2025", name_ko="장애", provider=market["cdn"],
                                     started_at=dec_start, ended_at=dec_start + datetime.timedelta(minutes=25),
                                     traffic_share_pct=28)
    # The tail to full recovery is not downtime: core traffic flowed again from 14:30.
    assert services.scenario(nov) | {"name": ""} == {"providers": [market["cdn"].pk], "duration_minutes": 190,
                                                       "traffic_share_pct": 100, "name": ""}
    assert services.scenario(dec)["traffic_share_pct"] == 28
    body = as_user(world.supervisor).get(reverse("market:simulate")).content.decode()
    link = body.split(f'data-testid="scenario-{dec.pk}"')[1].split(">")[0]
    assert "duration_minutes=25" in link and "traffic_share_pct=28" in link
    assert "duration_minutes=190" in body.split(f'data-testid="scenario-{nov.pk}"')[1].split(">")[0]
