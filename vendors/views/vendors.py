"""Vendor pages: the firm's relationships with its providers."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from vendors import services
from vendors.choices import ProviderCategory, VendorStatus
from vendors.forms import VendorForm
from vendors.models import Dependency, Vendor
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
    search=("name", "reference", "catalog__legal_name", "catalog__name_ko", "catalog__brand", "contract_reference"),
    sorts={
        "reference": (_l("Reference"), "reference"),
        "name": (_l("Name"), "name"),
        "provider": (_l("Provider"), "catalog__legal_name"),
        "category": (_l("Category"), "category"),
        "status": (_l("Status"), "status"),
        "contract_end": (_l("Contract end"), "contract_end"),
        "dependencies": (_l("Dependencies"), "n_dependencies"),
    },
    default_sort="name",
    filters=[
        Filter("category", _l("Category"), "category", ProviderCategory.choices),
        Filter("status", _l("Status"), "status", VendorStatus.choices),
        Filter("exit_plan", _l("Exit plan"), "exit_plan_exists", [("True", _l("Yes")), ("False", _l("No"))]),
    ],
)


@firm_page
def vendor_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Vendor.objects.for_org(request.organization)
        .select_related("catalog", "owner")
        .annotate(n_dependencies=Count("dependencies"))
    )
    return render(request, "vendors/vendor_list.html", list_context(request, qs, LIST))


@firm_page
def vendor_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = VendorForm(request.POST or None, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/vendor_form.html", context={},
        save=lambda data, _v: services.create_vendor(organization=request.organization, data=data),
        success=lambda v: reverse("vendors:vendor_detail", args=[v.pk]),
        done_message=_("Vendor registered."),
    )


@view_of(Vendor)
@firm_page
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_for_org_or_404(Vendor, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    dependencies = (
        Dependency.objects.for_org(request.organization)
        .filter(vendor=vendor)
        .select_related("service")
        .prefetch_related("measures")
        .order_by("service__name", "role")
    )
    incidents = vendor.incidents.select_related("outage_event").order_by("-started_at")[:10]
    return render(request, "vendors/vendor_detail.html", {
        "vendor": vendor, "dependencies": dependencies, "incidents": incidents,
        "subcontractors": vendor.subcontractors.all(),
    })


@view_of(Vendor)
@firm_page
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_for_org_or_404(Vendor, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = VendorForm(request.POST or None, instance=vendor, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/vendor_form.html", context={"vendor": vendor},
        save=lambda data, version: services.update_vendor(vendor=vendor, version=version, data=data),
        success=lambda v: reverse("vendors:vendor_detail", args=[v.pk]),
        done_message=_("Vendor saved."),
    )


@view_of(Vendor)
@firm_page
def vendor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_for_org_or_404(Vendor, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    in_use = vendor.dependencies.count()
    return delete_page(
        request, obj=vendor, delete=lambda: services.delete_vendor(vendor=vendor),
        cancel_url=reverse("vendors:vendor_detail", args=[pk]), success_url=reverse("vendors:vendor_list"),
        consequences=[_("%(n)s dependencies still use this vendor: it cannot be deleted until they are removed.")
                      % {"n": in_use}] if in_use else [],
    )
