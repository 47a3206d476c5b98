"""Audit events as people read them: field labels, choice labels and the names of related rows.

The log stores raw values (``{"before": {"status": "open"}, "after": {"status": "resolved"}}``) because
that is what the hash chain protects; this module only translates them for the page and the export.
Related rows are looked up once per model for a whole page of events, inside the viewer's firm, so a
page of 50 events costs a handful of queries and never shows another firm's names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import Organization
from audit.models import AuditEvent

EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class ReadableEvent:
    event: AuditEvent
    kind: str
    changes: list[Change] = field(default_factory=list)


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(model: type[models.Model] | None, attname: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    return None


def _related_names(events: list[AuditEvent], organization: Organization | None) -> dict[tuple[str, Any], str]:
    """(model label, pk) → str(row) for every foreign key the events mention, one query per model."""
    from accounts.tenancy import TenantModel

    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        model = model_for(event.object_type)
        for side in ("before", "after"):
            for attname, value in (event.changes.get(side) or {}).items():
                f = _field(model, attname)
                if f is not None and f.is_relation and value not in (None, ""):
                    wanted[f.related_model].add(value)
    names: dict[tuple[str, Any], str] = {}
    for related, ids in wanted.items():
        if issubclass(related, TenantModel):
            rows = related.objects.for_org(organization).in_bulk(list(ids))
        elif related._meta.label == "accounts.User":
            rows = related._default_manager.in_bulk(list(ids))
        else:
            continue
        for pk, row in rows.items():
            names[(related._meta.label, pk)] = str(row)
    return names


def _display(f: models.Field | None, value: Any, names: dict) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if f is None:
        return str(value)
    if f.is_relation:
        return names.get((f.related_model._meta.label, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def readable(events: list[AuditEvent], organization: Organization | None) -> list[ReadableEvent]:
    """Each event with its kind and its changed fields as label / before / after strings."""
    names = _related_names(events, organization)
    out = []
    for event in events:
        model = model_for(event.object_type)
        before = event.changes.get("before") or {}
        after = event.changes.get("after") or {}
        rows = []
        keys = list(after) if event.action == AuditEvent.Action.CREATE else sorted(set(before) | set(after))
        for attname in keys:
            if attname in ("id", "organization_id", "created_at"):
                continue
            f = _field(model, attname)
            label = str(f.verbose_name) if f is not None else attname
            old, new = before.get(attname), after.get(attname)
            if event.action == AuditEvent.Action.CREATE and new in (None, "", [], False):
                continue  # a new row's empty fields say nothing
            rows.append(Change(label=label[:1].upper() + label[1:], before=_display(f, old, names),
                               after=_display(f, new, names)))
        extra = {k: v for k, v in event.changes.items() if k not in ("before", "after")}
        for key, value in extra.items():
            rows.append(Change(label=key, before="", after=str(value)))
        out.append(ReadableEvent(event=event, kind=kind_label(event.object_type) if event.object_type else "",
                                 changes=rows))
    return out
