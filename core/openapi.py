"""What /api/schema/ says about every operation, so that a client generated from it meets the real API.

* ``BackstopAutoSchema`` (DRF's DEFAULT_SCHEMA_CLASS): a tag per resource, a summary per operation, the view's
  and the serializer's own description (never a base class's internal note), and the ``X-Organization``
  header on every view that reads it (core.api.ActiveOrganizationAPIMixin).
* ``postprocess`` (a drf-spectacular postprocessing hook): the error body of core.drf.error_handler on every
  operation for each error status the API answers with, and ``version`` required in the bodies of PUT and
  PATCH on versioned records (core.concurrency: an update names the version it edited).
"""

from __future__ import annotations

import copy
import re

from drf_spectacular.drainage import get_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from core.filters import BIGINT_MAX

ERROR_STATUSES = {
    "400": "The input is not valid: `error.fields` names each field and its messages.",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "Your role may not do this, or `X-Organization` names a firm you are not a member of.",
    "404": "Not found, or not yours: another firm's object is never confirmed to exist.",
    "409": "The record changed since the version you sent (`error.current_version`), or its state does not "
    "allow this step now.",
    "429": "Too many requests: wait and try again.",
}

ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {
            "code": {"type": "string", "description": "A stable machine-readable code, e.g. `invalid`."},
            "message": {"type": "string", "description": "A sentence for people, in the request's language."},
            "fields": {
                "type": "object",
                "additionalProperties": {},
                "description": "Per field, its messages (a list; nested objects for nested fields).",
            },
            "current_version": {
                "type": "integer",
                "nullable": True,
                "description": "On a version conflict: the record's version now.",
            },
        },
        "required": ["code", "message", "fields"],
    },
    "Error": {
        "type": "object",
        "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
        "required": ["error"],
    },
}

_ACTION_SUMMARY = {
    "list": "List {plural}",
    "create": "Create {a_noun}",
    "retrieve": "Get one {noun}",
    "update": "Replace {a_noun}",
    "partial_update": "Change some fields of {a_noun}",
    "destroy": "Delete {a_noun}",
}
# Path prefixes that group resources: the resource is the next segment.
_GROUPS = {"market", "review", "auth"}
_DRF_MODULES = ("rest_framework.", "core.api", "accounts.tenancy")


def _singular(plural: str) -> str:
    words = plural.split(" ")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words[:-1], last])


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _first_sentence(doc: str) -> str:
    line = " ".join(doc.strip().split("\n\n")[0].split())
    return re.split(r"(?<=[.:;])\s", line)[0].rstrip(".:;")


def _own_doc(obj) -> str:
    """The docstring written on this class or function itself, not one inherited from a base class."""
    if obj is None:
        return ""
    if isinstance(obj, type):
        doc = obj.__dict__.get("__doc__")
    else:
        module = getattr(obj, "__module__", "") or ""
        doc = None if module.startswith(_DRF_MODULES) else getattr(obj, "__doc__", None)
    if not doc:
        return ""
    import inspect

    return inspect.cleandoc(doc)


class BackstopAutoSchema(AutoSchema):
    def _resource(self) -> tuple[str, str]:
        """(singular, plural) of what the operation acts on, from the path: /api/v1/redundancy-measures/ ->
        ("redundancy measure", "redundancy measures"); /api/v1/market/simulations/ -> ("simulation", ...)."""
        segments = [s for s in self._tokenize_path() if s not in {"api", "v1"}]
        if len(segments) > 1 and segments[0] in _GROUPS:
            segments = segments[1:]
        plural = (segments[0] if segments else "").replace("-", " ")
        return _singular(plural), plural

    def _is_list_view(self, serializer=None) -> bool:
        # A "list" action answering one document (count and results, unpaged) is not an array of them.
        if getattr(self.view, "schema_single_document", False):
            return False
        return super()._is_list_view(serializer)

    def _map_basic_serializer(self, serializer, direction):
        # A component's description is its serializer's own docstring: a base class's note on how it saves
        # (core.serializer_fields.ModelSerializer, vendors.serializers.VersionedSerializer) is not the API's.
        result = super()._map_basic_serializer(serializer, direction)
        own = get_override(serializer, "description", None) or _own_doc(type(serializer))
        if own:
            result["description"] = own
        else:
            result.pop("description", None)
        return result

    def get_tags(self) -> list[str]:
        segments = [s for s in self._tokenize_path() if s not in {"api", "v1"}]
        return segments[:1] or ["api"]

    def _action_function(self):
        return getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)

    def get_description(self) -> str:
        return _own_doc(self._action_function()) or _own_doc(type(self.view))

    def get_summary(self) -> str:
        action = getattr(self.view, "action", None)
        noun, plural = self._resource()
        own = _own_doc(self._action_function())
        if own:
            return _first_sentence(own)
        if action in _ACTION_SUMMARY:
            return _ACTION_SUMMARY[action].format(plural=plural, noun=noun, a_noun=_article(noun))
        name = (action or self.method.lower()).replace("_", " ")
        return f"{name.capitalize()} ({noun})"

    def get_override_parameters(self):
        from core.api import ActiveOrganizationAPIMixin

        parameters = list(super().get_override_parameters())
        if isinstance(self.view, ActiveOrganizationAPIMixin):
            parameters.append(
                OpenApiParameter(
                    "X-Organization",
                    {"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGINT_MAX},
                    OpenApiParameter.HEADER,
                    required=False,
                    description="The id of the organisation to act for, among your own (see GET /api/v1/me). "
                    "Without it: your default organisation. Another firm's id is refused with 403.",
                )
            )
        return parameters


def _error_responses(operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in ERROR_STATUSES.items():
        responses[status] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }


def _require_version(result: dict, operation: dict, method: str) -> None:
    """PUT and PATCH on a versioned record: ``version`` is required (the serializer refuses an update without
    it). PUT shares its request component with POST, where version is not asked for: PUT gets a copy."""
    schemas = result["components"]["schemas"]
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        ref = (media.get("schema") or {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        component = schemas.get(name)
        if not component or "version" not in component.get("properties", {}):
            continue
        if method == "put":
            new_name = name.removesuffix("Request") + "UpdateRequest"
            if new_name not in schemas:
                schemas[new_name] = copy.deepcopy(component)
            component, media["schema"] = schemas[new_name], {"$ref": f"#/components/schemas/{new_name}"}
        required = component.setdefault("required", [])
        if "version" not in required:
            required.append("version")
        operation.get("requestBody", {})["required"] = True


def postprocess(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry (after the enum hook)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(copy.deepcopy(ERROR_COMPONENTS))
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _error_responses(operation)
            if method in {"put", "patch"}:
                _require_version(result, operation, method)
    result["components"]["schemas"] = dict(sorted(result["components"]["schemas"].items()))
    return result
