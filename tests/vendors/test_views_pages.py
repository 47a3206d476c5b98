"""Register pages: who sees what, who may write, and list pages at a constant query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.vendors import (
    make_chain,
    make_failover_test,
    make_incident,
    make_measure,
    make_provider,
    make_service,
    make_vendor,
)
from vendors.models import Dependency, Vendor

LIST_PAGES = [
    "vendors:vendor_list",
    "vendors:service_list",
    "vendors:dependency_list",
    "vendors:incident_list",
    "vendors:catalog_list",
]


@pytest.fixture
def register(world):
    """Firm A's register: one chain (service → dependency → vendor → measure → test) and an incident."""
    dep = make_chain(world.firm_a)
    measure = dep.measures.get()
    return {
        "dependency": dep,
        "service": dep.service,
        "vendor": dep.vendor,
        "measure": measure,
        "test": measure.tests.get(),
        "incident": make_incident(world.firm_a, vendor=dep.vendor, provider=dep.vendor.catalog),
    }


def _pages(r):
    return [
        *[reverse(name) for name in LIST_PAGES],
        reverse("vendors:vendor_detail", args=[r["vendor"].pk]),
        reverse("vendors:service_detail", args=[r["service"].pk]),
        reverse("vendors:dependency_detail", args=[r["dependency"].pk]),
        reverse("vendors:incident_detail", args=[r["incident"].pk]),
    ]


def _write_pages(r):
    return [
        reverse("vendors:vendor_create"),
        reverse("vendors:vendor_edit", args=[r["vendor"].pk]),
        reverse("vendors:vendor_delete", args=[r["vendor"].pk]),
        reverse("vendors:service_create"),
        reverse("vendors:service_edit", args=[r["service"].pk]),
        reverse("vendors:service_delete", args=[r["service"].pk]),
        reverse("vendors:dependency_create"),
        reverse("vendors:dependency_edit", args=[r["dependency"].pk]),
        reverse("vendors:dependency_delete", args=[r["dependency"].pk]),
        reverse("vendors:dependency_tier_override", args=[r["dependency"].pk]),
        reverse("vendors:measure_create", args=[r["dependency"].pk]),
        reverse("vendors:measure_edit", args=[r["measure"].pk]),
        reverse("vendors:measure_delete", args=[r["measure"].pk]),
        reverse("vendors:failover_test_create", args=[r["measure"].pk]),
        reverse("vendors:failover_test_edit", args=[r["test"].pk]),
        reverse("vendors:failover_test_delete", args=[r["test"].pk]),
        reverse("vendors:incident_create"),
        reverse("vendors:incident_edit", args=[r["incident"].pk]),
        reverse("vendors:incident_delete", args=[r["incident"].pk]),
        reverse("vendors:catalog_propose"),
    ]


def test_every_register_page_renders_for_officer_and_viewer(world, register, as_user):
    for user in (world.a_officer, world.a_viewer):
        client = as_user(user)
        for url in _pages(register):
            response = client.get(url)
            assert response.status_code == 200, f"{user} GET {url} → {response.status_code}"


def test_every_form_page_renders_for_an_officer(world, register, as_user):
    client = as_user(world.a_officer)
    for url in _write_pages(register):
        assert client.get(url).status_code == 200, url


def test_viewer_sees_no_edit_buttons(world, register, as_user):
    body = as_user(world.a_viewer).get(reverse("vendors:vendor_detail", args=[register["vendor"].pk])).content.decode()
    assert reverse("vendors:vendor_edit", args=[register["vendor"].pk]) not in body
    assert reverse("vendors:vendor_delete", args=[register["vendor"].pk]) not in body
    officer_body = (
        as_user(world.a_officer).get(reverse("vendors:vendor_detail", args=[register["vendor"].pk])).content.decode()
    )
    assert reverse("vendors:vendor_edit", args=[register["vendor"].pk]) in officer_body


def test_viewer_gets_403_on_every_write_and_nothing_changes(world, register, as_user):
    client = as_user(world.a_viewer)
    for url in _write_pages(register):
        assert client.post(url, {"name": "hijacked"}).status_code == 403, url
        assert client.get(url).status_code == 403, url
    assert Vendor.objects.for_org(world.firm_a).count() == 1
    assert not Vendor.objects.for_org(world.firm_a).filter(name="hijacked").exists()


def test_supervisor_has_no_firm_register_pages(world, register, as_user):
    client = as_user(world.supervisor)
    for name in LIST_PAGES[:-1]:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("vendors:vendor_detail", args=[register["vendor"].pk])).status_code == 404


