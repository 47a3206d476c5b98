"""Web pages of export jobs: the list with a "new export" form, a job page with an htmx-polled
progress bar, the permission-checked download, and the immediate register download."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.tenancy import get_for_org_or_404, view_of
from audit.models import AuditEvent
from audit.recorder import record
from core.filenames import export_filename
from reports.exports import jobs
from reports.exports.forms import ExportRequestForm
from reports.models import ExportJob, ExportKind, ExportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_jobs(request):
    """Firm users see every job of their firm; a supervisor only the jobs they asked for."""
    qs = ExportJob.objects.for_org(request.organization).select_related("requested_by")
    if request.is_supervisor:
        qs = qs.filter(requested_by=request.user)
    return qs


def job_for(request, pk) -> ExportJob:
    job = get_for_org_or_404(ExportJob, request.organization, pk=pk)
    if request.is_supervisor and job.requested_by_id != request.user.pk:
        raise Http404
    return job


def direct_download_allowed(organization) -> bool:
    from vendors.models import Dependency

    if organization is None or organization.is_regulator:
        return False
    return Dependency.objects.for_org(organization).count() < settings.EXPORT_DIRECT_MAX_DEPENDENCIES


@login_required
def export_list(request):
    form = ExportRequestForm(request.organization, initial={"language": translation.get_language()})
    page = Paginator(visible_jobs(request), 50).get_page(request.GET.get("page"))
    return render(request, "exports/export_list.html", {
        "page": page, "form": form, "direct_download": direct_download_allowed(request.organization),
    })


@login_required
def export_create(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ExportRequestForm(request.organization, request.POST)
    if form.is_valid():
        try:
            job = jobs.request_export(
                organization=request.organization, user=request.user, kind=form.cleaned_data["kind"],
                parameters=form.parameters(), language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if request.htmx:  # started from a page's export button: its progress appears beside the button
                job.refresh_from_db()  # an eager run has already moved it on
                return render(request, "exports/_progress.html", {"job": job})
            if job.message:
                messages.warning(request, job.message)
            return redirect("exports:detail", pk=job.pk)
    if request.htmx:
        return render(request, "exports/_start_errors.html", {"form": form}, status=422)
    page = Paginator(visible_jobs(request), 50).get_page(1)
    return render(request, "exports/export_list.html", {
        "page": page, "form": form, "direct_download": direct_download_allowed(request.organization),
    }, status=400)


@view_of(ExportJob)
@login_required
def export_detail(request, pk):
    job = job_for(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "exports/export_detail.html", {"job": job})


@view_of(ExportJob)
@login_required
def export_progress(request, pk):
    """The htmx partial: polled every second until the job is finished."""
    job = job_for(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "exports/_progress.html", {"job": job})


@view_of(ExportJob)
@login_required
def export_download(request, pk):
    job = job_for(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return download_response(request, job)


def download_response(request, job: ExportJob) -> HttpResponse:
    """Stream a finished job's file and audit the download; 410 once expired, 409 before done."""
    if job.status == ExportStatus.EXPIRED:
        return HttpResponse(_("This export has expired; request it again."), status=410,
                            content_type="text/plain; charset=utf-8")
    path = Path(settings.MEDIA_ROOT) / job.file.name if job.file else None
    if job.status != ExportStatus.DONE or path is None or not path.is_file():
        return HttpResponse(_("This export is not ready."), status=409, content_type="text/plain; charset=utf-8")
    record(AuditEvent.Action.DOWNLOAD, obj=job, actor=request.user,
           changes={"file": job.download_name, "sha256": job.file_sha256})
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=job.download_name, content_type=XLSX)
    response["X-Content-SHA256"] = job.file_sha256
    return response


@login_required
def register_download_now(request):
    """Small registers stream straight away; the download is still recorded as a finished job."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not direct_download_allowed(request.organization):
        raise Http404
    from reports.workbooks.register import build_register_workbook

    org = request.organization
    language = translation.get_language()
    spool = tempfile.TemporaryFile()
    with translation.override(language):
        rows = build_register_workbook(org, spool)
    spool.seek(0)
    digest = jobs.sha256_of_file(spool)
    size = spool.tell()
    spool.seek(0)
    now = timezone.now()
    name = export_filename("register-workbook", org, on=timezone.localdate(now))
    job = ExportJob.objects.create(
        organization=org, requested_by=request.user, kind=ExportKind.REGISTER_WORKBOOK, language=language,
        parameters={"direct": True}, status=ExportStatus.DONE, progress=100, file_sha256=digest, file_size=size,
        row_count=rows, started_at=now, finished_at=now, expires_at=now, attempts=1,
    )
    record(AuditEvent.Action.EXPORT, obj=job, actor=request.user,
           changes={"kind": job.kind, "parameters": job.parameters, "language": language})
    record(AuditEvent.Action.DOWNLOAD, obj=job, actor=request.user, changes={"file": name, "sha256": digest})
    response = FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)
    response["X-Content-SHA256"] = digest
    return response
