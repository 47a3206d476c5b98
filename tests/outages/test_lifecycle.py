"""The poller against a loopback feed server, and the outage's lifecycle from detection to resolution."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from outages import services
from outages.models import FeedHealth, LiveOutage, OutageResponse, OutageStatus
from review.models import Notification
from tests.factories.outages import make_feed
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register

PATH = "/api/v2/summary.json"


@pytest.fixture
def cdn(world):
    return make_provider("cloudflare-feed")


@pytest.fixture
def feed(cdn, feed_server):
    url = feed_server.serve_fixture(PATH, "statuspage_operational.json")
    return make_feed(cdn, url=url)


def _poll(feed, **kw):
    feed.refresh_from_db()
    return services.poll_feed(feed, **kw)


def test_an_operational_feed_opens_nothing_and_a_repeat_is_a_conditional_request(feed):
    assert _poll(feed) == "ok"
    feed.refresh_from_db()
    assert feed.etag and feed.health == FeedHealth.OK
    assert feed.components.filter(name="CDN/Cache", group="Cloudflare Sites and Services").exists()
    assert _poll(feed) == "not_modified"
    assert not LiveOutage.objects.exists()


def test_a_major_outage_opens_one_draft_and_tells_the_supervisors(world, feed, feed_server,
                                                                  django_capture_on_commit_callbacks):
    _poll(feed)
    feed_server.serve_fixture(PATH, "statuspage_major_outage.json")
    with django_capture_on_commit_callbacks(execute=True):
        assert _poll(feed) == "ok"
    outage = LiveOutage.objects.get()
    assert outage.status == OutageStatus.DRAFT and outage.severity == "major_outage"
    assert "Cloudflare Sites and Services / CDN/Cache" in outage.components
    assert outage.started_at == datetime.datetime(2025, 11, 18, 11, 48, 21, tzinfo=datetime.UTC)
    _poll(feed)
    assert LiveOutage.objects.count() == 1, "the same outage polled again is not a second draft"
    audit = AuditEvent.objects.across_firms(world.supervisor)
    assert audit.filter(action="transition", changes__action="outage_detected", object_id=str(outage.pk)).exists()
    with_regulator = Notification.objects.across_firms(world.supervisor).filter(kind="outage_detected")
    assert {n.recipient for n in with_regulator} == {world.supervisor, world.lead}


def test_the_whole_story_confirmed_firms_told_failed_over_resolved(world, feed, feed_server, cdn,
                                                                   django_capture_on_commit_callbacks):
    submit_register(world.firm_a, [dep(cdn, service="WEB", rto=30), dep(cdn, service="LOW", tier="T3")])
    submit_register(world.firm_b, [dep(make_provider("other-cdn"), service="WEB")])
    feed_server.serve_fixture(PATH, "statuspage_major_outage.json")
    _poll(feed)
    outage = LiveOutage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(outage=outage, user=world.lead)
    [response] = OutageResponse.objects.across_firms(world.supervisor).filter(outage=outage)
    assert response.organization == world.firm_a
    assert response.services == [{"reference": "WEB", "name": "Service WEB"}], "only critical or important ones"
    told = Notification.objects.across_firms(world.supervisor).filter(kind="outage_affects_you")
    recipients = {n.recipient for n in told}
    assert {world.a_officer, world.a_admin} <= recipients
    assert not recipients & {world.a_viewer, world.b_officer, world.b_admin}, "officers, not viewers nor firm B"
    assert {n.organization for n in told} == {world.firm_a}
    assert "Service WEB" in told.first().message
    assert any("Service WEB" in m.body for m in mail.outbox)

    feed_server.serve_fixture(PATH, "statuspage_resolved.json")
    _poll(feed)
    outage.refresh_from_db()
    assert outage.status == OutageStatus.CONFIRMED and outage.proposed_end_at is not None
    # Resolution time is the poll's: the summary of a resolved page lists no incident.
    services.resolve(outage=outage, user=world.lead)
    outage.refresh_from_db()
    assert outage.status == OutageStatus.RESOLVED and outage.ended_at == outage.proposed_end_at
    audit = AuditEvent.objects.across_firms(world.supervisor)
    actions = set(audit.filter(object_id=str(outage.pk), object_type="outages.LiveOutage", action="transition")
                  .values_list("changes__action", flat=True))
    assert {"outage_detected", "outage_confirmed", "outage_end_proposed", "outage_resolved"} <= actions


def test_a_dismissed_draft_cannot_be_confirmed(world, feed, feed_server):
    feed_server.serve_fixture(PATH, "statuspage_major_outage.json")
    _poll(feed)
    outage = LiveOutage.objects.get()
    services.dismiss(outage=outage, user=world.lead)
    with pytest.raises(services.OutageStateError):
        services.confirm(outage=outage, user=world.lead)


def test_an_outage_back_on_the_feed_withdraws_the_proposed_end(world, feed, feed_server):
    feed_server.serve_fixture(PATH, "statuspage_major_outage.json")
    _poll(feed)
    feed_server.serve_fixture(PATH, "statuspage_resolved.json")
    _poll(feed)
    assert LiveOutage.objects.get().proposed_end_at is not None
    feed_server.serve_fixture(PATH, "statuspage_major_outage.json")
    _poll(feed)
    assert LiveOutage.objects.get().proposed_end_at is None


@pytest.mark.parametrize(("body", "content_type", "status", "error"), [
    (b"<html>500</html>", "text/html", 200, "expected JSON"),
    (b"{", "application/json", 200, "invalid JSON"),
    (b"oops", "text/plain", 503, "HTTP 503"),
])
def test_a_failing_feed_backs_off_and_is_unreachable_after_three_failures(world, feed, feed_server, body,
                                                                          content_type, status, error,
                                                                          django_capture_on_commit_callbacks):
    feed_server.serve(PATH, body, content_type, status=status)
    now = timezone.now()
    waits = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert _poll(feed, now=now) == "failed"
        feed.refresh_from_db()
        waits.append((feed.next_poll_at - now).total_seconds())
    assert error in feed.last_error
    assert waits == [120, 240, 480]
    assert feed.health == FeedHealth.UNREACHABLE
    assert AuditEvent.objects.across_firms(world.supervisor).filter(
        action="transition", changes__action="status_feed_unreachable").count() == 1
    assert Notification.objects.across_firms(world.supervisor).filter(kind="status_feed_unreachable").exists()
    assert not services.due_feeds(now).filter(pk=feed.pk).exists()


def test_a_feed_that_does_not_answer_times_out(feed, settings):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.OUTAGE_FEED_TIMEOUT_SECONDS = 0.3
    feed.url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/v2/summary.json"
    feed.save()
    try:
        assert services.poll_feed(feed) == "failed"
    finally:
        silent.close()
    assert "timed out" in feed.last_error


def test_only_http_feeds_are_polled(feed):
    feed.url = "file:///etc/passwd"
    assert services.poll_feed(feed) == "failed"
    assert "http" in feed.last_error
