"""Turning a model row into plain values for the audit log (no dependency on audit models)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

# Fields never copied into the log: secrets, and bookkeeping that changes on every save.
_SKIPPED_FIELDS = frozenset({"password", "last_login", "updated_at", "version"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def field_values(instance: models.Model) -> dict[str, Any]:
    values = {}
    deferred = instance.get_deferred_fields()
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS or field.attname in deferred:
            continue
        values[field.attname] = _jsonable(field.value_from_object(instance))
    return values


class AuditedModelMixin(models.Model):
    """Remembers the values a row was loaded with, so an update can log before/after."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = field_values(instance)
        return instance
