"""Serializer fields that refuse numbers the database cannot hold, before any query is built.

An id beyond bigint reaches the database otherwise and fails there: OverflowError on SQLite,
"out of range" on PostgreSQL, a 500 either way. Here it is a 400 naming the field."""

from __future__ import annotations

import copy

from django.db import models
from django.utils import translation
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

    def get_fields(self):
        """The fields DRF would build, built once per class and language, then copied for each serializer.

        DRF rebuilds them from the model on every instantiation (once per request for a list), which reads the
        model's metadata and evaluates every verbose name. What it decides depends only on the class, its Meta and
        the language (a field gets a label only when its translated verbose name differs from the default); the
        copy re-runs each field's ``__init__``, so settings read there still apply, as with declared fields."""
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = {}
            cls._built_fields = built
        language = translation.get_language()
        if language not in built:
            built[language] = super().get_fields()
        return copy.deepcopy(built[language])
