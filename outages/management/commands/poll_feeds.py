from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.context import acting_as
from outages import services
from outages.models import StatusFeed


class Command(BaseCommand):
    help = "Poll the status feeds now (what beat does every OUTAGE_FEED_POLL_SECONDS), all of them with --all."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="poll every enabled feed, due or not")

    def handle(self, *args, **options):
        feeds = StatusFeed.objects.filter(enabled=True) if options["all"] else services.due_feeds(timezone.now())
        for feed in feeds.select_related("provider"):
            with acting_as(None, None):
                outcome = services.poll_feed(feed)
            self.stdout.write(f"{feed.provider}: {outcome}{' · ' + feed.last_error if feed.last_error else ''}")
