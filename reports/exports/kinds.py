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
    for_firms: bool | None = True  # True: firm data (not for regulators); False: supervisors only; None: both
    on_form: bool = True  # offered on /exports/; False: started only from its object's page
    # Checks the person may read what the parameters name (a saved simulation: the creator's, or shared).
    allowed: Callable[[Organization, dict, Any], bool] | None = None


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


def _clean_simulation(organization: Organization, parameters: dict) -> dict:
    try:
        return {"simulation": int(parameters.get("simulation"))}
    except (TypeError, ValueError):
        raise ValidationError({"simulation": _("Choose a saved simulation.")}) from None


def _simulation_visible(organization: Organization, parameters: dict, user) -> bool:
    from market.services import visible_simulations

    return visible_simulations(organization, user).filter(pk=parameters["simulation"]).exists()


def _simulation_builder() -> Builder:
    def build(org, params, target, progress, user) -> int:
        from market.export import simulation_workbook
        from market.services import visible_simulations

        sim = visible_simulations(org, user).get(pk=params["simulation"])
        progress.add_total(1)
        data = simulation_workbook(sim)  # from the results stored when it was saved: no recomputation
        with open(target, "wb") as fh:
            fh.write(data)
        progress.tick()
        return len((sim.results or {}).get("services", []))

    return build


SPECS: dict[str, ExportSpec] = {
    ExportKind.REGISTER_WORKBOOK: ExportSpec(ExportKind.REGISTER_WORKBOOK, _register_builder, _clean_register),
    ExportKind.AUDIT_WORKBOOK: ExportSpec(ExportKind.AUDIT_WORKBOOK, _audit_builder, _clean_audit),
    ExportKind.REVIEW_QUEUE: ExportSpec(ExportKind.REVIEW_QUEUE, _queue_builder, _clean_queue, for_firms=False),
    ExportKind.MARKET_CONCENTRATION: ExportSpec(
        ExportKind.MARKET_CONCENTRATION, _market_builder, _clean_market, for_firms=False
    ),
    ExportKind.MARKET_SIMULATION: ExportSpec(
        ExportKind.MARKET_SIMULATION, _simulation_builder, _clean_simulation, for_firms=None, on_form=False,
        allowed=_simulation_visible,
    ),
}


def offered(kind: str, organization: Organization | None) -> bool:
    """Whether this side (a firm, or the regulator) may ask for this kind of export at all."""
    spec = SPECS[kind]
    regulator = bool(organization and organization.is_regulator)
    return organization is not None and (spec.for_firms is None or spec.for_firms != regulator)


def clean_parameters(organization: Organization, kind: str, parameters: dict | None, user=None) -> dict:
    """The parameters a job keeps (validated against the firm), or a field-level ValidationError.

    ``throttle_ms`` passes through untouched: the runner honours it only when the
    EXPORT_ALLOW_THROTTLE setting is on (the services tests), never in production.
    """
    spec = SPECS.get(kind)
    if spec is None:
        raise ValidationError({"kind": _("Unknown kind of export.")})
    if spec.for_firms and (organization is None or organization.is_regulator):
        raise ValidationError({"kind": _("This export is of a firm's data; switch to the firm first.")})
    if spec.for_firms is False and (organization is None or not organization.is_regulator):
        raise ValidationError({"kind": _("This export is for supervisors.")})
    if organization is None:
        raise ValidationError({"kind": _("This export is of a firm's data; switch to the firm first.")})
    parameters = dict(parameters or {})
    cleaned = spec.clean(organization, parameters)
    if spec.allowed is not None and not spec.allowed(organization, cleaned, user):
        raise ValidationError({"simulation": _("No such saved simulation for you.")})
    if "throttle_ms" in parameters:
        try:
            cleaned["throttle_ms"] = max(0, min(int(parameters["throttle_ms"]), 10_000))
        except (TypeError, ValueError):
            raise ValidationError({"parameters": _("throttle_ms must be a number.")}) from None
    return cleaned
