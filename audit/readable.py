"""Audit events as people read them on the audit log and a finding's history.

The log stores raw values (``{"before": {"status": "open"}, ...}``) because that is what the hash chain
protects. The words come from the one describer the examiner's workbook uses
(:func:`reports.workbooks.audit_trail.describe_changes`): field labels, choice labels, and linked rows
named inside the viewer's firm, fetched once per model for the whole page (never a query per event).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import capfirst

from accounts.models import Organization
from audit.models import AuditEvent


@dataclass
class ReadableEvent:
    event: AuditEvent
    kind: str
    lines: list[str] = field(default_factory=list)


def kind_label(object_type: str) -> str:
    from reports.workbooks.audit_trail import _model

    model = _model(object_type)
    if model is not None:
        return capfirst(str(model._meta.verbose_name))
    return object_type.rsplit(".", 1)[-1]


def readable(events: list[AuditEvent], organization: Organization | None) -> list[ReadableEvent]:
    """Each event with the label of its object kind and its changes, one line per field."""
    from reports.workbooks.audit_trail import _fields, _model, _Names, _want_names, describe_changes

    names = _Names(organization)
    prepared = []
    for event in events:
        fields = _fields(_model(event.object_type))
        _want_names(event.changes or {}, fields, names)
        prepared.append((event, fields))
    names.fetch()
    out = []
    for event, fields in prepared:
        lines = [capfirst(line) for line in describe_changes(event.changes or {}, fields, names).split("\n") if line]
        if event.action == AuditEvent.Action.CREATE:
            lines = [line for line in lines if not line.endswith(": —")]  # a new row's empty fields say nothing
        out.append(ReadableEvent(event=event, kind=kind_label(event.object_type) if event.object_type else "",
                                 lines=lines))
    return out
