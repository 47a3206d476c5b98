"""The project's filterset base: ids are bounded integers, foreign keys never build a choice queryset.

django-filter's defaults turn a foreign key into a ModelChoiceFilter whose queryset reads every row of the
related model (every firm's, which the tenant wall refuses with a 500), and a NumberFilter accepts any
decimal, so an id beyond the database's bigint reaches the query and fails there. Both become a 400 here.
"""

from __future__ import annotations

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

# The widest integer both SQLite and PostgreSQL store (bigint).
BIGINT_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(df.NumberFilter):
    """A row id: a whole number from 1 to the database's bigint maximum."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": -BIGINT_MAX - 1, "maximum": BIGINT_MAX})
class IntegerFilter(df.NumberFilter):
    """Any whole number the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -BIGINT_MAX - 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class _YesNoField(forms.Field):
    """``true`` or ``false`` (any case), or absent. django-filter's boolean widget reads anything else as no
    filter at all, so ``?customer_facing=-39`` listed every service as if the client had not asked."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        word = str(value).strip().lower()
        if word in ("true", "false"):
            return word == "true"
        raise ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field({"type": "boolean"})
class YesNoFilter(df.BooleanFilter):
    """A yes/no question: ``true`` or ``false``; anything else is a 400 naming the filter."""

    field_class = _YesNoField


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
        models.BooleanField: {"filter_class": YesNoFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """DRF's filter backend building ``filterset_fields`` on the project's base.

    A filter other than free text given empty (``?vendor=``) or twice is a 400 naming it: django-filter would
    skip an empty one and keep the last of two, answering a question the client did not ask."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not asks_for_a_filter(request.query_params, filterset_class.base_filters):
            # Every filter would clean to an empty value and leave the rows as they are: skip building the
            # filterset and its form (django-filter makes a new form class per request), the most of a plain list's
            # filtering cost.
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            from core.drf import single_query_value

            for name, field in filterset.filters.items():
                if not isinstance(field, df.CharFilter | df.BaseInFilter | df.MultipleChoiceFilter):
                    single_query_value(request, name)
        return filterset


def asks_for_a_filter(params, filter_names) -> bool:
    """Whether any query parameter may be read by one of the filters: its name, or its name with a suffix (the
    ``_after``/``_min`` halves of range widgets). Erring towards yes only costs the full filterset."""
    return any(key.startswith(name) for key in params for name in filter_names)
