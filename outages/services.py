"""Writes of the outage response: polling feeds, the outage's lifecycle, firms' answers.

Lifecycle: a feed showing a major or partial outage opens a *draft* (``poll_feed``); a lead supervisor
confirms it (which notifies the affected firms), edits it or dismisses it; the feed's resolution
proposes an end, which the lead confirms as the end (``resolve``). Every step is audited: the rows
are audited models, and each transition is also recorded by name.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rls
from accounts.models import Organization, User
from accounts.roles import EDITOR_ROLES
from audit.models import AuditEvent
from audit.recorder import record
from core.concurrency import save_versioned
from outages import feeds, parsers, rules
from outages.models import (
    FeedComponent,
    FeedHealth,
    LiveOutage,
    OutageResponse,
    OutageStatus,
    ResponseState,
    StatusFeed,
)
from review import notifications
from vendors.models import BusinessService, Incident, OutageEvent, Vendor


def _step(step: str, obj, actor=None, **changes) -> None:
    """A named workflow step in the audit log (the rows' own saves are logged as updates besides)."""
    record(AuditEvent.Action.TRANSITION, obj=obj, actor=actor, changes={"action": step, **changes})


class OutageStateError(ValidationError):
    """The step does not fit the outage's state (e.g. confirming a dismissed outage)."""


# --- polling ----------------------------------------------------------------------------------------

def poll_feed(feed: StatusFeed, *, now: datetime.datetime | None = None) -> str:
    """Poll one feed and act on what it says: "ok", "not_modified" or "failed" (the feed is down)."""
    now = now or timezone.now()
    interval = settings.OUTAGE_FEED_POLL_SECONDS
    feed.last_polled_at = now
    try:
        got = feeds.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                          timeout=settings.OUTAGE_FEED_TIMEOUT_SECONDS)
        state = None if got.not_modified else parsers.parse(feed.format, got.body, got.content_type)
    except (feeds.FetchError, parsers.FeedError) as exc:
        _failed(feed, str(exc) or type(exc).__name__, now, interval)
        return "failed"
    feed.failures, feed.last_error, feed.health, feed.last_ok_at = 0, "", FeedHealth.OK, now
    feed.next_poll_at = now + datetime.timedelta(seconds=interval)
    if got.not_modified:
        feed.save()
        return "not_modified"
    feed.etag, feed.last_modified, feed.page_indicator = got.etag[:300], got.last_modified[:100], state.indicator
    with transaction.atomic():
        feed.save()
        _store_components(feed, state)
        apply_state(feed, state, now=now)
    return "ok"


def _failed(feed: StatusFeed, error: str, now: datetime.datetime, interval: int) -> None:
    feed.failures += 1
    feed.last_error = error[:300]
    was_unreachable = feed.health == FeedHealth.UNREACHABLE
    feed.health = FeedHealth.UNREACHABLE if feed.failures >= rules.UNREACHABLE_AFTER else FeedHealth.FAILING
    wait = rules.backoff_seconds(interval, feed.failures, settings.OUTAGE_FEED_BACKOFF_MAX_SECONDS)
    feed.next_poll_at = now + datetime.timedelta(seconds=wait)
    feed.save()
    if feed.health == FeedHealth.UNREACHABLE and not was_unreachable:
        # A status page that is itself down (or answers the CDN's error page) is a signal of its own.
        _step("status_feed_unreachable", feed, error=feed.last_error, failures=feed.failures)
        transaction.on_commit(lambda: notifications.to_supervisors(
            kind="status_feed_unreachable",
            message=_("The status feed of %(provider)s has not answered %(n)s times in a row (%(error)s).")
            % {"provider": feed.provider, "n": feed.failures, "error": feed.last_error},
            url=reverse("outages:feed_list")))


def _store_components(feed: StatusFeed, state: parsers.FeedState) -> None:
    if not state.components:
        return
    known = {c.external_id: c for c in feed.components.all()}
    for c in state.components:
        row = known.get(c.external_id) or FeedComponent(feed=feed, external_id=c.external_id)
        row.name, row.group, row.status, row.updated_at = c.name, c.group[:300], c.status, c.updated_at
        row.save()


def open_outage_of(feed: StatusFeed) -> LiveOutage | None:
    return (LiveOutage.objects.filter(feed=feed, status__in=[OutageStatus.DRAFT, OutageStatus.CONFIRMED])
            .order_by("-detected_at").first())


