"""Writes to the register: keyword-only, validated (full_clean) and atomic; updates are versioned.

Every change to a dependency, its vendor or its service recomputes the firm's tiers (see
vendors.tiering): the stored tier is what lists, snapshots and supervisors read.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Organization
from core.concurrency import save_versioned
from vendors.choices import CatalogStatus
from vendors.models import (
    BusinessService,
    Dependency,
    FailoverTest,
    Incident,
    OutageEvent,
    ProviderCatalog,
    RedundancyMeasure,
    Vendor,
)
from vendors.tiering import deferred_recompute, recompute_dependency_tier, recompute_tiers

__all__ = [
    "create_dependency",
    "create_failover_test",
    "create_incident",
    "create_measure",
    "create_outage_event",
    "create_service",
    "create_vendor",
    "curate_provider",
    "deferred_recompute",
    "delete_dependency",
    "delete_failover_test",
    "delete_incident",
    "delete_measure",
    "delete_object",
    "delete_service",
    "delete_vendor",
    "propose_provider",
    "publish_provider",
    "recompute_dependency_tier",
    "recompute_tiers",
    "update_dependency",
    "update_failover_test",
    "update_incident",
    "update_measure",
    "update_outage_event",
    "update_provider",
    "update_service",
    "update_vendor",
]

M2M_FIELDS = {
    Vendor: ("subcontractors",),
    RedundancyMeasure: ("shared_upstreams",),
    Incident: ("affected_services",),
    ProviderCatalog: ("upstreams",),
}
# Foreign keys to firm data: they must point inside the same firm (defence in depth behind the API/forms).
FIRM_FKS = {
    Vendor: (),
    BusinessService: (),
    Dependency: ("service", "vendor"),
    RedundancyMeasure: ("dependency",),
    FailoverTest: ("measure",),
    Incident: ("vendor",),
}
EVIDENCE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".txt", ".csv", ".log", ".xlsx", ".docx", ".json"})
# Changes to these models move tiers (gates and factors read their fields).
_TIER_SOURCES = (Vendor, BusinessService, Dependency)


def _split(model: type[models.Model], data: dict[str, Any]) -> tuple[dict, dict]:
    m2m_names = M2M_FIELDS.get(model, ())
    return ({k: v for k, v in data.items() if k not in m2m_names}, {k: v for k, v in data.items() if k in m2m_names})


def _check_firm_links(obj: models.Model, organization: Organization | None, m2m: dict) -> None:
    errors = {}
    for name in FIRM_FKS.get(type(obj), ()):
        target = getattr(obj, name, None)
        if target is not None and target.organization_id != organization.pk:
            errors[name] = _("This record belongs to another firm.")
    services = m2m.get("affected_services") or []
    if any(s.organization_id != organization.pk for s in services):
        errors["affected_services"] = _("This record belongs to another firm.")
    if errors:
        raise ValidationError(errors)


def _check_reference(obj: models.Model) -> None:
    """Unique reference per firm, reported on the field instead of as a form-wide error."""
    ref = getattr(obj, "reference", None)
    if not ref:
        return
    clash = type(obj).objects.for_org(obj.organization).filter(reference=ref).exclude(pk=obj.pk).exists()
    if clash:
        raise ValidationError({"reference": _("Another record of your firm already uses this reference.")})


def _set_m2m(obj: models.Model, m2m: dict) -> None:
    for name, values in m2m.items():
        getattr(obj, name).set(list(values or []))


def _after_change(obj: models.Model) -> None:
    if isinstance(obj, _TIER_SOURCES):
        recompute_tiers(obj.organization)


@transaction.atomic
def _create(model: type[models.Model], *, organization: Organization, data: dict[str, Any]) -> models.Model:
    fields, m2m = _split(model, data)
    obj = model(organization=organization, **fields)
    _check_firm_links(obj, organization, m2m)
    _check_reference(obj)
    obj.full_clean()
    obj.save()
    _set_m2m(obj, m2m)
    _after_change(obj)
    return obj


@transaction.atomic
def _update(obj: models.Model, *, version: int, data: dict[str, Any]) -> models.Model:
    fields, m2m = _split(type(obj), data)
    for k, v in fields.items():
        setattr(obj, k, v)
    _check_firm_links(obj, obj.organization, m2m)
    _check_reference(obj)
    save_versioned(obj, version)
    _set_m2m(obj, m2m)
    _after_change(obj)
    return obj


@transaction.atomic
def delete_object(*, obj: models.Model) -> None:
    """Delete one register row; a row still in use elsewhere is refused with a readable error."""
    organization = getattr(obj, "organization", None)
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This record is still used by %(count)s other record(s); remove those first.")
            % {"count": len(exc.protected_objects)}
        ) from exc
    if organization is not None and isinstance(obj, _TIER_SOURCES):
        recompute_tiers(organization)


# --- firm register -------------------------------------------------------------------------------

def create_vendor(*, organization: Organization, data: dict[str, Any]) -> Vendor:
    return _create(Vendor, organization=organization, data=data)


def update_vendor(*, vendor: Vendor, version: int, data: dict[str, Any]) -> Vendor:
    return _update(vendor, version=version, data=data)


def create_service(*, organization: Organization, data: dict[str, Any]) -> BusinessService:
    return _create(BusinessService, organization=organization, data=data)


def update_service(*, service: BusinessService, version: int, data: dict[str, Any]) -> BusinessService:
    return _update(service, version=version, data=data)


def create_dependency(*, organization: Organization, data: dict[str, Any]) -> Dependency:
    dep = _create(Dependency, organization=organization, data=data)
    dep.refresh_from_db(fields=["computed_tier", "tier_score", "tier_gates"])
    return dep


def update_dependency(*, dependency: Dependency, version: int, data: dict[str, Any]) -> Dependency:
    dep = _update(dependency, version=version, data=data)
    dep.refresh_from_db(fields=["computed_tier", "tier_score", "tier_gates"])
    return dep


def create_measure(*, organization: Organization, data: dict[str, Any]) -> RedundancyMeasure:
    return _create(RedundancyMeasure, organization=organization, data=data)


def update_measure(*, measure: RedundancyMeasure, version: int, data: dict[str, Any]) -> RedundancyMeasure:
    return _update(measure, version=version, data=data)


def _evidence_checks(data: dict[str, Any]) -> dict[str, Any]:
    """Size and type of an evidence upload, and its SHA-256 recorded alongside."""
    upload = data.get("evidence")
    if not upload:
        return data
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("The file is larger than %(mb)s MB.")
                               % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}})
    if PurePath(upload.name).suffix.lower() not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": _("This file type is not accepted as evidence.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {**data, "evidence_sha256": digest.hexdigest()}


def create_failover_test(*, organization: Organization, data: dict[str, Any]) -> FailoverTest:
    return _create(FailoverTest, organization=organization, data=_evidence_checks(data))


def update_failover_test(*, test: FailoverTest, version: int, data: dict[str, Any]) -> FailoverTest:
    return _update(test, version=version, data=_evidence_checks(data))


def create_incident(*, organization: Organization, data: dict[str, Any]) -> Incident:
    return _create(Incident, organization=organization, data=data)


def update_incident(*, incident: Incident, version: int, data: dict[str, Any]) -> Incident:
    return _update(incident, version=version, data=data)


# --- the global catalog and market-wide events (lead supervisors) -----------------------------------

@transaction.atomic
def _save_global(obj: models.Model, data: dict[str, Any]) -> models.Model:
    fields, m2m = _split(type(obj), data)
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    _set_m2m(obj, m2m)
    return obj


def propose_provider(*, organization: Organization, data: dict[str, Any]) -> ProviderCatalog:
    """A firm proposes a provider missing from the catalog; a lead supervisor curates it."""
    data = {k: v for k, v in data.items() if k not in {"status", "proposed_by", "upstreams"}}
    return _save_global(ProviderCatalog(status=CatalogStatus.PROPOSED, proposed_by=organization), data)


def publish_provider(*, data: dict[str, Any]) -> ProviderCatalog:
    """A lead supervisor adds a provider directly."""
    return _save_global(ProviderCatalog(status=data.pop("status", CatalogStatus.PUBLISHED)), data)


def update_provider(*, provider: ProviderCatalog, data: dict[str, Any]) -> ProviderCatalog:
    return _save_global(provider, data)


def curate_provider(*, provider: ProviderCatalog, status: str) -> ProviderCatalog:
    if status not in CatalogStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    return _save_global(provider, {"status": status})


def create_outage_event(*, data: dict[str, Any]) -> OutageEvent:
    return _save_global(OutageEvent(), data)


def update_outage_event(*, event: OutageEvent, data: dict[str, Any]) -> OutageEvent:
    return _save_global(event, data)



def delete_vendor(*, vendor: Vendor) -> None:
    delete_object(obj=vendor)


def delete_service(*, service: BusinessService) -> None:
    delete_object(obj=service)


def delete_dependency(*, dependency: Dependency) -> None:
    delete_object(obj=dependency)


def delete_measure(*, measure: RedundancyMeasure) -> None:
    delete_object(obj=measure)


def delete_failover_test(*, test: FailoverTest) -> None:
    delete_object(obj=test)


def delete_incident(*, incident: Incident) -> None:
    delete_object(obj=incident)
