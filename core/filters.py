"""The project's filterset base: ids are bounded integers, foreign keys never build a choice queryset.

django-filter's defaults turn a foreign key into a ModelChoiceFilter whose queryset reads every row of the
related model (every firm's, which the tenant wall refuses with a 500), and a NumberFilter accepts any
decimal, so an id beyond the database's bigint reaches the query and fails there. Both become a 400 here.
"""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

# The widest integer both SQLite and PostgreSQL store (bigint).
BIGINT_MAX = 2**63 - 1


class IdFilter(df.NumberFilter):
    """A row id: a whole number from 1 to the database's bigint maximum."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class IntegerFilter(df.NumberFilter):
    """Any whole number the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -BIGINT_MAX - 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


_ID = {"filter_class": IdFilter}
_INTEGER = {"filter_class": IntegerFilter}


class FilterSet(df.FilterSet):
    FILTER_DEFAULTS = {
        **df.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: _ID,
        models.OneToOneField: _ID,
        models.ManyToManyField: _ID,
        models.AutoField: _ID,
        models.BigAutoField: _ID,
        models.IntegerField: _INTEGER,
        models.BigIntegerField: _INTEGER,
        models.SmallIntegerField: _INTEGER,
        models.PositiveIntegerField: _INTEGER,
        models.PositiveSmallIntegerField: _INTEGER,
        models.PositiveBigIntegerField: _INTEGER,
    }


class FilterBackend(DjangoFilterBackend):
    """DRF's filter backend building ``filterset_fields`` on the project's base."""

    filterset_base = FilterSet
