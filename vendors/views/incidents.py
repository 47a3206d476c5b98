"""Incident pages: provider outages as the firm lived them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from vendors import services
from vendors.forms import IncidentForm
from vendors.models import Incident, OutageEvent
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

SORTS = {
    "reference": (_l("Reference"), "reference"),
    "provider": (_l("Provider"), "provider__legal_name"),
    "started": (_l("Start"), "started_at"),
    "ended": (_l("End"), "ended_at"),
    "users": (_l("Users affected"), "users_affected"),
    "reported": (_l("Reported to the supervisor at"), "reported_to_supervisor_at"),
}
SEARCH = ("reference", "provider__legal_name", "provider__name_ko", "provider__brand", "vendor__name",
          "customer_impact", "root_cause")
OPEN_CHOICES = [("True", _l("Ongoing")), ("False", _l("Ended"))]


@firm_page
def incident_list(request: HttpRequest) -> HttpResponse:
    events = [(str(e.pk), str(e)) for e in OutageEvent.objects.all()]
    spec = ListSpec(search=SEARCH, sorts=SORTS, default_sort="-started", filters=[
        Filter("outage_event", _l("Market-wide outage"), "outage_event", events),
        Filter("ongoing", _l("State"), "ended_at__isnull", OPEN_CHOICES),
    ])
    qs = (
        Incident.objects.for_org(request.organization)
        .select_related("provider", "vendor", "outage_event")
        .prefetch_related("affected_services")
    )
    return render(request, "vendors/incident_list.html", list_context(request, qs, spec))


@firm_page
def incident_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = IncidentForm(request.POST or None, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/incident_form.html", context={},
        save=lambda data, _v: services.create_incident(organization=request.organization, data=data),
        success=lambda i: reverse("vendors:incident_detail", args=[i.pk]),
        done_message=_("Incident recorded."),
    )


@view_of(Incident)
@firm_page
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_for_org_or_404(Incident, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    return render(request, "vendors/incident_detail.html", {
        "incident": incident, "services": incident.affected_services.all(),
    })


@view_of(Incident)
@firm_page
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_for_org_or_404(Incident, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = IncidentForm(request.POST or None, instance=incident, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/incident_form.html", context={"incident": incident},
        save=lambda data, version: services.update_incident(incident=incident, version=version, data=data),
        success=lambda i: reverse("vendors:incident_detail", args=[i.pk]),
        done_message=_("Incident saved."),
    )


@view_of(Incident)
@firm_page
def incident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_for_org_or_404(Incident, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    return delete_page(
        request, obj=incident, delete=lambda: services.delete_incident(incident=incident),
        cancel_url=reverse("vendors:incident_detail", args=[pk]), success_url=reverse("vendors:incident_list"),
    )
