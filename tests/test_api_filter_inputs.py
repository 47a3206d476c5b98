"""Every filter of every list endpoint answers a clear 400, never a 500, for values the database cannot hold.

Enumerated from the API router, so a new endpoint or filter is covered without editing this file."""

from __future__ import annotations

import pytest
from django.test import override_settings

from config.api_urls import router

TOO_BIG = "18446744073709551616"  # 2**64: beyond SQLite's and PostgreSQL's bigint


def _filter_fields():
    from django_filters.rest_framework import DjangoFilterBackend

    backend = DjangoFilterBackend()
    for prefix, viewset, _basename in router.registry:
        view = viewset()
        view.action, view.format_kwarg, view.kwargs = "list", None, {}
        queryset = getattr(viewset, "queryset", None)
        filterset_class = backend.get_filterset_class(view, queryset) if queryset is not None else None
        if filterset_class is None:
            continue
        for name, field in filterset_class.base_filters.items():
            yield prefix, name, field


def _takes_a_number(field) -> bool:
    from django import forms
    from django_filters import ModelChoiceFilter, NumberFilter

    return isinstance(field, NumberFilter | ModelChoiceFilter) or issubclass(field.field_class, forms.IntegerField)


NUMERIC = sorted({(p, n) for p, n, field in _filter_fields() if _takes_a_number(field)})


def test_there_are_numeric_filters_to_check():
    assert ("submissions", "assessment") in NUMERIC and ("vendors", "catalog") in NUMERIC


@pytest.mark.parametrize(("prefix", "name"), NUMERIC)
@pytest.mark.parametrize("role", ["a_officer", "a_viewer", "supervisor"])
@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_numeric_filter_answers_400_or_200_never_500(world, api_for, prefix, name, role):
    client = api_for(getattr(world, role))
    client.raise_request_exception = False
    ok = client.get(f"/api/v1/{prefix}/", {name: "1"})
    assert ok.status_code in (200, 403, 404), ok.content[:300]
    too_big = client.get(f"/api/v1/{prefix}/", {name: TOO_BIG})
    assert too_big.status_code in (400, 403, 404), too_big.content[:300]
    if too_big.status_code == 400:
        assert name in too_big.json()["error"]["fields"]


def _serializer_classes():
    for prefix, viewset, _basename in router.registry:
        for name in dir(viewset):
            candidate = getattr(viewset, name, None)
            if isinstance(candidate, type) and hasattr(candidate, "get_fields") and name.endswith("serializer_class"):
                yield prefix, candidate


def test_every_related_id_and_integer_of_every_api_serializer_is_bounded(world):
    from rest_framework import relations, serializers

    from core.serializer_fields import PrimaryKeyRelatedField

    unbounded, checked = [], 0
    for prefix, serializer_class in _serializer_classes():
        try:
            fields = serializer_class().fields
        except Exception:
            continue
        for name, field in fields.items():
            field = getattr(field, "child_relation", None) or getattr(field, "child", None) or field
            if field.read_only:
                continue
            checked += 1
            if isinstance(field, relations.PrimaryKeyRelatedField) and not isinstance(field, PrimaryKeyRelatedField):
                unbounded.append(f"{prefix}: {serializer_class.__name__}.{name}")
            if isinstance(field, serializers.IntegerField) and field.max_value is None:
                unbounded.append(f"{prefix}: {serializer_class.__name__}.{name}")
    assert checked > 20 and unbounded == []
