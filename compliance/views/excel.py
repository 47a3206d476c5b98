"""The checklist round trip in the browser: download, upload → preview, confirm → apply.

The preview keeps the planned changes (with the answer versions it saw) in the session; confirming
applies exactly what was shown, atomically, or nothing if anything was refused or changed meanwhile.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.tenancy import view_of
from audit.models import AuditEvent
from audit.recorder import record
from compliance.excel.columns import language, response_label
from compliance.excel.export import build_checklist
from compliance.excel.importer import apply_plan, read_plan
from compliance.forms import ChecklistUploadForm
from compliance.models import Assessment
from compliance.views.common import can_answer, load_assessment
from core.filenames import export_filename
from reports.imports.limits import ImportRefused
from vendors.views.common import allow_methods, firm_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session_key(assessment: Assessment) -> str:
    return f"compliance-checklist-import-{assessment.pk}"


@view_of(Assessment)
@firm_page
def checklist_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member of the firm may download (viewers read and export); recorded as an export."""
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    content = build_checklist(assessment)
    record(AuditEvent.Action.EXPORT, obj=assessment, changes={"workbook": "checklist"})
    response = HttpResponse(content, content_type=XLSX)
    name = export_filename("checklist", assessment.organization, f"assessment-{assessment.pk}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _labelled(changes: list[dict]) -> list[dict]:
    lang = language()
    for change in changes:
        for side in ("old", "new"):
            change[side]["response_label"] = response_label(change[side]["response"], lang) if change[side][
                "response"] else "—"
    return changes


@view_of(Assessment)
@firm_page
def checklist_import(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=True)) is not None:
        return refused
    if not can_answer(request, assessment):
        raise PermissionDenied
    form = ChecklistUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"assessment": assessment, "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = read_plan(form.cleaned_data["file"], assessment)
            except ImportRefused as exc:
                form.add_error("file", exc.message)
            else:
                context["plan"] = plan
                if plan.ok:
                    status = 200
                    request.session[_session_key(assessment)] = plan.as_session()
                    context["changes"] = _labelled(plan.as_session())
                else:
                    request.session.pop(_session_key(assessment), None)
    return render(request, "compliance/checklist_import.html", context, status=status)


@view_of(Assessment)
@firm_page
def checklist_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=True)) is not None:
        return refused
    back = reverse("compliance:checklist_import", args=[assessment.pk])
    if request.method != "POST":
        return redirect(back)
    if not can_answer(request, assessment):
        raise PermissionDenied
    changes = request.session.pop(_session_key(assessment), None)
    if changes is None:
        messages.error(request, _("Nothing to apply: upload the file again."))
        return redirect(back)
    errors = apply_plan(assessment=assessment, changes=changes, user=request.user)
    if errors:
        return render(request, "compliance/checklist_import.html", {
            "assessment": assessment, "form": ChecklistUploadForm(), "apply_errors": errors,
        }, status=409)
    messages.success(request, _("%(count)s answers updated from the workbook.") % {"count": len(changes)})
    return redirect(reverse("compliance:assessment_detail", args=[assessment.pk]))
