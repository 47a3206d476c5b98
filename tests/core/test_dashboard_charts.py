"""The firm dashboard draws its pictures on the server: SPOFs by service, tiers, open findings by severity,
contracts ending on a timeline; each beside its numbers, none for supervisors, no script, no CDN."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from market import svg
from tests.compliance.webtools import english_client
from tests.factories.compliance import make_finding
from tests.factories.vendors import make_chain, make_vendor


def section(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start:body.index("</section>", start)]


@pytest.fixture
def register(world):
    make_chain(world.firm_a, strategy=None)  # a critical service on one vendor: a SPOF
    make_vendor(world.firm_a, name="Ends soon", contract_end=timezone.localdate() + datetime.timedelta(days=40))
    make_finding(world.firm_a, severity="critical")
    make_finding(world.firm_a, severity="low")
    make_finding(world.firm_a, severity="high", status="resolved")


def test_the_officer_dashboard_draws_four_charts_with_their_numbers(world, register):
    body = english_client(world.a_officer).get(reverse("dashboard")).content.decode()
    for key in ("spof_by_service", "tiers", "findings_by_severity", "contract_timeline"):
        chart = section(body, f"chart-{key}")
        assert "<svg" in chart and "<table" in chart, key
    findings = section(body, "chart-findings_by_severity")
    # Only open findings count: the resolved high one is not drawn.
    assert "<td>Critical</td><td class=\"num\">1</td>" in findings
    assert "<td>High</td><td class=\"num\">0</td>" in findings
    assert "Ends soon" in section(body, "chart-contract_timeline")
    assert reverse("market:my_concentration") in body
    assert "<script>" not in body and " style=" not in body


def test_an_empty_register_says_so_instead_of_drawing(world):
    body = english_client(world.a_officer).get(reverse("dashboard")).content.decode()
    assert "<svg" not in section(body, "chart-tiers")
    assert "No dependency registered yet." in body


def test_supervisors_get_no_firm_charts(world):
    body = english_client(world.supervisor).get(reverse("dashboard")).content.decode()
    assert 'data-testid="chart-' not in body


def test_bar_labels_are_escaped_and_numbers_grouped():
    drawn = svg.bar_chart([("<b>x</b>", 12345)], title="t", colours=["#000"])
    assert "<b>" not in drawn and "&lt;b&gt;" in drawn and "12,345" in drawn


def test_the_timeline_places_a_date_by_its_distance_from_the_start():
    start = datetime.date(2026, 1, 1)
    drawn = svg.date_timeline([("late", datetime.date(2026, 12, 31)), ("early", datetime.date(2026, 1, 2))],
                              start=start, days=365, title="t")
    assert drawn.index("early") < drawn.index("late")  # sorted by date
    assert drawn.count("<circle") == 2
    assert svg.date_timeline([], start=start, days=365, title="t") == ""


@pytest.mark.parametrize("rows", [1, 20])
def test_the_dashboard_costs_the_same_queries_for_1_or_20_findings(rows, world, django_assert_max_num_queries):
    for _ in range(rows):
        make_finding(world.firm_a)
    client = english_client(world.a_officer)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_korean_label_is_cut_by_its_width_not_its_length():
    drawn = svg.bar_chart([("가상자산 입출금 (Crypto deposits and withdrawals)", 1)], title="t")
    label = drawn.split('text-anchor="end" font-size="12">')[1].split("<")[0]
    width = sum(2 if "가" <= ch <= "힣" else 1 for ch in label)
    assert label.endswith("…") and width <= 28
