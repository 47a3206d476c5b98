"""The firm's audit log: filtered, paginated, in words, and downloadable as a workbook."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.export import MAX_ROWS, write_audit_log
from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from audit.readable import readable
from audit.recorder import record
from core.filenames import export_filename

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, object]:
    events = AuditEvent.objects.for_org(request.organization)
    form = AuditFilterForm(request.GET or None, events=events)
    if form.is_bound:
        form.is_valid()
        events = form.filter(events)
    return form, events


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_log.html", {
        "form": form, "page": page, "rows": readable(list(page), request.organization),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": query.urlencode(), "max_rows": MAX_ROWS,
    }, status=400 if form.errors else 200)


@login_required
def audit_log_export(request: HttpRequest) -> HttpResponse:
    """The rows the filters select, newest first (at most MAX_ROWS); the download is itself audited."""
    if request.method != "GET":
        return render(request, "405.html", status=405)
    form, events = _filtered(request)
    if form.errors:
        return audit_log(request)
    spool = tempfile.TemporaryFile()
    rows = write_audit_log(events, request.organization, spool)
    spool.seek(0)
    name = export_filename("audit-log", request.organization)
    record(AuditEvent.Action.EXPORT, organization=request.organization, object_type="audit.AuditEvent",
           object_repr=name, changes={"workbook": "audit_log", "rows": rows,
                                      "filters": {k: v for k, v in request.GET.items() if v}})
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)
