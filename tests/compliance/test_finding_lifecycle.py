"""A finding's lifecycle from its detail page: allowed moves, risk acceptance, history and its sources."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from compliance import findings
from tests.compliance.webtools import english_client
from tests.factories.compliance import make_answer, make_evidence, make_finding


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.mark.parametrize(("current", "expected"), [
    ("open", ["in_progress", "resolved", "risk_accepted"]),
    ("in_progress", ["open", "resolved", "risk_accepted"]),
    ("resolved", ["open"]),
    ("risk_accepted", ["open", "resolved"]),
    ("nonsense", []),
])
def test_allowed_transitions_follow_the_lifecycle(current, expected):
    assert findings.allowed_transitions(current) == expected


def test_a_resolved_finding_cannot_go_straight_to_in_progress(world):
    finding = make_finding(world.firm_a, status="resolved")
    with pytest.raises(ValidationError) as exc:
        findings.change_status(finding=finding, version=finding.version, status="in_progress")
    assert "status" in exc.value.message_dict
    finding.refresh_from_db()
    assert finding.status == "resolved"


def test_accepting_a_risk_needs_approver_and_future_expiry(world):
    finding = make_finding(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        findings.change_status(finding=finding, version=finding.version, status="risk_accepted")
    assert {"risk_accepted_by", "risk_acceptance_expires_on"} <= set(exc.value.message_dict)
    finding = type(finding).objects.for_org(world.firm_a).get(pk=finding.pk)
    with pytest.raises(ValidationError) as exc:
        findings.change_status(finding=finding, version=finding.version, status="risk_accepted",
                               approver=world.a_admin, expires_on=timezone.localdate())
    assert "risk_acceptance_expires_on" in exc.value.message_dict


def test_a_status_change_is_audited_and_reopening_clears_the_acceptance(world):
    finding = make_finding(world.firm_a)
    finding = findings.change_status(finding=finding, version=finding.version, status="risk_accepted",
                                     approver=world.a_admin, expires_on=in_days(30), note="Board approved")
    assert finding.is_closed and "Board approved" in finding.remediation_plan
    event = AuditEvent.objects.for_org(world.firm_a).filter(object_id=str(finding.pk), action="update").first()
    assert event.changes["after"]["status"] == "risk_accepted"
    finding = findings.change_status(finding=finding, version=finding.version, status="open")
    assert finding.risk_accepted_by is None and finding.risk_acceptance_expires_on is None
    assert finding.closed_at is None


def test_officer_moves_a_finding_to_in_progress_from_the_detail_page(world):
    finding = make_finding(world.firm_a, title="Move me")
    client = english_client(world.a_officer)
    detail = client.get(reverse("compliance:finding_detail", args=[finding.pk])).content.decode()
    assert 'data-testid="finding-status-form"' in detail
    response = client.post(reverse("compliance:finding_status", args=[finding.pk]),
                           {"status": "in_progress", "version": finding.version, "note": "Vendor contacted"})
    assert response.status_code == 302
    body = client.get(reverse("compliance:finding_detail", args=[finding.pk])).content.decode()
    # The history reads as labels, not stored values: "Status: Open → In progress".
    assert "Open → In progress" in body and "Vendor contacted" in body


def test_risk_acceptance_without_approver_shows_field_errors(world):
    finding = make_finding(world.firm_a)
    response = english_client(world.a_officer).post(
        reverse("compliance:finding_status", args=[finding.pk]),
        {"status": "risk_accepted", "version": finding.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Accepting a risk needs the approver." in body and "Accepting a risk needs an expiry date." in body


def test_a_disallowed_move_is_a_field_error(world):
    finding = make_finding(world.firm_a, status="resolved")
    response = english_client(world.a_officer).post(
        reverse("compliance:finding_status", args=[finding.pk]), {"status": "in_progress", "version": finding.version})
    assert response.status_code == 400
    finding.refresh_from_db()
    assert finding.status == "resolved"


def test_viewer_cannot_change_status_and_sees_no_form(world):
    finding = make_finding(world.firm_a)
    client = english_client(world.a_viewer)
    body = client.get(reverse("compliance:finding_detail", args=[finding.pk])).content.decode()
    assert 'data-testid="finding-status-form"' not in body
    response = client.post(reverse("compliance:finding_status", args=[finding.pk]),
                           {"status": "resolved", "version": finding.version})
    assert response.status_code == 403


def test_get_on_the_status_route_is_405(world):
    finding = make_finding(world.firm_a)
    assert english_client(world.a_officer).get(
        reverse("compliance:finding_status", args=[finding.pk])).status_code == 405


def test_other_firms_officer_gets_404_on_the_status_route(world):
    finding = make_finding(world.firm_a)
    response = english_client(world.b_officer).post(reverse("compliance:finding_status", args=[finding.pk]),
                                                    {"status": "resolved", "version": finding.version})
    assert response.status_code == 404


def test_the_detail_links_to_the_answer_and_its_evidence(world):
    answer = make_answer(world.firm_a, response="non_compliant")
    make_evidence(world.firm_a, answer, original_name="board-minutes.pdf")
    finding = make_finding(world.firm_a, source="answer", assessment=answer.assessment, requirement=answer.requirement)
    body = english_client(world.a_viewer).get(reverse("compliance:finding_detail", args=[finding.pk])).content.decode()
    assert f"#req-{answer.requirement_id}" in body
    assert "board-minutes.pdf" in body and 'data-testid="finding-evidence-link"' in body


def test_the_edit_form_follows_the_same_lifecycle(world):
    finding = make_finding(world.firm_a, title="Closed", status="resolved")
    response = english_client(world.a_officer).post(reverse("compliance:finding_edit", args=[finding.pk]), {
        "title": "Closed", "severity": "high", "status": "in_progress", "version": finding.version})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "resolved"
