"""What each kind of export needs: who may ask, which parameters, and the builder that writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from reports.models import ExportKind
from reports.workbooks.base import Progress

# build(organization, parameters, target, progress, generated_by) -> rows written
Builder = Callable[[Organization, dict, Any, Progress, Any], int]


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    builder: Callable[[], Builder]  # imported lazily: builders import compliance, which may be absent
    clean: Callable[[Organization, dict], dict]
    for_firms: bool = True  # firm data: regulator organisations cannot ask for it


def _clean_register(organization: Organization, parameters: dict) -> dict:
    return {}


def _clean_audit(organization: Organization, parameters: dict) -> dict:
    from reports.workbooks.assessment_view import assessment_for_export

    raw = parameters.get("assessment")
    try:
        assessment_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"assessment": _("Choose an assessment.")}) from None
    if assessment_for_export(organization, assessment_id) is None:
        raise ValidationError({"assessment": _("No such assessment in your firm.")})
    return {"assessment": assessment_id}


def _register_builder() -> Builder:
    from reports.workbooks.register import build_register_workbook

    return lambda org, params, target, progress, user: build_register_workbook(org, target, progress)


def _audit_builder() -> Builder:
    from reports.workbooks.audit import build_audit_workbook

    return lambda org, params, target, progress, user: build_audit_workbook(
        org, params["assessment"], target, progress, generated_by=user
    )


def _clean_queue(organization: Organization, parameters: dict) -> dict:
    allowed = ("status", "kind", "assignee", "overdue", "q", "sort")
    return {k: str(parameters[k])[:100] for k in allowed if parameters.get(k)}


def _queue_builder() -> Builder:
    from review.queue_workbook import build_queue_workbook

    return lambda org, params, target, progress, user: build_queue_workbook(user, params, target, progress)


def _clean_market(organization: Organization, parameters: dict) -> dict:
    from market.forms import FIRM_KINDS

    kind = str(parameters.get("kind", ""))
    return {"kind": kind} if kind in dict(FIRM_KINDS) else {}


def _market_builder() -> Builder:
    from market.concentration_workbook import build_concentration_workbook

    return lambda org, params, target, progress, user: build_concentration_workbook(user, params, target, progress)


SPECS: dict[str, ExportSpec] = {
    ExportKind.REGISTER_WORKBOOK: ExportSpec(ExportKind.REGISTER_WORKBOOK, _register_builder, _clean_register),
    ExportKind.AUDIT_WORKBOOK: ExportSpec(ExportKind.AUDIT_WORKBOOK, _audit_builder, _clean_audit),
    ExportKind.REVIEW_QUEUE: ExportSpec(ExportKind.REVIEW_QUEUE, _queue_builder, _clean_queue, for_firms=False),
    ExportKind.MARKET_CONCENTRATION: ExportSpec(
        ExportKind.MARKET_CONCENTRATION, _market_builder, _clean_market, for_firms=False
    ),
}


def clean_parameters(organization: Organization, kind: str, parameters: dict | None) -> dict:
    """The parameters a job keeps (validated against the firm), or a field-level ValidationError.

    ``throttle_ms`` passes through untouched: the runner honours it only when the
    EXPORT_ALLOW_THROTTLE setting is on (the services tests), never in production.
    """
    spec = SPECS.get(kind)
    if spec is None:
        raise ValidationError({"kind": _("Unknown kind of export.")})
    if spec.for_firms and (organization is None or organization.is_regulator):
        raise ValidationError({"kind": _("This export is of a firm's data; switch to the firm first.")})
    if not spec.for_firms and (organization is None or not organization.is_regulator):
        raise ValidationError({"kind": _("This export is for supervisors.")})
    parameters = dict(parameters or {})
    cleaned = spec.clean(organization, parameters)
    if "throttle_ms" in parameters:
        try:
            cleaned["throttle_ms"] = max(0, min(int(parameters["throttle_ms"]), 10_000))
        except (TypeError, ValueError):
            raise ValidationError({"parameters": _("throttle_ms must be a number.")}) from None
    return cleaned
