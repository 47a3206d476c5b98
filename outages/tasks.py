"""Celery tasks: thin wrappers that load ids and call the services."""

from celery import shared_task
from django.utils import timezone

from audit.context import acting_as


@shared_task(name="outages.poll_feeds")
def poll_feeds() -> int:
    """Beat: queue a poll for every enabled feed that is due (backoff decides when a failing one is)."""
    from outages.services import due_feeds

    ids = list(due_feeds(timezone.now()).values_list("pk", flat=True))
    for pk in ids:
        poll_feed.delay(pk)
    return len(ids)


@shared_task(name="outages.poll_feed")
def poll_feed(feed_id: int) -> str:
    from outages.models import StatusFeed
    from outages.services import poll_feed as poll

    feed = StatusFeed.objects.filter(pk=feed_id, enabled=True).select_related("provider").first()
    if feed is None:
        return "gone"
    # No firm: the feed and the outage are shared rows; notifications set their own firm.
    with acting_as(None, None):
        return poll(feed)


@shared_task(name="outages.notify_firms", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_firms(outage_id: int) -> int:
    from outages.models import LiveOutage
    from outages.services import notify_firms as notify

    outage = LiveOutage.objects.filter(pk=outage_id).select_related("provider", "confirmed_by").first()
    if outage is None or outage.confirmed_by is None:
        return 0
    with acting_as(outage.confirmed_by, None):
        return notify(outage)
