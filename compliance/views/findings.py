"""Findings: the list (filters, sorting), one finding, and creating or editing one by hand.

Automatic findings (from answers and single points of failure) are created by compliance.findings;
here people own them: owner, due date, remediation plan, status, risk acceptance.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from audit.models import AuditEvent
from audit.readable import readable
from compliance import findings as finding_service
from compliance.choices import CLOSED_FINDING_STATUSES, FindingSource, FindingStatus, Severity
from compliance.forms import FindingForm, FindingStatusForm
from compliance.models import Evidence, Finding
from compliance.selectors import findings_for
from core.concurrency import ConcurrentEditError
from vendors.forms import firm_members
from vendors.views.common import (
    Filter,
    ListSpec,
    add_errors,
    allow_methods,
    firm_page,
    form_page,
    list_context,
    require_editor,
)

SORTS = {
    "title": (_l("Title"), "title"),
    "severity": (_l("Severity"), "severity"),
    "status": (_l("Status"), "status"),
    "source": (_l("Source"), "source"),
    "owner": (_l("Owner"), "owner__email"),
    "due": (_l("Due date"), "due_date"),
}
OVERDUE = "yes"


@firm_page
def finding_list(request: HttpRequest) -> HttpResponse:
    owners = [(str(u.pk), str(u)) for u in firm_members(request.organization).order_by("email")]
    spec = ListSpec(search=("title", "description", "requirement__ref"), sorts=SORTS, default_sort="due", filters=[
        Filter("status", _l("Status"), "status", list(FindingStatus.choices)),
        Filter("severity", _l("Severity"), "severity", list(Severity.choices)),
        Filter("source", _l("Source"), "source", list(FindingSource.choices)),
        Filter("owner", _l("Owner"), "owner", owners),
    ])
    qs = findings_for(request.organization)
    overdue = request.GET.get("overdue") == OVERDUE
    if overdue:
        # Overdue: past its due date and still open (resolved or accepted findings are not late).
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(status__in=CLOSED_FINDING_STATUSES)
    context = list_context(request, qs, spec)
    context["filters"].append({"param": "overdue", "label": _("Overdue"), "choices": [(OVERDUE, _("Overdue only"))],
                               "value": OVERDUE if overdue else ""})
    context["filtered"] = context["filtered"] or overdue
    context["today"] = timezone.localdate()
    return render(request, "compliance/finding_list.html", context)


@firm_page
def finding_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = FindingForm(request.POST or None, organization=request.organization)
    return form_page(
        request, form=form, template="compliance/finding_form.html", context={},
        save=lambda data, _v: finding_service.create_finding(organization=request.organization, data=data),
        success=lambda f: reverse("compliance:finding_detail", args=[f.pk]),
        done_message=_("Finding recorded."),
    )


def _detail_context(request: HttpRequest, finding: Finding, status_form: FindingStatusForm | None = None) -> dict:
    org = request.organization
    events = list(
        AuditEvent.objects.for_org(org).filter(object_type=Finding._meta.label, object_id=str(finding.pk))
        .order_by("-id")[:50]
    )
    evidence = []
    if finding.assessment_id and finding.requirement_id:
        # The evidence filed with the answer that raised the finding, so the officer sees what was checked.
        evidence = list(Evidence.objects.for_org(org).filter(
            answer__assessment_id=finding.assessment_id, answer__requirement_id=finding.requirement_id))
    if status_form is None and request.can_edit:
        status_form = FindingStatusForm(finding=finding)
    return {
        "finding": finding, "today": timezone.localdate(), "history": readable(events, org),
        "evidence": evidence, "status_form": status_form,
    }


@view_of(Finding)
@firm_page
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_org_or_404(Finding, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    finding = findings_for(request.organization).get(pk=finding.pk)
    return render(request, "compliance/finding_detail.html", _detail_context(request, finding))


@view_of(Finding)
@firm_page
def finding_status(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only: move the finding to another status (in progress, resolved, risk accepted, reopened)."""
    finding = get_for_org_or_404(Finding, request.organization, pk=pk)
    if request.method != "POST":
        return render(request, "405.html", status=405)
    if (refused := require_editor(request)) is not None:
        return refused
    form = FindingStatusForm(request.POST, finding=finding)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            finding_service.change_status(
                finding=finding, version=data["version"], status=data["status"],
                approver=data.get("risk_accepted_by"), expires_on=data.get("risk_acceptance_expires_on"),
                note=data.get("note", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConcurrentEditError:
            form.add_error(None, _("Someone else changed this finding meanwhile. Reload the page and try again."))
            status = 409
        else:
            messages.success(request, _("Status changed."))
            return redirect("compliance:finding_detail", pk=finding.pk)
    finding = findings_for(request.organization).get(pk=finding.pk)
    return render(request, "compliance/finding_detail.html", _detail_context(request, finding, form), status=status)


@view_of(Finding)
@firm_page
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_org_or_404(Finding, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    form = FindingForm(request.POST or None, instance=finding, organization=request.organization)
    return form_page(
        request, form=form, template="compliance/finding_form.html", context={"finding": finding},
        save=lambda data, version: finding_service.update_finding(finding=finding, version=version, data=data),
        success=lambda f: reverse("compliance:finding_detail", args=[f.pk]),
        done_message=_("Finding saved."),
    )
