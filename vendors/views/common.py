"""What every register page shares: the firm-only gate, list search/filter/sort/paging, and the
create / edit / delete flows around the services (field errors, stale versions, PROTECT refusals).

Object views resolve their object first (get_for_org_or_404), so another firm's object is a 404 for
every method; only then do they look at the method and the role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEditError

PAGE_SIZE = 25
SAFE_METHODS = frozenset({"GET", "HEAD"})


def firm_page(view: Callable) -> Callable:
    """Logged in, acting for a firm. Regulator staff have no firm register: 404, as for_org would give."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organization = getattr(request, "organization", None)
        if organization is None or request.is_supervisor or organization.is_regulator:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def allow_methods(request: HttpRequest, *, write: bool) -> HttpResponse | None:
    """After the object is resolved: 405 for other verbs, 403 when a viewer tries to write."""
    allowed = SAFE_METHODS | ({"POST"} if write else set())
    if request.method not in allowed:
        return render(request, "405.html", status=405)
    if request.method == "POST" and not request.can_edit:
        raise PermissionDenied
    return None


def require_editor(request: HttpRequest) -> HttpResponse | None:
    """Create / edit / delete pages: only officers and firm admins, and only GET or POST."""
    if request.method not in SAFE_METHODS | {"POST"}:
        return render(request, "405.html", status=405)
    if not request.can_edit:
        raise PermissionDenied
    return None


# --- lists -------------------------------------------------------------------------------------------


@dataclass
class Filter:
    param: str
    label: str
    lookup: str
    choices: list[tuple[str, str]]


@dataclass
class ListSpec:
    search: tuple[str, ...]
    sorts: dict[str, tuple[str, str]]  # ?sort= value -> (column label, order_by field)
    default_sort: str
    filters: list[Filter] = field(default_factory=list)


_NUMERIC_FIELDS = (models.IntegerField, models.FloatField, models.DecimalField)


def _is_numeric(queryset: QuerySet, order: str) -> bool:
    """Whether a column sorts by a number (a numeric field or a count annotation): drawn right-aligned."""
    if order in queryset.query.annotations:
        return True
    model = queryset.model
    try:
        *path, last = order.split("__")
        for name in path:
            model = model._meta.get_field(name).related_model
        field = model._meta.get_field(last)
    except (AttributeError, FieldDoesNotExist):
        return False
    return isinstance(field, _NUMERIC_FIELDS) and not field.primary_key and not field.is_relation and not field.choices


def list_context(request: HttpRequest, queryset: QuerySet, spec: ListSpec) -> dict[str, Any]:
    """Search (q), whitelisted filters and sort, then one page: the same few queries at any size."""
    q = request.GET.get("q", "").strip()
    if q:
        cond = Q()
        for name in spec.search:
            cond |= Q(**{f"{name}__icontains": q})
        queryset = queryset.filter(cond)
    filters = []
    for f in spec.filters:
        value = request.GET.get(f.param, "")
        if value and value in {str(v) for v, _label in f.choices}:
            queryset = queryset.filter(**{f.lookup: value})
        else:
            value = ""
        filters.append({"param": f.param, "label": f.label, "choices": f.choices, "value": value})
    sort = request.GET.get("sort", "")
    key = sort.lstrip("-")
    if key not in spec.sorts:
        sort, key = spec.default_sort, spec.default_sort.lstrip("-")
    descending = sort.startswith("-")
    order = spec.sorts[key][1]
    queryset = queryset.order_by(f"-{order}" if descending else order, "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    headers = []
    for value, (label, _order) in spec.sorts.items():
        params = keep.copy()
        params["sort"] = f"-{value}" if key == value and not descending else value
        headers.append({
            "key": value, "label": label, "url": f"?{params.urlencode()}",
            "active": key == value, "descending": descending, "numeric": _is_numeric(queryset, _order),
        })
    return {"page": page, "rows": page.object_list, "q": q, "filters": filters, "headers": headers,
            "sort": sort, "filtered": bool(q or any(f["value"] for f in filters))}


# --- writes --------------------------------------------------------------------------------------------


def add_errors(form: ModelForm, exc: ValidationError) -> None:
    """Service errors onto the form: per field where the form has that field, else form-wide."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _other_values(form: ModelForm, current: Model) -> list[dict[str, str]]:
    """What the other person saved, field by field, where it differs from what this user sent."""
    rows = []
    for name in form.Meta.fields:
        model_field = current._meta.get_field(name)
        if model_field.many_to_many:
            theirs = ", ".join(str(x) for x in getattr(current, name).all()) or "—"
        elif getattr(model_field, "choices", None):
            theirs = getattr(current, f"get_{name}_display")() or "—"
        else:
            value = getattr(current, name)
            theirs = "—" if value in (None, "") else str(value)
        mine = form.data.get(form.add_prefix(name), "")
        raw = getattr(current, model_field.attname, None) if not model_field.many_to_many else None
        if model_field.many_to_many or str(raw if raw is not None else "") != str(mine):
            rows.append({"label": str(model_field.verbose_name), "value": theirs})
    return rows


def save_form(
    request: HttpRequest,
    form: ModelForm,
    save: Callable[[dict[str, Any], int | None], Model],
) -> tuple[Model | None, dict[str, Any]]:
    """Run a bound form through its service. Returns (saved object or None, extra template context)."""
    if not form.is_valid():
        return None, {}
    version = form.cleaned_data.get("version")
    try:
        return save(form.service_data(), version), {}
    except ValidationError as exc:
        add_errors(form, exc)
        return None, {}
    except ConcurrentEditError as exc:
        current = exc.current
        # Re-render on top of the current version: saving again now is a deliberate overwrite.
        data = form.data.copy()
        data[form.add_prefix("version")] = str(current.version)
        form.data = data
        form.add_error(None, _("Someone else saved this record while you were editing it. "
                               "Their values are shown below; review them and save again to keep yours."))
        return None, {"conflict": _other_values(form, current)}


def form_page(
    request: HttpRequest,
    *,
    form: ModelForm,
    save: Callable[[dict[str, Any], int | None], Model],
    template: str,
    context: dict[str, Any],
    success: Callable[[Model], str],
    done_message: str,
) -> HttpResponse:
    """GET shows the form; POST saves through the service or re-renders with the errors (400/409)."""
    extra: dict[str, Any] = {}
    if request.method == "POST":
        obj, extra = save_form(request, form, save)
        if obj is not None:
            messages.success(request, done_message)
            return redirect(success(obj))
    status = 200 if request.method != "POST" else (409 if extra.get("conflict") else 400)
    return render(request, template, {**context, **extra, "form": form}, status=status)


def delete_page(
    request: HttpRequest,
    *,
    obj: Model,
    delete: Callable[[], None],
    cancel_url: str,
    success_url: str,
    consequences: list[str] | None = None,
) -> HttpResponse:
    """A confirmation page; POST deletes, or explains why a row still in use cannot go."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
            return redirect(cancel_url)
        messages.success(request, _("%(object)s deleted.") % {"object": obj})
        return redirect(success_url)
    return render(request, "vendors/confirm_delete.html", {
        "object": obj, "verbose_name": obj._meta.verbose_name, "cancel_url": cancel_url,
        "consequences": consequences or [],
    })
