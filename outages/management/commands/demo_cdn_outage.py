"""A scripted CDN outage on the demo: Cloudflare's status page turns red and the board fills in.

Serves the recorded major-outage summary (its times moved to now) on loopback, points the demo's
Cloudflare feed at it for one poll, confirms the draft as the demo lead supervisor (the affected firms
are notified), lets two firms answer (one failed over, one degraded) and prints the board after each
step. With ``--resolve`` the page then shows the outage resolved and the lead confirms the end.
The feed is pointed back at its usual address at the end.
"""

from __future__ import annotations

import datetime
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from audit.context import acting_as
from outages import selectors, services
from outages.fixture_server import FIXTURES, FixtureServer
from outages.models import OutageResponse, OutageStatus, ResponseState, StatusFeed

PATH = "/api/v2/summary.json"


def shifted(name: str, start: datetime.datetime) -> bytes:
    """The recorded page with the outage starting at ``start`` (its updates keep their offsets)."""
    doc = json.loads((FIXTURES / name).read_text())
    first = datetime.datetime(2025, 11, 18, 11, 48, 21, tzinfo=datetime.UTC)

    def move(value):
        if isinstance(value, str) and value.startswith("2025-11-18T"):
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (start + (moment - first)).isoformat().replace("+00:00", "Z")
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        return value

    return json.dumps(move(doc)).encode()


class Command(BaseCommand):
    help = "Play a CDN outage on the demo data and print the live impact board as it fills in."

    def add_arguments(self, parser):
        parser.add_argument("--minutes-ago", type=int, default=45, help="when the outage started (default 45)")
        parser.add_argument("--resolve", action="store_true", help="end it too, then print declared versus actual")

    def handle(self, *args, **options):
        feed = StatusFeed.objects.filter(provider__key="cloudflare").select_related("provider").first()
        lead = (Membership.objects.regulator_staff().filter(role=Role.LEAD_SUPERVISOR)
                .select_related("user", "organization").order_by("pk").first())
        if feed is None or lead is None:
            raise CommandError("No demo Cloudflare feed or lead supervisor: run `make demo` first.")
        start = timezone.now() - datetime.timedelta(minutes=options["minutes_ago"])
        server = FixtureServer().start()
        usual, usual_etag = feed.url, feed.etag
        try:
            with acting_as(lead.user, lead.organization):
                feed.url, feed.etag, feed.last_modified = server.serve(PATH, shifted("statuspage_major_outage.json",
                                                                                     start)), "", ""
                feed.save()
                self.stdout.write(f"1. Poll {feed.provider}: {services.poll_feed(feed)}")
                outage = services.open_outage_of(feed)
                if outage is None:
                    raise CommandError("The feed showed no outage.")
                self.stdout.write(f"   Draft #{outage.pk}: {outage.title} ({', '.join(outage.components)})")
                if outage.status == OutageStatus.DRAFT:
                    services.confirm(outage=outage, user=lead.user)
                self.stdout.write(f"2. Confirmed by {lead.user.email}; firms are notified.")
            responses = self._wait_for_responses(lead.user, outage)
            self._board(lead.user, outage, "   Board after confirmation")
            self._answer(lead.user, outage, responses)
            self._board(lead.user, outage, "3. Board after the firms answered")
            if options["resolve"]:
                with acting_as(lead.user, lead.organization):
                    feed.refresh_from_db()
                    server.serve_fixture(PATH, "statuspage_resolved.json")
                    self.stdout.write(f"4. Poll {feed.provider}: {services.poll_feed(feed)} (resolved on the feed)")
                    outage.refresh_from_db()
                    services.resolve(outage=outage, user=lead.user)
                self.stdout.write(f"   Resolved at {timezone.localtime(outage.ended_at):%H:%M}.")
            self.stdout.write(f"Open /outages/{outage.pk}/ as {lead.user.email} to see the board.")
        finally:
            with acting_as(lead.user, lead.organization):
                feed.refresh_from_db()
                feed.url, feed.etag = usual, usual_etag
                feed.save()
            server.stop()

    def _wait_for_responses(self, reader, outage) -> list[OutageResponse]:
        # Eager in the embedded demo; with a worker, notify_firms runs there.
        deadline = time.monotonic() + 30
        while True:
            found = list(OutageResponse.objects.across_firms(reader).filter(outage=outage)
                         .select_related("organization").order_by("organization__name"))
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.5)

    def _answer(self, reader, outage, responses: list[OutageResponse]) -> None:
        """A firm with a declared failover that is not covered switches over 20 minutes in; a firm without
        redundancy runs degraded."""
        entries = selectors.board_entries(reader, outage)
        declared = {e.organization_id for e in entries if e.strategy not in ("", "none") and e.outcome != "covered"}
        ordered = sorted(responses, key=lambda r: r.organization_id not in declared)
        plan = [(ResponseState.FAILED_OVER, 20), (ResponseState.DEGRADED, 5)]
        for response, (state, minutes) in zip(ordered, plan, strict=False):
            if response.state != ResponseState.NOTIFIED:
                continue
            officer = Membership.objects.for_org(response.organization).filter(role=Role.OFFICER).first()
            at = min(outage.started_at + datetime.timedelta(minutes=minutes), timezone.now())
            with acting_as(officer.user if officer else None, response.organization):
                services.mark(response=response, user=officer.user if officer else None, state=state, at=at,
                              expected_version=response.version)
            when = timezone.localtime(at)
            self.stdout.write(f"   {response.organization}: {response.get_state_display()} {when:%H:%M}")

    def _board(self, reader, outage, title: str) -> None:
        entries = selectors.board_entries(reader, outage)
        s = selectors.summary(entries)
        self.stdout.write(f"{title}: {s['firms']} firms, {s['services']} services, {s['past_rto']} past RTO, "
                          f"{s['reportable']} reportable, {s['failed_over']} failed over, {s['degraded']} degraded")
        for e in entries:
            left = "—" if e.rto_left_minutes is None else str(e.rto_left_minutes)
            self.stdout.write(f"   {e.firm_name:<24} {e.service_reference:<8} RTO {e.rto_minutes:>4} min · "
                              f"left {left:>5} · {e.outcome:<20} {e.strategy:<16} {e.response_state}")
