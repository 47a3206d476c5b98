"""The register API: CRUD, field-level errors, the tenant wall on foreign keys, versions, roles, query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories.vendors import (
    make_chain,
    make_dependency,
    make_failover_test,
    make_incident,
    make_measure,
    make_provider,
    make_service,
    make_vendor,
)
from vendors.models import BusinessService, Dependency, FailoverTest, ProviderCatalog, Vendor

pytestmark = pytest.mark.django_db


def vendor_payload(catalog, **extra):
    data = {
        "reference": "CF-1",
        "catalog": catalog.pk,
        "name": "Cloudflare CDN",
        "category": "cdn_security",
        "jurisdiction": "US",
        "data_location": "offshore",
    }
    data.update(extra)
    return data


def fields_of(response) -> dict:
    return response.json()["error"]["fields"]


def test_an_officer_creates_reads_updates_and_deletes_a_vendor(world, api_for):
    api = api_for(world.a_officer)
    catalog = make_provider("cloudflare")
    created = api.post("/api/v1/vendors/", vendor_payload(catalog, subcontractors=[make_provider("aws").pk]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1
    assert Vendor.objects.for_org(world.firm_a).get().subcontractors.count() == 1

    updated = api.patch(f"/api/v1/vendors/{body['id']}/", {"name": "Cloudflare Enterprise", "version": 1})
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2

    assert api.get(f"/api/v1/vendors/{body['id']}/").json()["name"] == "Cloudflare Enterprise"
    assert api.delete(f"/api/v1/vendors/{body['id']}/").status_code == 204
    assert not Vendor.objects.for_org(world.firm_a).exists()


def test_subcontractors_read_in_the_catalogs_order_and_a_write_answers_what_it_saved(world, api_for):
    zeta, alpha, mid = make_provider(brand="Zeta"), make_provider(brand="Alpha"), make_provider(brand="Mid")
    vendor = make_vendor(world.firm_a)
    vendor.subcontractors.set([zeta, alpha, mid])
    make_vendor(world.firm_a)  # none
    api = api_for(world.a_officer)
    in_order = [alpha.pk, mid.pk, zeta.pk]
    listed = {row["id"]: row["subcontractors"] for row in api.get("/api/v1/vendors/").json()["results"]}
    assert sorted(listed.values()) == [[], in_order]
    assert listed[vendor.pk] == in_order == [p.pk for p in vendor.subcontractors.all()]
    assert api.get(f"/api/v1/vendors/{vendor.pk}/").json()["subcontractors"] == in_order
    updated = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"subcontractors": [zeta.pk], "version": vendor.version})
    assert updated.status_code == 200, updated.content
    assert updated.json()["subcontractors"] == [zeta.pk]
    assert api.get(f"/api/v1/vendors/{vendor.pk}/").json()["subcontractors"] == [zeta.pk]


def test_the_vendor_list_reads_the_subcontractors_with_the_rows_on_postgresql(world, api_for,
                                                                               django_assert_num_queries):
    from django.db import connection

    for _ in range(3):
        make_vendor(world.firm_a).subcontractors.add(make_provider())
    api = api_for(world.a_viewer)
    # The membership, the count and the rows (plus the subcontractors' prefetch where there is no array).
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 4):
        assert api.get("/api/v1/vendors/").json()["count"] == 3


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, api_for):
    vendor = make_vendor(world.firm_a, name="Original")
    api = api_for(world.a_officer)
    assert api.patch(f"/api/v1/vendors/{vendor.pk}/", {"name": "First", "version": 1}).status_code == 200
    stale = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"name": "Second", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    vendor.refresh_from_db()
    assert vendor.name == "First"


def test_an_update_without_a_version_is_a_field_error(world, api_for):
    vendor = make_vendor(world.firm_a)
    response = api_for(world.a_officer).patch(f"/api/v1/vendors/{vendor.pk}/", {"name": "X"})
    assert response.status_code == 400
    assert "version" in fields_of(response)


def test_contract_end_before_start_is_a_field_error(world, api_for):
    response = api_for(world.a_officer).post(
        "/api/v1/vendors/",
        vendor_payload(make_provider("cloudflare"), contract_start="2025-05-01", contract_end="2025-01-01"),
    )
    assert response.status_code == 400
    assert "contract_end" in fields_of(response)
    assert not Vendor.objects.for_org(world.firm_a).exists()


def test_a_duplicate_reference_is_an_error_on_the_reference(world, api_for):
    make_vendor(world.firm_a, reference="CF-1")
    response = api_for(world.a_officer).post("/api/v1/vendors/", vendor_payload(make_provider("cloudflare")))
    assert response.status_code == 400
    assert "reference" in fields_of(response)


def test_the_same_reference_in_another_firm_is_fine(world, api_for):
    make_vendor(world.firm_b, reference="CF-1")
    response = api_for(world.a_officer).post("/api/v1/vendors/", vendor_payload(make_provider("cloudflare")))
    assert response.status_code == 201


def test_rto_must_be_positive(world, api_for):
    response = api_for(world.a_officer).post(
        "/api/v1/services/",
        {
            "reference": "S1",
            "name": "Web",
            "importance": "critical",
            "rto_minutes": 0,
            "max_tolerable_downtime_minutes": 60,
        },
    )
    assert response.status_code == 400
    assert "rto_minutes" in fields_of(response)


def test_a_dependency_cannot_point_at_another_firms_vendor(world, api_for):
    service = make_service(world.firm_a)
    foreign = make_vendor(world.firm_b)
    response = api_for(world.a_officer).post(
        "/api/v1/dependencies/",
        {
            "service": service.pk,
            "vendor": foreign.pk,
            "role": "cdn",
        },
    )
    assert response.status_code == 400
    assert "vendor" in fields_of(response)
    assert not Dependency.objects.for_org(world.firm_a).exists()


def test_a_new_dependency_gets_its_tier(world, api_for):
    service = make_service(world.firm_a, is_core_business=True)
    vendor = make_vendor(world.firm_a)
    response = api_for(world.a_officer).post(
        "/api/v1/dependencies/",
        {
            "service": service.pk,
            "vendor": vendor.pk,
            "role": "cdn",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["computed_tier"] == "T1"
    assert body["tier"] == "T1"
    assert "G2" in body["tier_gates"]
    assert 12 <= body["tier_score"] <= 60


def test_the_computed_tier_is_read_only(world, api_for):
    dep = make_dependency(world.firm_a, service=make_service(world.firm_a, is_core_business=True))
    api = api_for(world.a_officer)
    api.patch(f"/api/v1/dependencies/{dep.pk}/", {"notes": "x", "version": 1})
    response = api.patch(f"/api/v1/dependencies/{dep.pk}/", {"computed_tier": "T4", "version": 2})
    assert response.status_code == 200
    assert response.json()["computed_tier"] == "T1"


def test_the_alternate_provider_cannot_be_the_primary(world, api_for):
    dep = make_dependency(world.firm_a)
    response = api_for(world.a_officer).post(
        "/api/v1/redundancy-measures/",
        {
            "dependency": dep.pk,
            "strategy": "active_active",
            "alternate_provider": dep.vendor.catalog_id,
        },
    )
    assert response.status_code == 400
    assert "alternate_provider" in fields_of(response)


def test_a_failover_test_cannot_be_dated_in_the_future(world, api_for):
    measure = make_measure(world.firm_a)
    response = api_for(world.a_officer).post(
        "/api/v1/failover-tests/",
        {
            "measure": measure.pk,
            "tested_on": str(timezone.localdate() + datetime.timedelta(days=2)),
            "scenario": "CDN switch",
            "result": "pass",
        },
    )
    assert response.status_code == 400
    assert "tested_on" in fields_of(response)


def test_evidence_is_uploaded_hashed_and_downloaded_only_by_the_firm(world, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    measure = make_measure(world.firm_a)
    upload = SimpleUploadedFile("drill.txt", b"switched in 12 minutes", content_type="text/plain")
    response = api_for(world.a_officer).post(
        "/api/v1/failover-tests/",
        {
            "measure": measure.pk,
            "tested_on": str(timezone.localdate()),
            "scenario": "CDN switch",
            "result": "pass",
            "achieved_recovery_minutes": 12,
            "evidence": upload,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["evidence_sha256"]) == 64
    assert "evidence" not in body
    download = api_for(world.a_viewer).get(body["evidence_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"switched in 12 minutes"
    assert api_for(world.b_officer).get(body["evidence_url"]).status_code == 404


def test_an_incident_must_end_after_it_starts_and_only_name_own_services(world, api_for):
    provider = make_provider("cloudflare")
    start = timezone.now() - datetime.timedelta(days=3)
    response = api_for(world.a_officer).post(
        "/api/v1/incidents/",
        {
            "reference": "INC-1",
            "provider": provider.pk,
            "started_at": start.isoformat(),
            "ended_at": (start - datetime.timedelta(hours=1)).isoformat(),
            "affected_services": [make_service(world.firm_b).pk],
        },
    )
    assert response.status_code == 400
    assert "affected_services" in fields_of(response)
    response = api_for(world.a_officer).post(
        "/api/v1/incidents/",
        {
            "reference": "INC-1",
            "provider": provider.pk,
            "started_at": start.isoformat(),
            "ended_at": (start - datetime.timedelta(hours=1)).isoformat(),
        },
    )
    assert "ended_at" in fields_of(response)


def test_a_viewer_reads_but_cannot_write(world, api_for):
    vendor = make_vendor(world.firm_a)
    api = api_for(world.a_viewer)
    assert api.get("/api/v1/vendors/").status_code == 200
    assert api.post("/api/v1/vendors/", vendor_payload(make_provider("x"))).status_code == 403
    assert api.patch(f"/api/v1/vendors/{vendor.pk}/", {"name": "x", "version": 1}).status_code == 403


@pytest.mark.parametrize(
    "path,factory",
    [
        ("vendors", make_vendor),
        ("services", make_service),
        ("dependencies", make_dependency),
        ("redundancy-measures", make_measure),
        ("failover-tests", make_failover_test),
        ("incidents", make_incident),
    ],
)
def test_another_firms_object_is_404_for_every_method(world, api_for, path, factory):
    obj = factory(world.firm_b)
    api = api_for(world.a_officer)
    assert api.get(f"/api/v1/{path}/{obj.pk}/").status_code == 404
    assert api.patch(f"/api/v1/{path}/{obj.pk}/", {"version": 1}).status_code == 404
    assert api.delete(f"/api/v1/{path}/{obj.pk}/").status_code == 404
    assert api.get(f"/api/v1/{path}/").json()["count"] == 0


def test_deleting_a_vendor_still_in_use_is_refused_readably(world, api_for):
    dep = make_dependency(world.firm_a)
    response = api_for(world.a_officer).delete(f"/api/v1/vendors/{dep.vendor_id}/")
    assert response.status_code == 400
    assert Vendor.objects.for_org(world.firm_a).exists()


def test_lists_filter(world, api_for):
    make_service(world.firm_a, importance="critical")
    make_service(world.firm_a, importance="other")
    body = api_for(world.a_viewer).get("/api/v1/services/?importance=critical").json()
    assert body["count"] == 1


def test_a_list_asked_for_no_filter_builds_no_filterset(world, api_for, monkeypatch):
    from vendors.filters import VendorFilter

    built = []
    real_init = VendorFilter.__init__

    def counted_init(self, *args, **kwargs):
        built.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(VendorFilter, "__init__", counted_init)
    make_vendor(world.firm_a, status="active")
    api = api_for(world.a_viewer)
    assert api.get("/api/v1/vendors/?page=1&ordering=name&search=").json()["count"] == 1
    assert built == []
    # A filter's own parameter, or one of its suffixed halves, still goes through the filterset.
    assert api.get("/api/v1/vendors/?status=exiting").json()["count"] == 0
    assert api.get("/api/v1/vendors/?contract_end_after=2999-01-01").json()["count"] == 0
    assert api.get("/api/v1/vendors/?status=").status_code == 400
    assert len(built) == 3


@pytest.mark.parametrize(
    "path,build",
    [
        ("vendors", lambda org: make_vendor(org, subcontractors_set=True)),
        ("services", make_service),
        ("dependencies", make_dependency),
        ("redundancy-measures", make_measure),
        ("failover-tests", make_failover_test),
        ("incidents", make_incident),
    ],
)
def test_list_endpoints_use_a_constant_number_of_queries(world, api_for, django_assert_max_num_queries, path, build):
    def add(n):
        for _ in range(n):
            obj = build(world.firm_a) if path != "vendors" else make_vendor(world.firm_a)
            if path == "vendors":
                obj.subcontractors.add(make_provider())
            if path == "incidents":
                obj.affected_services.add(make_service(world.firm_a))

    api = api_for(world.a_viewer)
    add(1)
    with django_assert_max_num_queries(12) as one:
        assert api.get(f"/api/v1/{path}/").json()["count"] == 1
    add(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get(f"/api/v1/{path}/").json()["count"] == 50


def test_the_spof_endpoint_lists_the_active_firms_findings(world, api_for):
    make_chain(world.firm_a, strategy=None)
    make_chain(world.firm_a)  # tested: no finding
    make_chain(world.firm_b, strategy=None)
    body = api_for(world.a_viewer).get("/api/v1/single-points-of-failure/").json()
    assert body["count"] == 1
    assert [r["code"] for r in body["results"][0]["reasons"]] == ["no_measure"]


def test_the_catalog_is_readable_and_firms_may_only_propose(world, api_for):
    make_provider("cloudflare")
    api = api_for(world.a_officer)
    assert api.get("/api/v1/providers/").json()["count"] >= 1
    proposal = api.post(
        "/api/v1/providers/", {"legal_name": "Tiny CDN Co.", "country": "KR", "category": "cdn_security"}
    )
    assert proposal.status_code == 201, proposal.content
    assert proposal.json()["status"] == "proposed"
    pk = proposal.json()["id"]
    assert api.patch(f"/api/v1/providers/{pk}/", {"brand": "x"}).status_code == 403
    assert api_for(world.b_officer).get(f"/api/v1/providers/{pk}/").status_code == 404
    curated = api_for(world.lead).post(f"/api/v1/providers/{pk}/curate/", {"status": "published"})
    assert curated.status_code == 200
    assert ProviderCatalog.objects.get(pk=pk).status == "published"
    assert api_for(world.supervisor).post(f"/api/v1/providers/{pk}/curate/", {"status": "rejected"}).status_code == 403


def test_outage_events_are_written_by_lead_supervisors_only(world, api_for):
    payload = {
        "name": "CDN outage",
        "name_ko": "CDN 장애",
        "provider": make_provider("cloudflare").pk,
        "started_at": "2025-11-18T11:48:00Z",
        "ended_at": "2025-11-18T14:42:00Z",
    }
    assert api_for(world.a_officer).post("/api/v1/outage-events/", payload).status_code == 403
    created = api_for(world.lead).post("/api/v1/outage-events/", payload)
    assert created.status_code == 201
    assert created.json()["duration_minutes"] == 174
    bad = api_for(world.lead).post("/api/v1/outage-events/", {**payload, "ended_at": "2025-11-18T10:00:00Z"})
    assert "ended_at" in fields_of(bad)
    assert api_for(world.a_viewer).get("/api/v1/outage-events/").json()["count"] == 1


def test_supervisors_see_no_firm_register_through_firm_endpoints(world, api_for):
    make_vendor(world.firm_a)
    assert api_for(world.supervisor).get("/api/v1/vendors/").json()["count"] == 0
    assert BusinessService.objects.for_org(world.regulator).count() == 0
    assert FailoverTest.objects.for_org(world.regulator).count() == 0
