"""Business service pages: what customers rely on, and which providers it hangs on."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from vendors import selectors, services
from vendors.choices import Importance
from vendors.forms import ServiceForm
from vendors.models import BusinessService, Dependency, RedundancyMeasure
from vendors.rules import SpofFinding
from vendors.views.common import (
    Filter,
    ListSpec,
    allow_methods,
    delete_page,
    firm_page,
    form_page,
    list_context,
    require_editor,
)

LIST = ListSpec(
    search=("name", "reference", "description"),
    sorts={
        "reference": (_l("Reference"), "reference"),
        "name": (_l("Name"), "name"),
        "importance": (_l("Importance"), "importance"),
        "rto": (_l("RTO (minutes)"), "rto_minutes"),
        "mtd": (_l("Maximum tolerable downtime (minutes)"), "max_tolerable_downtime_minutes"),
        "customers": (_l("Customers affected"), "customers_affected"),
        "dependencies": (_l("Dependencies"), "n_dependencies"),
    },
    default_sort="name",
    filters=[Filter("importance", _l("Importance"), "importance", Importance.choices)],
)


def spofs_by_dependency(organization, **match: int) -> dict[int, SpofFinding]:
    """The firm's single points of failure (vendors.selectors) by dependency, optionally narrowed."""
    return {
        finding.dependency_id: finding
        for finding in selectors.single_points_of_failure(organization)
        if all(getattr(finding, k) == v for k, v in match.items())
    }


@firm_page
def service_list(request: HttpRequest) -> HttpResponse:
    qs = BusinessService.objects.for_org(request.organization).annotate(n_dependencies=Count("dependencies"))
    context = list_context(request, qs, LIST)
    spof_services = {f.service_id for f in selectors.single_points_of_failure(request.organization)}
    return render(request, "vendors/service_list.html", {**context, "spof_services": spof_services})


@firm_page
def service_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = ServiceForm(request.POST or None, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/service_form.html", context={},
        save=lambda data, _v: services.create_service(organization=request.organization, data=data),
        success=lambda s: reverse("vendors:service_detail", args=[s.pk]),
        done_message=_("Business service registered."),
    )


@view_of(BusinessService)
@firm_page
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_for_org_or_404(BusinessService, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    org = request.organization
    dependencies = list(
        Dependency.objects.for_org(org)
        .filter(service=service)
        .select_related("vendor__catalog")
        .prefetch_related(
            Prefetch("measures", queryset=RedundancyMeasure.objects.for_org(org).select_related("alternate_provider")),
            "measures__tests",
        )
        .order_by("role", "vendor__name")
    )
    spofs = spofs_by_dependency(org, service_id=service.pk)
    rows = [{"dependency": d, "spof": spofs.get(d.pk)} for d in dependencies]
    return render(request, "vendors/service_detail.html", {
        "service": service, "rows": rows, "spof_count": len(spofs),
        "incidents": service.incidents.select_related("provider").order_by("-started_at")[:10],
    })


@view_of(BusinessService)
@firm_page
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_for_org_or_404(BusinessService, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = ServiceForm(request.POST or None, instance=service, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/service_form.html", context={"service": service},
        save=lambda data, version: services.update_service(service=service, version=version, data=data),
        success=lambda s: reverse("vendors:service_detail", args=[s.pk]),
        done_message=_("Business service saved."),
    )


@view_of(BusinessService)
@firm_page
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_for_org_or_404(BusinessService, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    n = service.dependencies.count()
    return delete_page(
        request, obj=service, delete=lambda: services.delete_service(service=service),
        cancel_url=reverse("vendors:service_detail", args=[pk]), success_url=reverse("vendors:service_list"),
        consequences=[_("Its %(n)s dependencies, their redundancy measures and failover tests are deleted too.")
                      % {"n": n}] if n else [],
    )
