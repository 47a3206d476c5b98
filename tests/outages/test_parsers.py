"""The feed parsers on recorded, real-shaped fixtures, and on malformed and hostile feeds."""

import datetime
from pathlib import Path

import pytest

from outages import parsers, rules
from outages.parsers import FeedError

FIXTURES = Path(__file__).resolve().parents[2] / "outages" / "fixtures" / "feeds"
NOW = datetime.datetime(2025, 11, 18, 12, 0, tzinfo=datetime.UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_statuspage_summary_names_components_with_their_product_or_region():
    state = parsers.parse_statuspage(fixture("statuspage_major_outage.json"), "application/json; charset=utf-8")
    by_label = {c.label: c.status for c in state.components}
    assert by_label["Cloudflare Sites and Services / CDN/Cache"] == "major_outage"
    assert by_label["Asia / Seoul, South Korea - (ICN)"] == "partial_outage"
    assert by_label["Asia / Tokyo, Japan - (NRT)"] == "operational"
    assert "Asia" not in by_label, "group rows are not components"
    assert state.indicator == "critical"
    [incident] = state.incidents
    assert incident.is_open and incident.impact == "critical"
    assert incident.started_at == datetime.datetime(2025, 11, 18, 11, 48, 21, tzinfo=datetime.UTC)


def test_a_major_outage_on_the_summary_is_detected_with_its_components():
    found = rules.detect(parsers.parse_statuspage(fixture("statuspage_major_outage.json")), NOW)
    assert found.severity == "major_outage"
    assert "Cloudflare Sites and Services / WAF" in found.components
    assert "Asia / Seoul, South Korea - (ICN)" in found.components
    assert "Cloudflare Sites and Services / Dashboard" not in found.components, "degraded is not an outage"
    assert found.external_id == "lq7jx6gp4xl9"
    assert found.started_at.hour == 11 and found.started_at.minute == 48


def test_an_operational_or_resolved_summary_is_no_outage():
    for name in ("statuspage_operational.json", "statuspage_resolved.json"):
        assert rules.detect(parsers.parse_statuspage(fixture(name)), NOW) is None


def test_incidents_json_gives_the_resolution_time_the_end_is_proposed_from():
    state = parsers.parse_statuspage(fixture("statuspage_incidents.json"))
    [incident] = state.incidents
    assert not incident.is_open
    end = rules.proposed_end(state, "lq7jx6gp4xl9", NOW + datetime.timedelta(hours=5))
    assert end == datetime.datetime(2025, 11, 18, 14, 42, tzinfo=datetime.UTC)


def test_rss_items_are_read_by_their_words_and_named_by_region():
    state = parsers.parse_rss(fixture("rss_aws.xml"), "application/rss+xml")
    by_title = {i.title: i for i in state.incidents}
    disruption = by_title["Service disruption: Increased Error Rates and Latencies"]
    assert disruption.is_open and disruption.impact == "critical" and disruption.components == ("us-east-1",)
    assert not by_title["Informational message: Elevated API latencies"].is_open
    found = rules.detect(state, datetime.datetime(2025, 10, 21, tzinfo=datetime.UTC))
    assert found.severity == "major_outage" and found.components == ("us-east-1",)


def test_atom_updates_of_one_incident_end_with_its_resolution():
    state = parsers.parse_atom(fixture("atom_gcp.xml"), "application/atom+xml")
    [incident] = state.incidents
    assert not incident.is_open
    assert incident.started_at == datetime.datetime(2025, 6, 12, 18, 27, tzinfo=datetime.UTC)
    assert incident.resolved_at == datetime.datetime(2025, 6, 12, 23, 59, tzinfo=datetime.UTC)
    assert rules.detect(state, NOW) is None


@pytest.mark.parametrize(("parse", "body", "content_type", "message"), [
    (parsers.parse_statuspage, b"x" * (parsers.MAX_BYTES + 1), "application/json", "larger"),
    (parsers.parse_statuspage, fixture("statuspage_major_outage.json"), "text/html", "expected JSON"),
    (parsers.parse_statuspage, fixture("cdn_error_page.html"), "text/html; charset=utf-8", "expected JSON"),
    (parsers.parse_statuspage, fixture("statuspage_truncated.json"), "application/json", "invalid JSON"),
    (parsers.parse_statuspage, b"[1, 2, 3]", "application/json", "not a Statuspage"),
    (parsers.parse_statuspage, b'{"components": "all fine"}', "application/json", "must be lists"),
    (parsers.parse_statuspage, b"", "application/json", "empty"),
    (parsers.parse_statuspage, b"[" * 100_000, "application/json", "invalid JSON"),
    (parsers.parse_rss, fixture("hostile_billion_laughs.xml"), "application/rss+xml", "refused XML"),
    (parsers.parse_atom, fixture("hostile_external_entity.xml"), "application/atom+xml", "refused XML"),
    (parsers.parse_rss, b"<rss><channel><item>", "application/rss+xml", "invalid XML"),
    (parsers.parse_rss, fixture("atom_gcp.xml"), "application/xml", "not an RSS"),
    (parsers.parse_atom, fixture("rss_aws.xml"), "text/xml", "not an Atom"),
    (parsers.parse_rss, fixture("rss_aws.xml"), "application/json", "expected an RSS"),
])
def test_malformed_and_hostile_feeds_are_refused_with_a_reason(parse, body, content_type, message):
    with pytest.raises(FeedError, match=message):
        parse(body, content_type)


def test_unknown_statuses_and_odd_values_do_not_count_as_outages():
    body = (b'{"components": [{"id": "a", "name": "API", "status": "on fire", "updated_at": 5},'
            b' {"id": "b", "name": {"x": 1}, "status": "major_outage", "updated_at": "not a date"}, 7],'
            b' "incidents": [{"id": "i", "name": "x", "impact": "apocalyptic", "status": "investigating"}]}')
    state = parsers.parse_statuspage(body)
    assert [c.status for c in state.components] == ["unknown", "major_outage"]
    assert state.components[1].name == "b" and state.components[1].updated_at is None
    assert state.incidents[0].impact == "none"
    found = rules.detect(state, NOW)
    assert found.components == ("b",) and found.started_at == NOW


def test_items_are_classified_by_their_words():
    assert parsers.classify_item("[RESOLVED] Increased error rates") == ("resolved", "none")
    assert parsers.classify_item("Service disruption: S3") == ("investigating", "critical")
    assert parsers.classify_item("Elevated latencies in Seoul") == ("investigating", "major")
    assert parsers.classify_item("Scheduled note") == ("investigating", "minor")


def test_backoff_doubles_per_failure_up_to_its_cap():
    assert [rules.backoff_seconds(60, n, 900) for n in range(6)] == [60, 120, 240, 480, 900, 900]
