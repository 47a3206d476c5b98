"""Enumerating the URLconf: every route, with the firm model behind each of its URL kwargs."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.tenancy import TenantManager

# Routes that carry no firm data, with the reason. Everything else is covered by the matrix.
PUBLIC_ROUTES = {
    "login": "the login page",
    "logout": "logging out",
    "password_reset": "asks for an email address",
    "password_reset_done": "static text",
    "password_reset_confirm": "uid/token from an email, no firm object",
    "password_reset_complete": "static text",
    "set_language": "language cookie",
    "healthz": "service health for load balancers",
    "api-schema": "the API's shape, no data",
    "api-docs": "the API's documentation page",
    "api-redoc": "the API's documentation page",
    "invitation_link": "a secret from an invitation email, not an object id; it opens only the invitee's own "
    "invitation (tests/accounts/test_invitations.py)",
    "api-token": "exchanges an email and password for an API token (throttled like the login)",
}
# The admin is enumerated apart (its URLs name objects by app and model): tests/test_route_matrix.py checks that
# every firm model's admin pages refuse everyone in the small world, and tests/security/test_admin.py checks them
# for superusers and staff.
SKIPPED_NAMESPACES = {"admin": "Django admin: enumerated from admin.site._registry instead"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, reversible
    route: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def audience(self) -> str:
        """"supervisor" for the regulator's cross-firm pages, "firm" for everything else."""
        cb = self.callback
        return getattr(cb, "audience", None) or getattr(getattr(cb, "cls", None), "audience", None) or "firm"

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def view_model(self):
        cb = self.callback
        for candidate in (
            getattr(cb, "model", None),
            getattr(getattr(cb, "view_class", None), "model", None),
            getattr(getattr(getattr(cb, "cls", None), "queryset", None), "model", None),
            getattr(getattr(cb, "view_class", None), "queryset", None) is not None and cb.view_class.queryset.model,
        ):
            if candidate:
                return candidate
        return None

    def model_for_kwarg(self, kwarg: str):
        if kwarg in ("pk", "id"):
            return self.view_model()
        if kwarg.endswith("_pk"):
            wanted = kwarg[: -len("_pk")]
            for model in apps.get_models():
                if model._meta.model_name == wanted:
                    return model
        return None


def _kwarg_names(pattern) -> tuple[str, ...]:
    inner = pattern.pattern
    converters = getattr(inner, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(inner, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def iter_routes(patterns=None, prefix: str = "", namespace: str | None = None):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            full_ns = ":".join(x for x in (namespace, ns) if x) or None
            yield from iter_routes(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            kwargs = _kwarg_names(p)
            if "format" in kwargs:  # DRF's format-suffix twins of routes already listed
                continue
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Route(name=name or "", route=prefix + str(p.pattern), kwargs=kwargs, callback=p.callback)


def is_tenant_model(model) -> bool:
    return model is not None and isinstance(model._default_manager, TenantManager)


def body_text(response) -> str:
    """What a person would read in a response: a page, a JSON body, or every cell of a downloaded workbook."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK":
        import io

        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # a zip that is not a workbook: read the bytes as they are
            return content.decode("utf-8", errors="replace")
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join([*workbook.sheetnames, *cells])
    return content.decode("utf-8", errors="replace")


def tenant_foreign_keys() -> dict[str, type]:
    """Every field name by which one firm row names another firm row (FK or many-to-many), with its model."""
    from accounts.tenancy import tenant_models

    names: dict[str, type] = {}
    for model in tenant_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and is_tenant_model(field.related_model):
                names.setdefault(field.name, field.related_model)
    return names


def cross_firm_references() -> list[str]:
    """Rows of one firm that point at another firm's row: must never exist, whatever was posted."""
    from django.db.models import F

    from accounts.tenancy import tenant_models

    found = []
    for model in tenant_models():
        for field in model._meta.get_fields():
            if not (field.concrete and field.is_relation and is_tenant_model(field.related_model)):
                continue
            rows = model._base_manager.filter(**{f"{field.name}__isnull": False}).exclude(
                organization=F(f"{field.name}__organization")
            )
            found += [f"{model.__name__}#{pk}.{field.name}" for pk in rows.values_list("pk", flat=True)]
    return found
