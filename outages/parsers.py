"""Status feeds as plain data: one parser per format. Pure: bytes in, a ``FeedState`` out, no ORM, no network.

Feeds are untrusted input from the internet (or from whoever sits in front of the provider's status
page during an outage): size, content type and shape are checked, and XML is parsed with defusedxml
so that entity expansion, external entities and DTDs are refused.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_fromstring
from django.utils.dateparse import parse_datetime

# A Statuspage summary of a large provider is a few hundred kB; anything far beyond is not a status feed.
MAX_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 500

COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem", "scheduled",
                     "in_progress", "verifying", "completed"}
CLOSED_STATUSES = {"resolved", "postmortem", "completed"}

JSON_TYPES = {"application/json"}
XML_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}


class FeedError(ValueError):
    """The feed answered something that is not a usable status feed (the message says what)."""


@dataclass(frozen=True)
class Component:
    external_id: str
    name: str
    group: str
    status: str  # one of COMPONENT_STATUSES, or "unknown"
    updated_at: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.group} / {self.name}" if self.group else self.name


@dataclass(frozen=True)
class FeedIncident:
    external_id: str
    title: str
    status: str  # investigating … resolved; "unknown" when the feed says something else
    impact: str  # none, minor, major, critical
    started_at: datetime.datetime | None
    resolved_at: datetime.datetime | None = None
    components: tuple[str, ...] = ()  # component labels the incident names

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class FeedState:
    components: tuple[Component, ...] = field(default_factory=tuple)
    incidents: tuple[FeedIncident, ...] = field(default_factory=tuple)
    indicator: str = ""  # Statuspage's overall indicator: none, minor, major, critical


def _media_type(content_type: str) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return "application/json" if media.endswith("+json") else media


def _check_size(body: bytes) -> None:
    if len(body) > MAX_BYTES:
        raise FeedError(f"feed larger than {MAX_BYTES} bytes")
    if not body.strip():
        raise FeedError("empty feed")


def _time(value) -> datetime.datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _text(value, limit: int = 300) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


# --- Atlassian Statuspage v2 ---------------------------------------------------------------------

def parse_statuspage(body: bytes, content_type: str = "application/json") -> FeedState:
    """``/api/v2/summary.json`` (components, unresolved incidents, indicator) or ``/api/v2/incidents.json``."""
    _check_size(body)
    if _media_type(content_type) not in JSON_TYPES:
        raise FeedError(f"expected JSON, got {_media_type(content_type) or 'no content type'}")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedError("invalid JSON") from exc
    if not isinstance(data, dict) or not ({"components", "incidents"} & data.keys()):
        raise FeedError("not a Statuspage summary or incident list")
    raw_components = data.get("components") or []
    raw_incidents = data.get("incidents") or []
    if not isinstance(raw_components, list) or not isinstance(raw_incidents, list):
        raise FeedError("components and incidents must be lists")
    raw_components = [c for c in raw_components[:MAX_ITEMS] if isinstance(c, dict)]
    groups = {str(c.get("id")): _text(c.get("name")) for c in raw_components if c.get("group") is True}
    components = []
    for c in raw_components:
        if c.get("group") is True or not c.get("id"):
            continue
        status = c.get("status") if c.get("status") in COMPONENT_STATUSES else "unknown"
        components.append(Component(
            external_id=_text(str(c["id"]), 100), name=_text(c.get("name")) or str(c["id"])[:100],
            group=groups.get(str(c.get("group_id")), ""), status=status, updated_at=_time(c.get("updated_at")),
        ))
    labels = {c.external_id: c.label for c in components}
    incidents = []
    for i in raw_incidents[:MAX_ITEMS]:
        if not isinstance(i, dict) or not i.get("id"):
            continue
        named = [labels.get(str(c.get("id")), _text(c.get("name"))) for c in i.get("components") or []
                 if isinstance(c, dict)]
        incidents.append(FeedIncident(
            external_id=_text(str(i["id"]), 100), title=_text(i.get("name")) or "?",
            status=i.get("status") if i.get("status") in INCIDENT_STATUSES else "unknown",
            impact=i.get("impact") if i.get("impact") in INCIDENT_IMPACTS else "none",
            started_at=_time(i.get("started_at")) or _time(i.get("created_at")),
            resolved_at=_time(i.get("resolved_at")), components=tuple(n for n in named if n),
        ))
    status = data.get("status") if isinstance(data.get("status"), dict) else {}
    indicator = status.get("indicator") if status.get("indicator") in INCIDENT_IMPACTS else ""
    return FeedState(components=tuple(components), incidents=tuple(incidents), indicator=indicator)


# --- RSS 2.0 and Atom ----------------------------------------------------------------------------

# Providers without Statuspage publish incident updates as feed items whose titles carry the state
# (AWS: "Service disruption: …", "[RESOLVED] …"; Google Cloud: "RESOLVED: …", "UPDATE: …").
_RESOLVED = re.compile(r"\bresolved\b|operating normally|\bcompleted\b|has been mitigated", re.I)
_MAJOR = re.compile(r"\boutage\b|disruption|unavailable|\bdown\b|not available", re.I)
_PARTIAL = re.compile(r"degrad|elevated|increased (error|latency)|intermittent|partial|impaired|issue", re.I)
_PREFIX = re.compile(r"^\s*(\[?(resolved|update|investigating|monitoring|identified)\]?\s*[:\-]?\s*)+", re.I)
ATOM = "{http://www.w3.org/2005/Atom}"


def classify_item(title: str, text: str = "") -> tuple[str, str]:
    """(status, impact) of one feed item from its words: resolved items close, outages are major."""
    words = f"{title} {text}"
    if _RESOLVED.search(title) or (not _MAJOR.search(title) and _RESOLVED.search(text)):
        return "resolved", "none"
    if _MAJOR.search(words):
        return "investigating", "critical"
    if _PARTIAL.search(words):
        return "investigating", "major"
    return "investigating", "minor"


def thread_key(title: str) -> str:
    """Updates of one incident share a title once the state prefix is stripped."""
    return _PREFIX.sub("", title).strip().lower()[:200]


def _xml(body: bytes, content_type: str) -> Element:
    _check_size(body)
    if _media_type(content_type) not in XML_TYPES:
        raise FeedError(f"expected an RSS or Atom feed, got {_media_type(content_type) or 'no content type'}")
    try:
        return xml_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused XML: {type(exc).__name__}") from exc
    except (ParseError, ValueError) as exc:
        raise FeedError("invalid XML") from exc


def _latest_per_thread(items: list[FeedIncident]) -> tuple[FeedIncident, ...]:
    latest: dict[str, FeedIncident] = {}
    first_seen: dict[str, datetime.datetime | None] = {}
    for item in sorted(items, key=lambda i: i.started_at or datetime.datetime.min.replace(tzinfo=datetime.UTC)):
        key = thread_key(item.title)
        first_seen.setdefault(key, item.started_at)
        latest[key] = item
    out = []
    for key, item in latest.items():
        # The incident started with its first update; it ended with the resolving one.
        resolved_at = item.started_at if not item.is_open else None
        out.append(FeedIncident(external_id=item.external_id, title=_PREFIX.sub("", item.title).strip() or item.title,
                                status=item.status, impact=item.impact, started_at=first_seen[key],
                                resolved_at=resolved_at, components=item.components))
    return tuple(out)


def _item(external_id: str, title: str, text: str, when, categories: list[str]) -> FeedIncident:
    status, impact = classify_item(title, text)
    return FeedIncident(external_id=external_id[:100], title=title[:300], status=status, impact=impact,
                        started_at=when, components=tuple(c for c in categories if c))


def parse_rss(body: bytes, content_type: str = "application/rss+xml") -> FeedState:
    root = _xml(body, content_type)
    if root.tag != "rss" or root.find("channel") is None:
        raise FeedError("not an RSS 2.0 feed")
    items = []
    for node in root.find("channel").findall("item")[:MAX_ITEMS]:
        title = _text(node.findtext("title"))
        guid = _text(node.findtext("guid")) or _text(node.findtext("link")) or title
        items.append(_item(guid, title, _text(node.findtext("description"), 2000), _time(node.findtext("pubDate")),
                           [_text(c.text) for c in node.findall("category")]))
    return FeedState(incidents=_latest_per_thread(items))


def parse_atom(body: bytes, content_type: str = "application/atom+xml") -> FeedState:
    root = _xml(body, content_type)
    if root.tag != f"{ATOM}feed":
        raise FeedError("not an Atom feed")
    items = []
    for node in root.findall(f"{ATOM}entry")[:MAX_ITEMS]:
        title = _text(node.findtext(f"{ATOM}title"))
        text = _text(node.findtext(f"{ATOM}summary") or node.findtext(f"{ATOM}content"), 2000)
        when = _time(node.findtext(f"{ATOM}published")) or _time(node.findtext(f"{ATOM}updated"))
        categories = [_text(c.get("term")) for c in node.findall(f"{ATOM}category")]
        items.append(_item(_text(node.findtext(f"{ATOM}id")) or title, title, text, when, categories))
    return FeedState(incidents=_latest_per_thread(items))


PARSERS = {"statuspage": parse_statuspage, "rss": parse_rss, "atom": parse_atom}


def parse(feed_format: str, body: bytes, content_type: str) -> FeedState:
    try:
        parser = PARSERS[feed_format]
    except KeyError as exc:
        raise FeedError(f"unknown feed format {feed_format!r}") from exc
    return parser(body, content_type)