def test_other_firms_officer_gets_404_on_nested_create_routes(world, register, as_user):
    client = as_user(world.b_officer)
    for url in (
        reverse("vendors:measure_create", args=[register["dependency"].pk]),
        reverse("vendors:failover_test_create", args=[register["measure"].pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


def test_vendor_list_searches_filters_and_sorts(world, as_user):
    make_vendor(world.firm_a, name="Cloudy CDN", category="cdn_security", reference="V-CDN")
    make_vendor(world.firm_a, name="Ledger Custody", category="custody", reference="V-CUS")
    client = as_user(world.a_viewer)
    body = client.get(reverse("vendors:vendor_list"), {"q": "cloudy"}).content.decode()
    assert "Cloudy CDN" in body and "Ledger Custody" not in body
    body = client.get(reverse("vendors:vendor_list"), {"category": "custody"}).content.decode()
    assert "Ledger Custody" in body and "Cloudy CDN" not in body
    body = client.get(reverse("vendors:vendor_list"), {"sort": "-name"}).content.decode()
    assert body.index("Ledger Custody") < body.index("Cloudy CDN")
    # An unknown sort key falls back to the default instead of reaching order_by.
    assert client.get(reverse("vendors:vendor_list"), {"sort": "organization__name"}).status_code == 200


def test_service_list_filters_by_importance(world, as_user):
    make_service(world.firm_a, name="Order matching", importance="critical")
    make_service(world.firm_a, name="Newsletter", importance="other")
    body = as_user(world.a_viewer).get(reverse("vendors:service_list"), {"importance": "other"}).content.decode()
    assert "Newsletter" in body and "Order matching" not in body


def test_catalog_list_searches_the_global_catalog(world, as_user):
    make_provider("acme-cdn", legal_name="Acme Edge Networks Inc.")
    make_provider("zeta-pay", legal_name="Zeta Payments Ltd.", category="payments")
    body = as_user(world.a_viewer).get(reverse("vendors:catalog_list"), {"q": "acme"}).content.decode()
    assert "Acme Edge Networks" in body and "Zeta Payments" not in body


def _fill(org, n):
    for _ in range(n):
        dep = make_chain(org)
        make_incident(org, provider=dep.vendor.catalog, vendor=dep.vendor).affected_services.add(dep.service)
        make_failover_test(org, measure=make_measure(org, dependency=dep))


# Session, user, memberships, then the page: the SPOF selector adds its fixed handful on the service and
# dependency lists. The bound is the same at 1 and at 50 rows.
QUERY_BOUNDS = {"vendors:vendor_list": 5, "vendors:service_list": 11, "vendors:dependency_list": 11,
                "vendors:incident_list": 7, "vendors:catalog_list": 5}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_run_a_constant_number_of_queries(name, world, as_user, django_assert_max_num_queries):
    client = as_user(world.a_officer)
    url = reverse(name)
    _fill(world.firm_a, 1)
    bound = QUERY_BOUNDS[name]
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    _fill(world.firm_a, 49)
    assert Dependency.objects.for_org(world.firm_a).count() == 50
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_the_incident_list_and_detail_show_an_overdue_report(world, as_user):
    now = timezone.now()
    overdue = make_incident(world.firm_a, reference="INC-LATE", started_at=now - datetime.timedelta(days=3),
                            ended_at=now - datetime.timedelta(days=3) + datetime.timedelta(minutes=45))
    make_incident(world.firm_a, reference="INC-FILED", started_at=now - datetime.timedelta(days=3),
                  ended_at=now - datetime.timedelta(days=2),
                  reported_to_supervisor_at=now - datetime.timedelta(days=3) + datetime.timedelta(hours=2))
    make_incident(world.firm_a, reference="INC-SHORT", started_at=now - datetime.timedelta(days=3),
                  ended_at=now - datetime.timedelta(days=3) + datetime.timedelta(minutes=5))
    client = as_user(world.a_viewer)
    body = client.get(reverse("vendors:incident_list")).content.decode()
    rows = {ref: body.split(f">{ref}</a>")[1].split("</tr>")[0] for ref in ("INC-LATE", "INC-FILED", "INC-SHORT")}
    assert 'data-testid="report-overdue"' in rows["INC-LATE"]
    assert 'data-testid="report-overdue"' not in rows["INC-FILED"]
    assert 'data-testid="report-overdue"' not in rows["INC-SHORT"]
    detail = client.get(reverse("vendors:incident_detail", args=[overdue.pk])).content.decode()
    assert 'data-testid="report-overdue"' in detail
    due = timezone.localtime(overdue.started_at + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    assert due in detail


def test_list_numbers_are_grouped_and_right_aligned_with_their_header(world, as_user):
    from tests.factories.vendors import make_service

    make_service(world.firm_a, name="Mobile app", customers_affected=1234567)
    body = as_user(world.a_viewer).get(reverse("vendors:service_list")).content.decode()
    assert '<td class="num">1,234,567</td>' in body
    # The header of a numeric column is right-aligned too, text columns stay left.
    assert body.count('<th class="num"') >= 3
    assert '<th class="num"><a href="?sort=name' not in body