def apply_state(feed: StatusFeed, state: parsers.FeedState, *, now: datetime.datetime) -> LiveOutage | None:
    """Open a draft on a new outage, widen an open one, or propose its end when the feed is clear."""
    found = rules.detect(state, now)
    current = open_outage_of(feed)
    if found and current is None:
        outage = LiveOutage(provider_id=feed.provider_id, feed=feed, title=found.title[:300], severity=found.severity,
                            components=list(found.components), started_at=found.started_at, detected_at=now,
                            external_id=found.external_id[:100])
        outage.full_clean()
        outage.save()
        _step("outage_detected", outage, severity=outage.severity, components=outage.components)
        transaction.on_commit(lambda: notifications.to_supervisors(
            kind="outage_detected",
            message=_("Outage detected on the status feed of %(provider)s: %(title)s. Confirm or dismiss it.")
            % {"provider": feed.provider, "title": outage.title},
            url=reverse("outages:outage_detail", args=[outage.pk])))
        return outage
    if found and current is not None:
        components = list(dict.fromkeys([*current.components, *found.components]))
        severity = rules.worst(current.severity, found.severity)
        if components != current.components or severity != current.severity or current.proposed_end_at:
            current.components, current.severity, current.proposed_end_at = components, severity, None
            current.save()
        return current
    if current is not None and current.proposed_end_at is None:
        current.proposed_end_at = rules.proposed_end(state, current.external_id, now)
        current.save()
        _step("outage_end_proposed", current, proposed_end_at=current.proposed_end_at.isoformat())
        transaction.on_commit(lambda: notifications.to_supervisors(
            kind="outage_end_proposed",
            message=_("The status feed of %(provider)s shows the outage as resolved. Confirm its end.")
            % {"provider": feed.provider},
            url=reverse("outages:outage_detail", args=[current.pk])))
    return current


def due_feeds(now: datetime.datetime):
    from django.db.models import Q

    return StatusFeed.objects.filter(enabled=True).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))


# --- a lead supervisor's steps ---------------------------------------------------------------------

def _require(outage: LiveOutage, *states: str) -> None:
    if outage.status not in states:
        raise OutageStateError({"status": _("This step is not possible while the outage is '%(state)s'.")
                                % {"state": outage.get_status_display()}})


@transaction.atomic
def edit(*, outage: LiveOutage, user: User, title: str, severity: str, components: list[str],
         started_at: datetime.datetime) -> LiveOutage:
    _require(outage, OutageStatus.DRAFT, OutageStatus.CONFIRMED)
    outage.title, outage.severity, outage.components, outage.started_at = title, severity, components, started_at
    outage.full_clean()
    outage.save()
    return outage


@transaction.atomic
def confirm(*, outage: LiveOutage, user: User) -> LiveOutage:
    """The lead supervisor confirms a draft: the affected firms are told (a Celery task, after commit)."""
    _require(outage, OutageStatus.DRAFT)
    outage.status, outage.confirmed_by, outage.confirmed_at = OutageStatus.CONFIRMED, user, timezone.now()
    outage.save()
    _step("outage_confirmed", outage, user)
    from outages.tasks import notify_firms

    transaction.on_commit(lambda: notify_firms.delay(outage.pk))
    return outage


@transaction.atomic
def dismiss(*, outage: LiveOutage, user: User) -> LiveOutage:
    _require(outage, OutageStatus.DRAFT, OutageStatus.CONFIRMED)
    outage.status = OutageStatus.DISMISSED
    outage.save()
    _step("outage_dismissed", outage, user)
    return outage


@transaction.atomic
def resolve(*, outage: LiveOutage, user: User, ended_at: datetime.datetime | None = None) -> LiveOutage:
    """The end the feed proposed (or the lead's own) becomes the outage's end."""
    _require(outage, OutageStatus.CONFIRMED)
    ended_at = ended_at or outage.proposed_end_at
    if ended_at is None:
        raise ValidationError({"ended_at": _("Give the end: the feed has not proposed one yet.")})
    if ended_at > timezone.now():
        raise ValidationError({"ended_at": _("The end cannot be in the future.")})
    outage.status, outage.ended_at = OutageStatus.RESOLVED, ended_at
    outage.full_clean()
    outage.event = _record_event(outage)
    outage.save()
    _step("outage_resolved", outage, user, ended_at=ended_at.isoformat(), event=outage.event.pk)
    _link_incidents(outage)
    return outage


def _record_event(outage: LiveOutage) -> OutageEvent:
    """The resolved outage as a market-wide event: a scenario the simulation replays, named by incidents."""
    day = timezone.localtime(outage.started_at).date().isoformat()
    provider = outage.provider
    event = OutageEvent(
        name=f"{provider.brand or provider.legal_name} outage, {day}"[:200],
        name_ko=f"{provider.name_ko or provider.brand or provider.legal_name} 장애 ({day})"[:200],
        provider=provider, started_at=outage.started_at, ended_at=outage.ended_at,
        description=f"{outage.title}\n{', '.join(outage.components)}"[:2000],
    )
    event.full_clean()
    event.save()
    return event


