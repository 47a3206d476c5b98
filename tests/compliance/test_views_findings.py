"""Findings pages: filters, sorting, hand-made findings, risk acceptance, roles, constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import Finding
from tests.compliance.webtools import english_client
from tests.factories.compliance import make_finding


@pytest.fixture
def as_user():
    return english_client


ALL = ["Open high", "Resolved low", "Late medium", "SPOF critical", "Owned by officer"]


def titles(response) -> list[str]:
    body = response.content.decode()
    return [t for t in ALL if t in body]


@pytest.fixture
def findings(world):
    past = timezone.localdate() - datetime.timedelta(days=3)
    make_finding(world.firm_a, title="Open high", severity="high", status="open")
    make_finding(world.firm_a, title="Resolved low", severity="low", status="resolved", due_date=past)
    make_finding(world.firm_a, title="Late medium", severity="medium", status="in_progress", due_date=past)
    make_finding(world.firm_a, title="SPOF critical", severity="critical", source="spof")
    make_finding(world.firm_a, title="Owned by officer", severity="low", owner=world.a_officer)


@pytest.mark.parametrize(("query", "expected"), [
    ("", ALL),
    ("?status=resolved", ["Resolved low"]),
    ("?severity=critical", ["SPOF critical"]),
    ("?source=spof", ["SPOF critical"]),
    ("?overdue=yes", ["Late medium"]),
    ("?severity=nonsense", ALL),
])
def test_the_findings_list_filters(query, expected, world, findings, as_user):
    response = as_user(world.a_viewer).get(reverse("compliance:finding_list") + query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_the_findings_list_filters_by_owner(world, findings, as_user):
    response = as_user(world.a_viewer).get(reverse("compliance:finding_list") + f"?owner={world.a_officer.pk}")
    assert titles(response) == ["Owned by officer"]


def test_the_findings_list_sorts_by_title(world, findings, as_user):
    body = as_user(world.a_viewer).get(reverse("compliance:finding_list") + "?sort=title").content.decode()
    positions = [body.index(t) for t in ("Late medium", "Open high", "Owned by officer", "Resolved low")]
    assert positions == sorted(positions)
    body = as_user(world.a_viewer).get(reverse("compliance:finding_list") + "?sort=-title").content.decode()
    assert body.index("Resolved low") < body.index("Late medium")


@pytest.mark.parametrize("rows", [1, 50])
def test_the_findings_list_costs_the_same_queries_for_1_or_50(rows, world, as_user, django_assert_max_num_queries):
    for _ in range(rows):
        make_finding(world.firm_a, owner=world.a_officer, risk_accepted_by=None)
    client = as_user(world.a_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("compliance:finding_list")).status_code == 200


def test_officer_records_a_finding_by_hand(world, as_user):
    response = as_user(world.a_officer).post(reverse("compliance:finding_create"), {
        "title": "No exit plan for the CDN", "severity": "high", "status": "open", "owner": world.a_officer.pk,
        "due_date": "2026-03-31", "remediation_plan": "Write and test an exit plan.",
    })
    finding = Finding.objects.for_org(world.firm_a).get()
    assert response.status_code == 302 and finding.source == "manual" and finding.owner == world.a_officer


def test_accepting_a_risk_needs_an_approver_and_an_expiry_date(world, as_user):
    finding = make_finding(world.firm_a, title="Accept me")
    url = reverse("compliance:finding_edit", args=[finding.pk])
    data = {"title": "Accept me", "severity": "high", "status": "risk_accepted", "version": finding.version}
    response = as_user(world.a_officer).post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Accepting a risk needs the approver." in body and "Accepting a risk needs an expiry date." in body
    finding.refresh_from_db()
    assert finding.status == "open"

    expires = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = as_user(world.a_officer).post(url, {**data, "risk_accepted_by": world.a_admin.pk,
                                                   "risk_acceptance_expires_on": expires})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.risk_accepted_by) == ("risk_accepted", world.a_admin)


def test_the_approver_must_be_one_of_the_firms_officers(world, as_user):
    finding = make_finding(world.firm_a, title="x")
    expires = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = as_user(world.a_officer).post(reverse("compliance:finding_edit", args=[finding.pk]), {
        "title": "x", "severity": "high", "status": "risk_accepted", "version": finding.version,
        "risk_accepted_by": world.a_viewer.pk, "risk_acceptance_expires_on": expires,
    })
    assert response.status_code == 400
    finding.refresh_from_db()
    assert finding.status == "open"


def test_viewer_reads_a_finding_but_cannot_edit_it(world, as_user):
    finding = make_finding(world.firm_a, title="Read only", remediation_plan="Plan X")
    client = as_user(world.a_viewer)
    body = client.get(reverse("compliance:finding_detail", args=[finding.pk])).content.decode()
    assert "Read only" in body and "Plan X" in body and 'data-testid="finding-edit"' not in body
    assert client.get(reverse("compliance:finding_edit", args=[finding.pk])).status_code == 403
    assert client.post(reverse("compliance:finding_create"), {"title": "x"}).status_code == 403


def test_a_stale_finding_edit_is_refused_with_the_other_value_shown(world, as_user):
    finding = make_finding(world.firm_a, title="Original")
    url = reverse("compliance:finding_edit", args=[finding.pk])
    data = {"severity": "high", "status": "open", "version": finding.version}
    assert as_user(world.a_admin).post(url, {**data, "title": "Admin's title"}).status_code == 302
    response = as_user(world.a_officer).post(url, {**data, "title": "Officer's title"})
    assert response.status_code == 409
    finding.refresh_from_db()
    assert finding.title == "Admin's title"
