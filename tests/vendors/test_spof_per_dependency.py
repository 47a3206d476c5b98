"""One single point of failure per dependency, with all its reasons: rule, dashboard, pages, API, findings."""

import pytest
from django.urls import reverse

from compliance import findings
from compliance.models import Finding
from tests.factories.compliance import make_assessment, make_finding
from tests.factories.vendors import make_chain, make_provider
from vendors import selectors
from vendors.dashboard import spof_panel

pytestmark = pytest.mark.django_db


def two_reason_spof(org):
    """A dependency whose tested recovery is too slow and whose alternate shares a DNS with the primary."""
    dep = make_chain(org, achieved=90, rto=60)
    dep.measures.get().shared_upstreams.add(make_provider("shared-dns", brand="Shared DNS"))
    return dep


def test_the_rule_returns_one_spof_per_dependency_with_every_reason(world):
    dep = two_reason_spof(world.firm_a)
    [spof] = selectors.single_points_of_failure(world.firm_a)
    assert spof.dependency_id == dep.pk
    assert spof.codes == ["slower_than_rto", "shared_upstream"]
    assert "90" in spof.message and "Shared DNS" in spof.message


def test_the_dashboard_counts_dependencies_and_lists_each_once(world):
    deps = [two_reason_spof(world.firm_a), make_chain(world.firm_a, strategy=None)]
    panel = spof_panel(world.firm_a)
    assert panel["count"] == 2
    assert len(panel["rows"]) == 2
    assert len({r["url"] for r in panel["rows"]}) == 2
    assert any("Shared DNS" in r["detail"] and "90" in r["detail"] for r in panel["rows"]), deps


def test_the_service_page_counts_one_spof_for_one_dependency(world, as_user):
    dep = two_reason_spof(world.firm_a)
    body = as_user(world.a_viewer).get(reverse("vendors:service_detail", args=[dep.service_id])).content.decode()
    assert body.count('data-testid="spof-reason"') == 2
    assert 'data-testid="spof-count">1 ' in body


def test_the_api_lists_one_item_per_dependency_with_its_reasons(world, api_for):
    dep = two_reason_spof(world.firm_a)
    body = api_for(world.a_viewer).get("/api/v1/single-points-of-failure/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["dependency_id"] == dep.pk
    assert [r["code"] for r in item["reasons"]] == ["slower_than_rto", "shared_upstream"]


def test_findings_are_one_per_dependency_and_replace_the_old_per_reason_ones(world):
    dep = two_reason_spof(world.firm_a)
    # Findings raised before, one per reason: the first is kept (with its owner's work), the other resolved.
    kept = make_finding(world.firm_a, source="spof", source_key=f"spof:{dep.pk}:slower_than_rto", dependency=dep,
                        remediation_plan="Tune the failover")
    duplicate = make_finding(world.firm_a, source="spof", source_key=f"spof:{dep.pk}:shared_upstream",
                             dependency=dep)
    findings.sync_findings(assessment=make_assessment(world.firm_a))
    open_spofs = Finding.objects.for_org(world.firm_a).filter(source="spof", status="open")
    assert [(f.pk, f.source_key) for f in open_spofs] == [(kept.pk, f"spof:{dep.pk}")]
    kept.refresh_from_db()
    assert kept.remediation_plan == "Tune the failover"
    assert "90" in kept.title and "Shared DNS" in kept.title
    duplicate.refresh_from_db()
    assert duplicate.status == "resolved"
    assert findings.sync_spof_findings(organization=world.firm_a) == {"created": 0, "updated": 0, "resolved": 0}
