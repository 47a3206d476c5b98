"""Redundancy measures (nested under a dependency) and their failover tests, with private evidence."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.tenancy import get_for_org_or_404, view_of
from audit.models import AuditEvent
from audit.recorder import record
from vendors import services
from vendors.forms import FailoverTestForm, MeasureForm
from vendors.models import Dependency, FailoverTest, RedundancyMeasure
from vendors.views.common import allow_methods, delete_page, firm_page, form_page, require_editor


def _dependency_url(dependency_id: int) -> str:
    return reverse("vendors:dependency_detail", args=[dependency_id])


@view_of(Dependency)
@firm_page
def measure_create(request: HttpRequest, dependency_pk: int) -> HttpResponse:
    dep = get_for_org_or_404(Dependency, request.organization, pk=dependency_pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = MeasureForm(request.POST or None, dependency=dep, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/measure_form.html", context={"dependency": dep},
        save=lambda data, _v: services.create_measure(
            organization=request.organization, data={**data, "dependency": dep}),
        success=lambda m: _dependency_url(dep.pk),
        done_message=_("Redundancy measure recorded."),
    )


@view_of(RedundancyMeasure)
@firm_page
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_org_or_404(RedundancyMeasure, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    dep = measure.dependency
    form = MeasureForm(request.POST or None, instance=measure, dependency=dep, organization=request.organization)
    return form_page(
        request, form=form, template="vendors/measure_form.html", context={"dependency": dep, "measure": measure},
        save=lambda data, version: services.update_measure(measure=measure, version=version, data=data),
        success=lambda m: _dependency_url(dep.pk),
        done_message=_("Redundancy measure saved."),
    )


@view_of(RedundancyMeasure)
@firm_page
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_org_or_404(RedundancyMeasure, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    n = measure.tests.count()
    url = _dependency_url(measure.dependency_id)
    return delete_page(
        request, obj=measure, delete=lambda: services.delete_measure(measure=measure), cancel_url=url, success_url=url,
        consequences=[_("Its %(n)s failover tests are deleted too.") % {"n": n}] if n else [],
    )


@view_of(RedundancyMeasure)
@firm_page
def failover_test_create(request: HttpRequest, redundancymeasure_pk: int) -> HttpResponse:
    measure = get_for_org_or_404(RedundancyMeasure, request.organization, pk=redundancymeasure_pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = FailoverTestForm(request.POST or None, request.FILES or None, measure=measure,
                            organization=request.organization)
    return form_page(
        request, form=form, template="vendors/failover_test_form.html",
        context={"measure": measure, "dependency": measure.dependency},
        save=lambda data, _v: services.create_failover_test(
            organization=request.organization, data={**data, "measure": measure}),
        success=lambda t: _dependency_url(measure.dependency_id),
        done_message=_("Failover test recorded."),
    )


@view_of(FailoverTest)
@firm_page
def failover_test_edit(request: HttpRequest, pk: int) -> HttpResponse:
    test = get_for_org_or_404(FailoverTest, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    measure = test.measure
    form = FailoverTestForm(request.POST or None, request.FILES or None, instance=test, measure=measure,
                            organization=request.organization)
    return form_page(
        request, form=form, template="vendors/failover_test_form.html",
        context={"measure": measure, "dependency": measure.dependency, "test": test},
        save=lambda data, version: services.update_failover_test(test=test, version=version, data=data),
        success=lambda t: _dependency_url(measure.dependency_id),
        done_message=_("Failover test saved."),
    )


@view_of(FailoverTest)
@firm_page
def failover_test_delete(request: HttpRequest, pk: int) -> HttpResponse:
    test = get_for_org_or_404(FailoverTest, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    url = _dependency_url(test.measure.dependency_id)
    return delete_page(request, obj=test, delete=lambda: services.delete_failover_test(test=test),
                       cancel_url=url, success_url=url)


@view_of(FailoverTest)
@firm_page
def failover_test_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, to any member of the owning firm; there is no public URL for it."""
    test = get_for_org_or_404(FailoverTest, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    if not test.evidence:
        messages.info(request, _("This failover test has no evidence file."))
        return redirect(_dependency_url(test.measure.dependency_id))
    record(AuditEvent.Action.DOWNLOAD, obj=test, changes={"file": test.evidence.name, "sha256": test.evidence_sha256})
    return FileResponse(test.evidence.open("rb"), as_attachment=True, filename=PurePath(test.evidence.name).name)
