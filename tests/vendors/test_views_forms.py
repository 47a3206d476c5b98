"""Register forms: field errors write nothing, stale versions are refused, deletes are confirmed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories.vendors import make_chain, make_dependency, make_provider, make_service, make_vendor
from vendors.choices import CatalogStatus
from vendors.models import BusinessService, Dependency, Incident, ProviderCatalog, Vendor


def _vendor_post(catalog, **extra):
    data = {
        "reference": "V-NEW", "catalog": catalog.pk, "name": "Edge and WAF", "category": "cdn_security",
        "status": "active", "jurisdiction": "US", "data_location": "offshore",
    }
    data.update(extra)
    return data


def test_officer_registers_a_vendor(world, as_user):
    provider = make_provider("edgeco")
    response = as_user(world.a_officer).post(reverse("vendors:vendor_create"), _vendor_post(provider))
    vendor = Vendor.objects.for_org(world.firm_a).get(reference="V-NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:vendor_detail", args=[vendor.pk])
    assert vendor.organization == world.firm_a


def test_bad_vendor_input_shows_field_errors_and_writes_nothing(world, as_user):
    provider = make_provider("edgeco")
    data = _vendor_post(provider, jurisdiction="usa", contract_start="2025-05-01", contract_end="2025-01-01")
    response = as_user(world.a_officer).post(reverse("vendors:vendor_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "jurisdiction" in form.errors
    assert not Vendor.objects.for_org(world.firm_a).exists()
    assert "field-error" in response.content.decode()


def test_a_duplicate_reference_is_reported_on_the_field(world, as_user):
    provider = make_provider("edgeco")
    make_vendor(world.firm_a, reference="V-NEW")
    response = as_user(world.a_officer).post(reverse("vendors:vendor_create"), _vendor_post(provider))
    assert response.status_code == 400
    assert "reference" in response.context["form"].errors
    assert Vendor.objects.for_org(world.firm_a).count() == 1


def test_the_vendor_form_offers_only_the_firms_own_choices(world, as_user):
    make_provider("published-one")
    ProviderCatalog.objects.create(key="b-proposal", legal_name="B proposal", country="KR", category="other",
                                   status=CatalogStatus.PROPOSED, proposed_by=world.firm_b)
    form = as_user(world.a_officer).get(reverse("vendors:vendor_create")).context["form"]
    keys = set(form.fields["catalog"].queryset.values_list("key", flat=True))
    assert "published-one" in keys and "b-proposal" not in keys
    assert world.b_officer not in form.fields["owner"].queryset
    assert world.a_viewer in form.fields["owner"].queryset


def test_a_dependency_on_another_firms_vendor_is_refused(world, as_user):
    service = make_service(world.firm_a)
    foreign = make_vendor(world.firm_b)
    response = as_user(world.a_officer).post(reverse("vendors:dependency_create"), {
        "service": service.pk, "vendor": foreign.pk, "role": "cdn", "substitutability": "1w_4w"})
    assert response.status_code == 400
    assert "vendor" in response.context["form"].errors
    assert not Dependency.objects.for_org(world.firm_a).exists()


def test_stale_version_shows_the_other_persons_values_and_overwrites_nothing(world, as_user):
    service = make_service(world.firm_a, name="Mobile login", rto_minutes=30, max_tolerable_downtime_minutes=120)
    url = reverse("vendors:service_edit", args=[service.pk])
    stale = {"reference": service.reference, "name": "Mobile login", "importance": "critical", "rto_minutes": 30,
             "max_tolerable_downtime_minutes": 120, "customers_affected": 0, "customer_facing": "on",
             "version": service.version}
    first = as_user(world.a_admin).post(url, {**stale, "name": "Mobile login (app)"})
    assert first.status_code == 302

    second = as_user(world.a_officer).post(url, {**stale, "name": "Web login"})
    assert second.status_code == 409
    body = second.content.decode()
    assert 'data-testid="conflict"' in body and "Mobile login (app)" in body
    service.refresh_from_db()
    assert service.name == "Mobile login (app)"
    # The form now carries the current version: saving again is a deliberate choice.
    assert second.context["form"].data["version"] == str(service.version)


def test_delete_asks_for_confirmation_then_deletes(world, as_user):
    service = make_service(world.firm_a, name="Newsletter", importance="other")
    client = as_user(world.a_officer)
    url = reverse("vendors:service_delete", args=[service.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="confirm-delete"' in page.content.decode()
    assert BusinessService.objects.for_org(world.firm_a).filter(pk=service.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not BusinessService.objects.for_org(world.firm_a).filter(pk=service.pk).exists()


def test_deleting_a_vendor_still_in_use_is_refused_with_a_message(world, as_user):
    dep = make_dependency(world.firm_a)
    client = as_user(world.a_officer)
    response = client.post(reverse("vendors:vendor_delete", args=[dep.vendor_id]), follow=True)
    assert Vendor.objects.for_org(world.firm_a).filter(pk=dep.vendor_id).exists()
    assert any("remove those first" in str(m) or "still" in str(m) for m in response.context["messages"])


def test_service_page_lists_each_spof_reason(world, as_user):
    dep = make_chain(world.firm_a, result="fail", achieved=None)
    body = as_user(world.a_viewer).get(reverse("vendors:service_detail", args=[dep.service_id])).content.decode()
    assert 'data-testid="spof-reason"' in body
    assert "No failover test has passed." in body or "failover" in body


def test_dependency_page_shows_tier_gates_and_the_chain(world, as_user):
    dep = make_chain(world.firm_a, strategy=None)
    dep.refresh_from_db()
    body = as_user(world.a_viewer).get(reverse("vendors:dependency_detail", args=[dep.pk])).content.decode()
    assert 'data-testid="tier"' in body
    assert "No redundancy measure is recorded." in body
    assert dep.vendor.name in body and dep.service.name in body
    assert 'data-testid="tier-override"' not in body  # viewers get no override form


def test_tier_override_needs_reason_and_approver(world, as_user):
    dep = make_dependency(world.firm_a)
    url = reverse("vendors:dependency_tier_override", args=[dep.pk])
    client = as_user(world.a_officer)
    response = client.post(url, {"tier_override": "T3", "version": dep.version})
    assert response.status_code == 400
    errors = response.context["override_form"].errors
    assert "tier_override_reason" in errors and "tier_override_approver" in errors
    dep.refresh_from_db()
    assert dep.tier_override == ""

    response = client.post(url, {"tier_override": "T3", "tier_override_reason": "Static brochure site only",
                                 "tier_override_approver": world.a_admin.pk, "tier_override_minutes_ref": "RC-7",
                                 "version": dep.version})
    assert response.status_code == 302
    dep.refresh_from_db()
    assert dep.tier_override == "T3" and dep.tier_override_approver == world.a_admin


def test_tier_override_approver_must_be_an_officer_or_admin_of_the_firm(world, as_user):
    dep = make_dependency(world.firm_a)
    response = as_user(world.a_officer).post(reverse("vendors:dependency_tier_override", args=[dep.pk]), {
        "tier_override": "T3", "tier_override_reason": "x", "tier_override_approver": world.a_viewer.pk,
        "version": dep.version})
    assert response.status_code == 400
    assert "tier_override_approver" in response.context["override_form"].errors


def test_measure_with_the_primary_as_alternate_is_refused(world, as_user):
    dep = make_dependency(world.firm_a)
    response = as_user(world.a_officer).post(reverse("vendors:measure_create", args=[dep.pk]), {
        "strategy": "active_active", "alternate_provider": dep.vendor.catalog_id})
    assert response.status_code == 400
    assert "alternate_provider" in response.context["form"].errors
    assert not dep.measures.exists()


def test_future_failover_test_is_refused(world, as_user):
    dep = make_chain(world.firm_a, result=None)
    measure = dep.measures.get()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = as_user(world.a_officer).post(reverse("vendors:failover_test_create", args=[measure.pk]), {
        "tested_on": tomorrow.isoformat(), "scenario": "CDN switch", "result": "pass"})
    assert response.status_code == 400
    assert "tested_on" in response.context["form"].errors
    assert not measure.tests.exists()


def test_incident_end_before_start_is_refused(world, as_user):
    provider = make_provider("edgeco")
    response = as_user(world.a_officer).post(reverse("vendors:incident_create"), {
        "reference": "INC-1", "provider": provider.pk, "started_at": "2025-11-18T11:48",
        "ended_at": "2025-11-18T10:00"})
    assert response.status_code == 400
    assert "ended_at" in response.context["form"].errors
    assert not Incident.objects.for_org(world.firm_a).exists()


def test_officer_records_an_incident(world, as_user):
    provider = make_provider("edgeco")
    service = make_service(world.firm_a)
    response = as_user(world.a_officer).post(reverse("vendors:incident_create"), {
        "reference": "INC-1", "provider": provider.pk, "started_at": "2025-11-18T11:48",
        "ended_at": "2025-11-18T14:42", "affected_services": [service.pk]})
    assert response.status_code == 302
    incident = Incident.objects.for_org(world.firm_a).get(reference="INC-1")
    assert list(incident.affected_services.all()) == [service]


def test_a_firm_proposes_a_provider_and_can_use_it_at_once(world, as_user):
    client = as_user(world.a_officer)
    response = client.post(reverse("vendors:catalog_propose"), {
        "legal_name": "Seoul Edge Co., Ltd.", "brand": "Seoul Edge", "country": "KR", "category": "cdn_security"})
    assert response.status_code == 302
    proposal = ProviderCatalog.objects.get(legal_name="Seoul Edge Co., Ltd.")
    assert proposal.status == CatalogStatus.PROPOSED and proposal.proposed_by == world.firm_a
    form = client.get(reverse("vendors:vendor_create")).context["form"]
    assert proposal in form.fields["catalog"].queryset
    other = as_user(world.b_officer).get(reverse("vendors:vendor_create")).context["form"]
    assert proposal not in other.fields["catalog"].queryset


def test_the_incident_form_records_detection_and_the_report_to_the_supervisor_audited(world, as_user):
    from audit.models import AuditEvent

    provider = make_provider("edgeco")
    client = as_user(world.a_officer)
    fields = {"reference": "INC-7", "provider": provider.pk, "started_at": "2025-11-18T11:20",
              "detected_at": "2025-11-18T11:31", "ended_at": "2025-11-18T14:30"}
    assert client.post(reverse("vendors:incident_create"), fields).status_code == 302
    incident = Incident.objects.for_org(world.firm_a).get(reference="INC-7")
    assert incident.detected_at is not None and incident.reported_to_supervisor_at is None
    response = client.post(reverse("vendors:incident_edit", args=[incident.pk]), {
        **fields, "reported_to_supervisor_at": "2025-11-18T15:05", "version": incident.version})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.reported_to_supervisor_at is not None
    event = AuditEvent.objects.for_org(world.firm_a).filter(object_id=str(incident.pk), action="update").latest("id")
    assert event.changes["before"]["reported_to_supervisor_at"] is None
    assert event.changes["after"]["reported_to_supervisor_at"].startswith("2025-11-18")


def test_a_detection_before_the_start_is_refused(world, as_user):
    provider = make_provider("edgeco")
    response = as_user(world.a_officer).post(reverse("vendors:incident_create"), {
        "reference": "INC-8", "provider": provider.pk, "started_at": "2025-11-18T11:20",
        "detected_at": "2025-11-18T11:00"})
    assert response.status_code == 400
    assert "detected_at" in response.context["form"].errors


def test_the_vendor_form_is_grouped_and_sums_up_its_errors_with_the_duplicate_reference(world, as_user):
    provider = make_provider("edgeco")
    make_vendor(world.firm_a, reference="V-NEW")
    data = _vendor_post(provider, jurisdiction="usa")
    response = as_user(world.a_officer).post(reverse("vendors:vendor_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    # The duplicate is reported in the same round as the bad country, not only after it is fixed.
    assert "reference" in errors and "jurisdiction" in errors
    body = response.content.decode()
    summary = body[body.index('data-testid="error-summary"'):body.index("</div>", body.index("error-summary"))]
    assert 'href="#id_reference"' in summary and 'href="#id_jurisdiction"' in summary
    for legend in ("Identity", "Contract", "Data and location", "Exit"):
        assert f"<legend>{legend}</legend>" in body


def test_subcontractors_are_a_searchable_checkbox_picker(world, as_user):
    make_provider("edgeco")
    body = as_user(world.a_officer).get(reverse("vendors:vendor_create")).content.decode()
    assert "data-picker-search" in body and 'name="subcontractors"' in body and 'type="checkbox"' in body
    assert "<select name=\"subcontractors\"" not in body


def test_a_duplicate_service_reference_is_flagged_on_the_form(world, as_user):
    service = make_service(world.firm_a)
    response = as_user(world.a_officer).post(reverse("vendors:service_create"), {
        "reference": service.reference, "name": "", "importance": "critical"})
    assert response.status_code == 400
    assert {"reference", "name"} <= set(response.context["form"].errors)
