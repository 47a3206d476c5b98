"""Serializer fields that refuse numbers the database cannot hold, before any query is built.

An id beyond bigint reaches the database otherwise and fails there: OverflowError on SQLite,
"out of range" on PostgreSQL, a 500 either way. Here it is a 400 naming the field."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from core.filters import BIGINT_MAX


class IdField(serializers.IntegerField):
    """A row id given in a request body."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class BoundedIntegerField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -BIGINT_MAX - 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if not isinstance(data, bool) and isinstance(data, int | str):
            try:
                number = int(data)
            except (TypeError, ValueError):
                number = None
            if number is not None and not 1 <= number <= BIGINT_MAX:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """The project's ModelSerializer: related ids and integers are bounded to what the database stores."""

    serializer_related_field = PrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.IntegerField: BoundedIntegerField,
        models.BigIntegerField: BoundedIntegerField,
        models.SmallIntegerField: BoundedIntegerField,
    }
