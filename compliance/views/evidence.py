"""Evidence: uploading a file to an answer, and the only way to download one.

Files live in private storage with no public URL. A download resolves the file through the active
firm first (another firm's file is 404), may be read by every member of the firm including viewers,
and is recorded in the audit log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.tenancy import get_for_org_or_404, view_of
from audit.models import AuditEvent
from audit.recorder import record
from compliance import evidence as evidence_service
from compliance.forms import EvidenceForm
from compliance.models import Answer, Evidence
from compliance.views.answers import INVALID, render_requirement
from compliance.views.common import build_row, can_answer, load_assessment
from compliance.views.sections import requirement_url
from vendors.views.common import add_errors, allow_methods, firm_page


@view_of(Answer)
@firm_page
def evidence_upload(request: HttpRequest, answer_pk: int) -> HttpResponse:
    answer = get_for_org_or_404(Answer, request.organization, pk=answer_pk)
    if (refused := allow_methods(request, write=True)) is not None:
        return refused
    assessment = load_assessment(request, answer.assessment_id)
    detail = requirement_url(assessment.pk, answer.requirement_id)
    if request.method != "POST":
        return redirect(detail)
    if not can_answer(request, assessment):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES, prefix=f"e{answer.pk}")
    status = INVALID
    if form.is_valid():
        try:
            evidence_service.upload_evidence(answer=answer, uploaded_file=form.cleaned_data["file"], user=request.user)
            status = 200
        except ValidationError as exc:
            add_errors(form, exc)
    if status == 200 and not request.htmx:
        return redirect(detail)
    requirement = answer.requirement
    answer.assessment = assessment
    row = build_row(request, assessment, requirement, answer, list(answer.evidence.all()),
                    evidence_form=None if status == 200 else form, saved=status == 200)
    return render_requirement(request, assessment, row, status=status)


@view_of(Evidence)
@firm_page
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_for_org_or_404(Evidence, request.organization, pk=pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    record(AuditEvent.Action.DOWNLOAD, obj=evidence, changes={"sha256": evidence.sha256})
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
