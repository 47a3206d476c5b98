"""Dependency pages: service x vendor x role, its tier (with the recorded override) and its redundancy."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import CharField, Prefetch, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from vendors import rules, services, tiering
from vendors.choices import DependencyRole, Importance, Tier
from vendors.forms import DependencyForm, TierOverrideForm
from vendors.models import Dependency, FailoverTest, RedundancyMeasure
from vendors.views.common import (
    Filter,
    ListSpec,
    allow_methods,
    delete_page,
    firm_page,
    form_page,
    list_context,
    require_editor,
    save_form,
)
from vendors.views.services import spofs_by_dependency

FACTOR_LABELS = {
    "F1": _l("Customer impact"),
    "F2": _l("Maximum tolerable downtime"),
    "F3": _l("Data shared"),
    "F4": _l("Substitutability"),
    "F5": _l("Concentration"),
    "F6": _l("Offshore location"),
    "F7": _l("Regulatory criticality"),
    "F8": _l("Subcontracting chain"),
}

LIST = ListSpec(
    search=("service__name", "vendor__name", "vendor__catalog__legal_name", "vendor__catalog__brand", "notes"),
    sorts={
        "service": (_l("Service"), "service__name"),
        "vendor": (_l("Vendor"), "vendor__name"),
        "role": (_l("Role"), "role"),
        "importance": (_l("Importance"), "service__importance"),
        "tier": (_l("Tier"), "effective_tier"),
        "score": (_l("Score"), "tier_score"),
    },
    default_sort="service",
    filters=[
        Filter("role", _l("Role"), "role", DependencyRole.choices),
        Filter("tier", _l("Tier"), "effective_tier", Tier.choices),
        Filter("importance", _l("Importance"), "service__importance", Importance.choices),
    ],
)


def _with_tier(qs):
    # The effective tier (override, else computed) as a column, so lists can filter and sort on it.
    return qs.annotate(effective_tier=Coalesce(NullIf("tier_override", Value("")), "computed_tier",
                                               output_field=CharField()))


@firm_page
def dependency_list(request: HttpRequest) -> HttpResponse:
    org = request.organization
    qs = _with_tier(Dependency.objects.for_org(org).select_related("service", "vendor__catalog"))
    context = list_context(request, qs, LIST)
    spofs = spofs_by_dependency(org)
    context["rows"] = [{"dependency": d, "spof": spofs.get(d.pk)} for d in context["page"].object_list]
    return render(request, "vendors/dependency_list.html", context)


@firm_page
def dependency_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    org = request.organization
    initial = {k: request.GET[k] for k in ("service", "vendor") if request.GET.get(k, "").isdigit()}
    form = DependencyForm(request.POST or None, initial=initial, organization=org)
    return form_page(
        request, form=form, template="vendors/dependency_form.html", context={},
        save=lambda data, _v: services.create_dependency(organization=org, data=data),
        success=lambda d: reverse("vendors:dependency_detail", args=[d.pk]),
        done_message=_("Dependency registered; its tier has been computed."),
    )


def _detail_context(request: HttpRequest, dep: Dependency) -> dict:
    org = request.organization
    measures = list(
        RedundancyMeasure.objects.for_org(org)
        .filter(dependency=dep)
        .select_related("alternate_provider")
        .prefetch_related("shared_upstreams",
                          Prefetch("tests", queryset=FailoverTest.objects.for_org(org).order_by("-tested_on", "-pk")))
    )
    result = next((r for d, r in tiering.compute_for_org(org) if d.pk == dep.pk), None)
    factors = [{"code": k, "label": FACTOR_LABELS[k], "value": v, "weight": rules.SCORE_WEIGHTS[k]}
               for k, v in (result.factors.items() if result else [])]
    return {
        "dependency": dep, "service": dep.service, "vendor": dep.vendor, "measures": measures,
        "spof": spofs_by_dependency(org, dependency_id=dep.pk).get(dep.pk),
        "tier_result": result, "factors": factors,
        "test_interval": rules.failover_test_interval_months(dep.tier),
    }


@view_of(Dependency)
@firm_page
def dependency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dep = get_for_org_or_404(Dependency, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    context = _detail_context(request, dep)
    if request.can_edit:
        context["override_form"] = TierOverrideForm(instance=dep, organization=request.organization)
    return render(request, "vendors/dependency_detail.html", context)


@view_of(Dependency)
@firm_page
def dependency_tier_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or clear) an override of the computed tier; the detail page shows the form."""
    dep = get_for_org_or_404(Dependency, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = TierOverrideForm(request.POST or None, instance=dep, organization=request.organization)
    if request.method == "POST":
        saved, extra = save_form(
            request, form, lambda data, version: services.update_dependency(dependency=dep, version=version, data=data)
        )
        if saved is not None:
            messages.success(request, _("Tier override recorded."))
            return redirect("vendors:dependency_detail", pk=dep.pk)
        dep = get_for_org_or_404(Dependency, request.organization, pk=pk)
        context = {**_detail_context(request, dep), **extra, "override_form": form}
        return render(request, "vendors/dependency_detail.html", context, status=409 if extra else 400)
    context = {**_detail_context(request, dep), "override_form": form}
    return render(request, "vendors/dependency_detail.html", context)


@view_of(Dependency)
@firm_page
def dependency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dep = get_for_org_or_404(Dependency, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = DependencyForm(request.POST or None, instance=dep, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/dependency_form.html", context={"dependency": dep},
        save=lambda data, version: services.update_dependency(dependency=dep, version=version, data=data),
        success=lambda d: reverse("vendors:dependency_detail", args=[d.pk]),
        done_message=_("Dependency saved."),
    )


@view_of(Dependency)
@firm_page
def dependency_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dep = get_for_org_or_404(Dependency, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    n = dep.measures.count()
    return delete_page(
        request, obj=dep, delete=lambda: services.delete_dependency(dependency=dep),
        cancel_url=reverse("vendors:dependency_detail", args=[pk]), success_url=reverse("vendors:dependency_list"),
        consequences=[_("Its %(n)s redundancy measures and their failover tests are deleted too.") % {"n": n}]
        if n else [],
    )

