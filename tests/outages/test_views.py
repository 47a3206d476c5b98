"""The supervisors' pages and the firm's side, through HTTP."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from outages import services
from outages.models import LiveOutage, OutageResponse, OutageStatus, StatusFeed
from tests.conftest import client_for
from tests.factories.outages import make_live_outage
from tests.factories.vendors import make_provider, make_service, make_vendor
from tests.market.helpers import dep, submit_register
from vendors.models import Incident


@pytest.fixture
def cdn(world):
    return make_provider("cloudflare-board")


@pytest.fixture
def outage(world, cdn, django_capture_on_commit_callbacks):
    """Firm A's web front (RTO 30, no redundancy) on the CDN; confirmed 40 minutes into the outage."""
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30)])
    submit_register(world.firm_b, [dep(cdn, service="APP", rto=240, strategy="active_passive", best=5)])
    found = make_live_outage(cdn, status=OutageStatus.DRAFT, started_at=timezone.now() - datetime.timedelta(minutes=40),
                             detected_at=timezone.now() - datetime.timedelta(minutes=35))
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(outage=found, user=world.lead)
    return found


def _response_of(world, outage, org):
    return OutageResponse.objects.across_firms(world.supervisor).get(outage=outage, organization=org)


def test_the_board_shows_what_breaches_first_with_its_clocks(world, outage):
    page = client_for(world.supervisor).get(reverse("outages:outage_board", args=[outage.pk]))
    rows = page.content.decode().split('data-testid="board-row"')[1:]
    assert len(rows) == 2
    assert 'data-service="WEB"' in rows[0] and "past by 10 min" in rows[0]
    assert 'data-service="APP"' in rows[1]
    assert 'hx-trigger="every 10s"' in page.content.decode()


def test_a_resolved_outage_board_stops_polling(world, outage):
    LiveOutage.objects.filter(pk=outage.pk).update(status=OutageStatus.RESOLVED, ended_at=timezone.now())
    page = client_for(world.supervisor).get(reverse("outages:outage_detail", args=[outage.pk]))
    assert page.status_code == 200 and "hx-trigger" not in page.content.decode()


