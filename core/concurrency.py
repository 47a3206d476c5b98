"""Optimistic concurrency: a save names the version it started from.

Two officers editing the same record: the later save finds the version moved on and
is refused with :class:`ConcurrentEditError`, carrying the current row so the user
can see what the other person saved. Nothing is silently overwritten.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import F


class ConcurrentEditError(Exception):
    def __init__(self, current: models.Model):
        self.current = current
        super().__init__(f"{current._meta.verbose_name} was changed by someone else in the meantime.")


def save_versioned(obj: models.Model, expected_version: int) -> models.Model:
    """Validate and save ``obj`` if nobody saved it since ``expected_version``."""
    model = type(obj)
    with transaction.atomic():
        bumped = model._base_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
        if not bumped:
            raise ConcurrentEditError(model._base_manager.get(pk=obj.pk))
        obj.version = expected_version + 1
        obj.full_clean()
        obj.save()
    return obj
