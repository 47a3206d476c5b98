"""The audit-trail sheet of an assessment: every audited event of it, its changes written in words.

An examiner reads "응답: 부분 준수 → 준수", not ``{"after": {"response": "compliant"}}``: field names
become the model's field labels and codes their choice labels, in the workbook's language; a link to
another row becomes that row's name (a person's e-mail, a requirement's reference), never its id.
The events are those of the assessment itself, its answers, their evidence, its findings, its
submissions and the supervisors' comments on them (the firm's share of the append-only log).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst

from audit.models import AuditEvent
from reports.workbooks.labels import choice_labels, label

CHUNK = 2000
# Excel's limit is 32,767 characters per cell; longer change sets are cut (the log itself is whole).
MAX_CELL = 32_000
EMPTY = "—"

# Bookkeeping every row has, and values too large or too internal to read (the snapshot is its hash).
_SKIPPED = frozenset({"id", "organization_id", "created_at", "updated_at", "version", "snapshot_json", "file"})
# How a linked row is named in the trail.
_NAME_FIELDS = {
    "accounts.user": "email",
    "compliance.requirement": "ref",
    "compliance.answer": "requirement__ref",
    "compliance.assessment": "title",
    "review.submission": "number",
}
# Keys of non-model events (workflow steps, downloads) that are not field names.
_EXTRA_LABELS = {"action": "Step", "reason": "Reason", "workbook": "Workbook", "sha256": "SHA-256"}


def _extra_fields() -> dict[str, models.Field]:
    """Keys an export or download event records beside the model's own fields, whose values are codes: worded
    like a choice field's, so the log says "Outage simulation", not "market_simulation"."""
    from reports.models import ExportKind

    workbooks = [*ExportKind.choices, ("audit_log", label("Audit log"))]
    return {"kind": CharField("Kind", name="kind", choices=workbooks),
            "workbook": CharField("Workbook", name="workbook", choices=workbooks)}


def _ids(queryset) -> Any:
    # Audit events store object ids as text.
    return queryset.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def assessment_events(assessment):
    """The firm's audit events of this assessment and of everything recorded under it."""
    from compliance.models import Answer, Evidence, Finding

    Submission, ReviewComment = apps.get_model("review", "Submission"), apps.get_model("review", "ReviewComment")
    org = assessment.organization
    submissions = Submission.objects.for_org(org).filter(assessment=assessment)
    related = {
        "compliance.Answer": Answer.objects.for_org(org).filter(assessment=assessment),
        "compliance.Evidence": Evidence.objects.for_org(org).filter(answer__assessment=assessment),
        "compliance.Finding": Finding.objects.for_org(org).filter(assessment=assessment),
        "review.Submission": submissions,
        "review.ReviewComment": ReviewComment.objects.for_org(org).filter(submission__in=submissions),
    }
    query = Q(object_type="compliance.Assessment", object_id=str(assessment.pk))
    for object_type, queryset in related.items():
        query |= Q(object_type=object_type, object_id__in=_ids(queryset))
    return AuditEvent.objects.for_org(org).filter(query)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def _shown(key: str, field: models.Field | None, value: Any = None) -> bool:
    if key in _SKIPPED:
        return False
    # Derived structures (applicability, section scores) are keyed by internal ids: the workbook's other
    # sheets show them in words; a list of plain values (tags, gates) is still shown.
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        return key == "rating_reasons"
    # The parent assessment is the sheet's subject: naming it on every line is noise.
    return not (field is not None and field.is_relation and field.related_model._meta.label == "compliance.Assessment")


class _Names:
    """Names of linked rows, fetched once per chunk of events, per model (never one query per event)."""

    def __init__(self, organization):
        self.organization = organization
        self.known: dict[tuple[type, Any], str] = {}
        self.wanted: dict[type, set] = defaultdict(set)

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk is not None and (model, pk) not in self.known:
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        from accounts.tenancy import TenantModel

        for model, pks in self.wanted.items():
            manager = model.objects
            queryset = manager.for_org(self.organization) if issubclass(model, TenantModel) else manager.all()
            queryset = queryset.filter(pk__in=pks)
            name_field = _NAME_FIELDS.get(model._meta.label_lower)
            if name_field:
                for pk, name in queryset.values_list("pk", name_field):
                    self.known[(model, pk)] = f"#{name}" if model._meta.label_lower == "review.submission" else name
            else:
                self.known.update({(model, obj.pk): str(obj) for obj in queryset})
        self.wanted.clear()

    def __call__(self, model: type[models.Model], pk: Any) -> str:
        # A row deleted since keeps its id in the log: say that it is gone rather than print the id.
        return self.known.get((model, pk), label("(deleted)"))