def test_only_a_lead_supervisor_confirms_dismisses_or_resolves(world, cdn):
    draft = make_live_outage(cdn, status=OutageStatus.DRAFT)
    for name in ("outage_confirm", "outage_dismiss", "outage_resolve", "outage_edit"):
        url = reverse(f"outages:{name}", args=[draft.pk])
        assert client_for(world.supervisor).post(url).status_code == 403, name
        assert client_for(world.lead).get(url).status_code == 405, name
    client_for(world.lead).post(reverse("outages:outage_dismiss", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == OutageStatus.DISMISSED


def test_a_lead_edits_an_outage_with_field_errors_for_bad_input(world, cdn):
    draft = make_live_outage(cdn, status=OutageStatus.DRAFT)
    lead = client_for(world.lead)
    url = reverse("outages:outage_edit", args=[draft.pk])
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = lead.post(url, {"title": "x", "severity": "major_outage", "started_at": future}, follow=True)
    assert "The start cannot be in the future." in page.content.decode()
    start = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    lead.post(url, {"title": "CDN down", "severity": "partial_outage", "components": "WAF\nWAF\nCDN",
                    "started_at": start})
    draft.refresh_from_db()
    assert (draft.title, draft.severity, draft.components) == ("CDN down", "partial_outage", ["WAF", "CDN"])
    assert AuditEvent.objects.across_firms(world.supervisor).filter(
        object_type="outages.LiveOutage", object_id=str(draft.pk), action="update").exists()


def test_the_board_exports_as_a_workbook_and_the_export_is_audited(world, outage):
    response = client_for(world.supervisor).get(reverse("outages:outage_board_export", args=[outage.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c is not None]
    assert "WEB Service WEB" in cells
    assert AuditEvent.objects.across_firms(world.supervisor).filter(action="export", object_id=str(outage.pk)).exists()


def test_the_firm_opens_a_prefilled_incident_whose_report_clock_runs_from_detection(world, cdn, outage):
    service = make_service(world.firm_a, reference="WEB", name="Web front")
    vendor = make_vendor(world.firm_a, catalog=cdn)
    response = _response_of(world, outage, world.firm_a)
    officer = client_for(world.a_officer)
    page = officer.get(reverse("outages:my_response", args=[response.pk]))
    assert "Service WEB" in page.content.decode()
    assert client_for(world.a_viewer).post(reverse("outages:my_response_incident", args=[response.pk])).status_code \
        == 403
    done = officer.post(reverse("outages:my_response_incident", args=[response.pk]))
    incident = Incident.objects.for_org(world.firm_a).get()
    assert done["Location"] == reverse("vendors:incident_detail", args=[incident.pk])
    assert incident.detected_at == outage.detected_at and incident.started_at == outage.started_at
    assert incident.vendor == vendor and list(incident.affected_services.all()) == [service]
    assert incident.reportability().deadline == outage.detected_at + datetime.timedelta(days=1)
    officer.post(reverse("outages:my_response_incident", args=[response.pk]))
    assert Incident.objects.for_org(world.firm_a).count() == 1, "one click twice is still one incident"

    services.resolve(outage=outage, user=world.lead, ended_at=timezone.now())
    incident.refresh_from_db()
    assert incident.outage_event == outage.event and outage.event.provider == cdn
    assert outage.event.started_at == outage.started_at and outage.event.ended_at == outage.ended_at


def test_failed_over_at_hh_mm_shows_on_the_board_at_once(world, outage):
    response = _response_of(world, outage, world.firm_a)
    at = timezone.localtime() - datetime.timedelta(minutes=20)
    page = client_for(world.a_officer).post(reverse("outages:my_response", args=[response.pk]), {
        "state": "failed_over", "at": at.strftime("%H:%M"), "version": response.version})
    assert page.status_code == 302
    board = client_for(world.supervisor).get(reverse("outages:outage_board", args=[outage.pk])).content.decode()
    web = next(r for r in board.split('data-testid="board-row"')[1:] if 'data-service="WEB"' in r)
    assert "Failed over" in web and at.strftime("%H:%M") in web


def test_a_failover_before_the_outage_or_a_stale_form_is_refused_with_field_errors(world, outage):
    response = _response_of(world, outage, world.firm_a)
    url = reverse("outages:my_response", args=[response.pk])
    early = (timezone.localtime() - datetime.timedelta(minutes=50)).strftime("%H:%M")
    page = client_for(world.a_officer).post(url, {"state": "failed_over", "at": early, "version": response.version})
    assert "The time cannot precede the outage." in page.content.decode()
    page = client_for(world.a_officer).post(url, {"state": "failed_over", "at": "", "version": response.version})
    assert "Give the time of the failover." in page.content.decode()
    page = client_for(world.a_officer).post(url, {"state": "failed_over", "at": "25:99", "version": response.version})
    assert page.status_code == 200 and 'class="field-error"' in page.content.decode()
    page = client_for(world.a_officer).post(url, {"state": "degraded", "version": response.version + 5})
    assert "Someone else changed this answer" in page.content.decode()


def test_the_after_event_report_compares_declared_and_actual(world, outage):
    response = _response_of(world, outage, world.firm_b)
    services.mark(response=response, user=world.b_officer, state="failed_over",
                  at=outage.started_at + datetime.timedelta(minutes=7), expected_version=response.version)
    lead = client_for(world.lead)
    lead.post(reverse("outages:outage_resolve", args=[outage.pk]),
              {"ended_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    outage.refresh_from_db()
    assert outage.status == OutageStatus.RESOLVED
    page = lead.get(reverse("outages:outage_report", args=[outage.pk])).content.decode()
    rows = page.split('data-testid="report-row"')[1:]
    app = next(r for r in rows if "APP" in r)
    assert "<td>7</td>" in app and "<td>5</td>" in app
    xlsx = lead.get(reverse("outages:outage_report", args=[outage.pk]) + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_lead_adds_a_feed_and_a_supervisor_may_not(world, cdn):
    body = {"provider": cdn.pk, "format": "statuspage", "url": "https://www.cloudflarestatus.com/api/v2/summary.json",
            "enabled": "on"}
    assert client_for(world.supervisor).post(reverse("outages:feed_create"), body).status_code == 403
    page = client_for(world.lead).post(reverse("outages:feed_create"), {**body, "url": "not a url"})
    assert 'class="field-error"' in page.content.decode()
    assert client_for(world.lead).post(reverse("outages:feed_create"), body).status_code == 302
    assert StatusFeed.objects.get().provider == cdn


@pytest.mark.parametrize("firms", [1, 12])
def test_the_board_reads_a_constant_number_of_queries(world, cdn, firms, django_assert_max_num_queries):
    from tests.factories.accounts import make_org

    for n in range(firms):
        submit_register(make_org(f"Firm {n}", "bank"), [dep(cdn, service="WEB"), dep(cdn, service="APP")])
    outage = make_live_outage(cdn)
    client = client_for(world.supervisor)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("outages:outage_board", args=[outage.pk])).status_code == 200


def test_a_lead_polls_a_feed_now_and_a_supervisor_may_not(world, cdn, feed_server):
    from tests.factories.outages import make_feed

    feed = make_feed(cdn, url=feed_server.serve_fixture("/api/v2/summary.json", "statuspage_major_outage.json"))
    url = reverse("outages:feed_poll", args=[feed.pk])
    assert client_for(world.supervisor).post(url).status_code == 403
    assert client_for(world.lead).get(url).status_code == 405
    assert client_for(world.lead).post(url).status_code == 302
    assert LiveOutage.objects.get().status == OutageStatus.DRAFT
    feed_server.serve("/api/v2/summary.json", b"<html>", "text/html")
    page = client_for(world.lead).post(url, follow=True).content.decode()
    assert "expected JSON, got text/html" in page
