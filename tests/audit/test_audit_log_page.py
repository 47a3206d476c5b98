"""The audit log page: changes in words, filters by date, actor and kind, short pages, and the download."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.recorder import record
from compliance import findings
from tests.compliance.webtools import english_client
from tests.factories.compliance import make_finding


@pytest.fixture
def changed_finding(world):
    finding = make_finding(world.firm_a, title="Exit plan missing", owner=world.a_officer)
    return findings.change_status(finding=finding, version=finding.version, status="in_progress")


def test_changes_read_as_labels_not_stored_values(world, changed_finding):
    body = english_client(world.a_officer).get(reverse("audit_log")).content.decode()
    assert "Status: Open → In progress" in body
    assert "{&#x27;before&#x27;" not in body and "'after'" not in body
    # A linked row is named (the owner's e-mail), not its id.
    assert f"Owner: {world.a_officer.email}" in body


def test_the_log_filters_by_kind_actor_and_date(world, changed_finding):
    record(AuditEvent.Action.EXPORT, organization=world.firm_a, actor=world.a_admin, object_type="reports.ExportJob",
           object_repr="Register export")
    client = english_client(world.a_officer)
    by_kind = client.get(reverse("audit_log"), {"kind": "compliance.Finding"}).content.decode()
    assert "Exit plan missing" in by_kind and "Register export" not in by_kind
    by_actor = client.get(reverse("audit_log"), {"actor": world.a_admin.email}).content.decode()
    assert "Register export" in by_actor and "Exit plan missing" not in by_actor
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    later = client.get(reverse("audit_log"), {"date_from": tomorrow}).content.decode()
    assert "Exit plan missing" not in later and "Register export" not in later


def test_a_reversed_date_range_is_a_field_error(world):
    response = english_client(world.a_officer).get(reverse("audit_log"),
                                                   {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()


def test_another_firms_actor_is_not_a_choice(world, changed_finding):
    make_finding(world.firm_b, title="B finding")
    body = english_client(world.a_officer).get(reverse("audit_log")).content.decode()
    assert "B finding" not in body
    response = english_client(world.a_officer).get(reverse("audit_log"), {"actor": world.b_officer.email})
    assert response.status_code == 400


def test_pages_are_numbered_and_short(world):
    for i in range(120):
        make_finding(world.firm_a, title=f"Row {i}")
    body = english_client(world.a_officer).get(reverse("audit_log"), {"page": 2}).content.decode()
    assert body.count('data-testid="audit-row"') == 50
    assert 'aria-current="page">2<' in body and "page=3" in body


def test_the_download_is_the_filtered_log_in_words_and_is_audited(world, changed_finding):
    make_finding(world.firm_a, title="=HYPERLINK(\"http://x\")")
    response = english_client(world.a_officer).get(reverse("audit_log_export"), {"kind": "compliance.Finding"})
    assert response.status_code == 200
    name = response["Content-Disposition"]
    assert "backstop-audit-log-" in name and timezone.localdate().strftime("%Y%m%d") in name
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert any("status: open → in progress" in (row[5] or "").lower() for row in values)
    injected = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert injected and all(c.data_type == "s" for c in injected)
    assert AuditEvent.objects.for_org(world.firm_a).filter(action="export", object_type="audit.AuditEvent").exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_log_page_costs_the_same_queries_for_1_or_50(rows, world, django_assert_max_num_queries):
    for _ in range(rows):
        make_finding(world.firm_a, owner=world.a_officer)
    client = english_client(world.a_officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("audit_log")).status_code == 200