def _local(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{moment:%Y-%m-%d %H:%M}"


class _Words:
    """The words of one export, each translated once: the language does not change while a workbook is
    written, and a gettext per field per event was a quarter of the audit sheet's time."""

    def __init__(self):
        self._labels: dict[str, str] = {}
        self._fields: dict[tuple[str, models.Field | None], str] = {}
        self._choices: dict[models.Field, dict[Any, str]] = {}
        self._kinds: dict[str, str] = {}
        self._extra: dict[str, models.Field] | None = None

    def label(self, english: str) -> str:
        try:
            return self._labels[english]
        except KeyError:
            return self._labels.setdefault(english, label(english))

    def yes_no(self, value: bool) -> str:
        return self.label("Yes") if value else self.label("No")

    def field(self, key: str, field: models.Field | None) -> str:
        try:
            return self._fields[key, field]
        except KeyError:
            return self._fields.setdefault((key, field), _field_label(key, field))

    def choice(self, field: models.Field, value: Any) -> str:
        choices = self._choices.get(field)
        if choices is None:
            choices = self._choices[field] = {k: str(v) for k, v in field.flatchoices}
        try:
            return choices[value]
        except (KeyError, TypeError):
            return str(value)

    def extra_field(self, key: str) -> models.Field | None:
        if self._extra is None:
            self._extra = _extra_fields()
        return self._extra.get(key)

    def step(self, action: str) -> str:
        key = "\0step:" + action  # apart from the labels: a workflow step is worded by review.workflow
        try:
            return self._labels[key]
        except KeyError:
            return self._labels.setdefault(key, _step_label(action))

    def kind(self, model: type[models.Model] | None, object_type: str) -> str:
        try:
            return self._kinds[object_type]
        except KeyError:
            kind = capfirst(str(model._meta.verbose_name)) if model else object_type.rsplit(".", 1)[-1]
            return self._kinds.setdefault(object_type, kind)


def _text(value: Any, field: models.Field | None, names: _Names, words: _Words) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.name == "rating_reasons" and isinstance(value, list):
        from compliance.scoring import describe

        return "; ".join(describe(reason) for reason in value)
    if field is not None:
        if field.is_relation:
            return names(field.related_model, value)
        if field.choices:
            return words.choice(field, value)
        if isinstance(field, models.BooleanField):
            return words.yes_no(value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _local(value)
    if isinstance(value, bool):
        return words.yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _field_label(key: str, field: models.Field | None) -> str:
    if field is not None:
        # Fields declared without a label get Django's default (the name): the table words those.
        return label(str(field.verbose_name))
    return label(_EXTRA_LABELS.get(key, key.replace("_", " ").capitalize()))


def _step_label(action: str) -> str:
    from review.workflow import _label

    return _label(action)


def _want_names(changes: dict, fields: dict[str, models.Field], names: _Names) -> None:
    for part in (changes.get("before"), changes.get("after"), changes):
        if isinstance(part, dict):
            for key, value in part.items():
                field = fields.get(key)
                if field is not None and field.is_relation and _shown(key, field):
                    names.want(field.related_model, value)


def describe_changes(changes: dict, fields: dict[str, models.Field], names: _Names,
                     words: _Words | None = None) -> str:
    """One line per field: "label: value" (created, deleted) or "label: before → after" (changed)."""
    if not changes:
        return ""
    words = words or _Words()
    before, after = changes.get("before"), changes.get("after")
    lines = []
    if isinstance(action := changes.get("action"), str):
        lines.append(f"{words.label('Step')}: {words.step(action)}")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for key in [*after, *(k for k in before if k not in after)]:
            field = fields.get(key)
            if not _shown(key, field, after.get(key, before.get(key))):
                continue
            if key in before and key in after:
                shown = f"{_text(before[key], field, names, words)} → {_text(after[key], field, names, words)}"
            else:
                shown = _text(after[key] if key in after else before[key], field, names, words)
            lines.append(f"{words.field(key, field)}: {shown}")
    for key, value in changes.items():
        if key in ("before", "after", "action") or value in ("", None):
            continue
        field = fields.get(key)
        if field is None:
            field = words.extra_field(key)
        lines.append(f"{words.field(key, field)}: {_text(value, field, names, words)}")
    return "\n".join(lines)[:MAX_CELL]


def _rows(events: list[tuple], organization, words: _Words) -> Iterator[tuple]:
    actions = choice_labels(AuditEvent.Action)
    names = _Names(organization)
    described = []
    for at, actor, action, otype, orepr, changes in events:
        model = _model(otype)
        fields = _fields(model)
        _want_names(changes or {}, fields, names)
        described.append((at, actor, action, otype, model, orepr, changes, fields))
    names.fetch()
    for at, actor, action, otype, model, orepr, changes, fields in described:
        yield (at, actor, actions.get(action, action), words.kind(model, otype), orepr,
               describe_changes(changes or {}, fields, names, words))


def audit_rows(assessment) -> Iterator[tuple]:
    """Rows of the audit-trail sheet (time, actor, action, object kind, object, changes), oldest first."""
    qs = assessment_events(assessment).order_by("id")
    return rows_in_words(qs, assessment.organization)


def rows_in_words(events: QuerySet[AuditEvent], organization, limit: int | None = None) -> Iterator[tuple]:
    """The events in words, one streamed pass in chunks: the sheet's rows, and the audit-log download's."""
    values = events.values_list("created_at", "actor_email", "action", "object_type", "object_repr", "changes")
    values = values[:limit] if limit is not None else values
    chunk: list[tuple] = []
    words = _Words()
    for event in values.iterator(chunk_size=CHUNK):
        chunk.append(event)
        if len(chunk) == CHUNK:
            yield from _rows(chunk, organization, words)
            chunk = []
    if chunk:
        yield from _rows(chunk, organization, words)


def event_count(assessment) -> int:
    return assessment_events(assessment).count()