def _link_incidents(outage: LiveOutage) -> None:
    """Incidents the firms opened for this outage name the market-wide event (each in its own firm's scope)."""
    rows = (OutageResponse.objects.across_firms(outage.confirmed_by).filter(outage=outage, incident__isnull=False)
            .values_list("organization_id", "incident_id")) if outage.confirmed_by else []
    for org_id, incident_id in list(rows):
        with rls.on_behalf_of(org_id):
            incident = Incident.objects.for_org(org_id).filter(pk=incident_id, outage_event__isnull=True).first()
            if incident is not None:
                incident.outage_event = outage.event
                save_versioned(incident, incident.version)


# --- telling the firms ---------------------------------------------------------------------------

def notify_firms(outage: LiveOutage) -> int:
    """Each affected firm gets a response row naming its affected services, and its officers a
    notification (in-app, and email through Celery). Idempotent: a firm already told is skipped."""
    from outages import selectors

    reader = outage.confirmed_by
    entries = selectors.board_entries(reader, outage)
    per_firm: dict[int, list[dict]] = {}
    for e in entries:
        per_firm.setdefault(e.organization_id, [])
        if e.service_reference not in {s["reference"] for s in per_firm[e.organization_id]}:
            per_firm[e.organization_id].append({"reference": e.service_reference, "name": e.service_name})
    told = 0
    for org in Organization.objects.filter(pk__in=list(per_firm)):
        with rls.on_behalf_of(org), transaction.atomic():
            response, created = OutageResponse.objects.for_org(org).get_or_create(
                organization=org, outage=outage, defaults={"services": per_firm[org.pk]})
        if not created:
            continue
        told += 1
        names = ", ".join(s["name"] for s in per_firm[org.pk])
        notifications.to_firm(
            org, kind="outage_affects_you", roles=EDITOR_ROLES,
            message=_("%(provider)s outage (%(title)s) affects your services: %(services)s. "
                      "Open an incident and tell the supervisor whether you have failed over.")
            % {"provider": outage.provider, "title": outage.title, "services": names},
            url=reverse("outages:my_response", args=[response.pk]))
    outage.firms_notified_at = timezone.now()
    outage.save(update_fields=["firms_notified_at"])
    return told


@transaction.atomic
def open_incident(*, response: OutageResponse, user: User) -> Incident:
    """One click: the firm's incident for this outage, prefilled; the report clock runs from detection."""
    if response.incident_id:
        return response.incident
    org, outage = response.organization, response.outage
    reference = f"OUT-{outage.pk}"
    incident = Incident.objects.for_org(org).filter(reference=reference).first()
    if incident is None:
        vendor = Vendor.objects.for_org(org).filter(catalog_id=outage.provider_id).order_by("pk").first()
        incident = Incident(
            organization=org, reference=reference, provider_id=outage.provider_id, vendor=vendor,
            started_at=outage.started_at, detected_at=outage.detected_at, ended_at=outage.ended_at,
            outage_event=outage.event,
            customer_impact=_("%(provider)s outage: %(title)s") % {"provider": outage.provider,
                                                                   "title": outage.title},
        )
        incident.full_clean()
        incident.save()
        references = [s["reference"] for s in response.services]
        incident.affected_services.set(BusinessService.objects.for_org(org).filter(reference__in=references))
    response.incident = incident
    save_versioned(response, response.version)
    _step("outage_incident_opened", response, user, incident=incident.pk)
    return incident


@transaction.atomic
def mark(*, response: OutageResponse, user: User, state: str, at: datetime.datetime | None,
         notes: str = "", expected_version: int) -> OutageResponse:
    """The firm says it failed over at ``at``, or runs degraded (since ``at``): the board shows it at once."""
    if state not in (ResponseState.FAILED_OVER, ResponseState.DEGRADED):
        raise ValidationError({"state": _("Choose 'failed over' or 'degraded'.")})
    if at is not None and at > timezone.now():
        raise ValidationError({"at": _("This time is in the future.")})
    if state == ResponseState.FAILED_OVER and at is None:
        raise ValidationError({"at": _("Give the time of the failover.")})
    if at is not None and at < response.outage.started_at:
        raise ValidationError({"at": _("The time cannot precede the outage.")})
    response.state = state
    response.failed_over_at = at if state == ResponseState.FAILED_OVER else None
    response.degraded_since = at if state == ResponseState.DEGRADED else None
    response.notes = notes
    save_versioned(response, expected_version)
    return response
