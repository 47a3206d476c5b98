"""Supervisors' pages: status feeds, detected outages, the live impact board and the after-event report.

Every page is a supervisor page (404 for anyone else); the steps that change an outage or a feed are
the lead supervisor's (403 for other supervisors).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.tenancy import supervisor_view, view_of
from audit.models import AuditEvent
from audit.recorder import record
from market.labels import FLAG_LABELS, OUTCOME_LABELS, REASON_LABELS, VIA_LABELS
from outages import export, rules, selectors, services
from outages.forms import FeedForm, OutageEditForm, ResolveForm
from outages.models import LiveOutage, OutageStatus, StatusFeed
from reports.workbooks.labels import choice_labels
from vendors import reporting
from vendors.choices import Strategy, TestResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINDINGS = {**FLAG_LABELS, "no_failover": _("declared tested failover, but no failover was reported")}


def _outage(pk) -> LiveOutage:
    try:
        return LiveOutage.objects.select_related("provider", "feed", "confirmed_by").get(pk=pk)
    except (LiveOutage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _lead_post(request) -> None:
    if request.method != "POST":
        raise _NotAllowed
    if not request.is_lead_supervisor:
        raise PermissionDenied


class _NotAllowed(Exception):
    pass


def _lead_step(view):
    """A lead supervisor's POST on one outage: 405 for other methods, 403 for other supervisors."""
    from functools import wraps

    @wraps(view)
    def step(request, pk):
        outage = _outage(pk)
        try:
            _lead_post(request)
        except _NotAllowed:
            return HttpResponseNotAllowed(["POST"])
        try:
            view(request, outage)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("outages:outage_detail", pk=outage.pk)

    return step


@supervisor_view
def outage_list(request):
    outages = LiveOutage.objects.select_related("provider").order_by("-detected_at")[:200]
    feeds = StatusFeed.objects.select_related("provider").exclude(health="ok").filter(enabled=True)
    return render(request, "outages/outage_list.html", {"outages": outages, "failing_feeds": feeds})


def _board_context(request, outage: LiveOutage) -> dict:
    entries = selectors.board_entries(request.user, outage)
    return {"outage": outage, "entries": entries, "summary": selectors.summary(entries),
            "outcome_labels": OUTCOME_LABELS, "reason_labels": REASON_LABELS, "via_labels": VIA_LABELS,
            "verified": reporting.VERIFIED, "live": outage.is_open,
            "refresh_seconds": settings.OUTAGE_BOARD_REFRESH_SECONDS, **_labels()}


def _labels() -> dict:
    return {"strategy_labels": choice_labels(Strategy), "result_labels": choice_labels(TestResult)}


@view_of(LiveOutage)
@supervisor_view
def outage_detail(request, pk):
    outage = _outage(pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "outages/outage_detail.html", {
        **_board_context(request, outage), "edit_form": OutageEditForm.for_outage(outage),
        "resolve_form": ResolveForm(), "can_decide": request.is_lead_supervisor,
    })


@view_of(LiveOutage)
@supervisor_view
def outage_board(request, pk):
    """The board alone: what htmx fetches every few seconds while the outage is open."""
    outage = _outage(pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "outages/_board.html", _board_context(request, outage))


@view_of(LiveOutage)
@supervisor_view
def outage_board_export(request, pk):
    outage = _outage(pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = export.board_workbook(outage, selectors.board_entries(request.user, outage))
    record(AuditEvent.Action.EXPORT, obj=outage, actor=request.user, changes={"kind": "outage_board"})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="outage-{outage.pk}-board.xlsx"'
    return response


@view_of(LiveOutage)
@supervisor_view
@_lead_step
def outage_confirm(request, outage):
    services.confirm(outage=outage, user=request.user)
    messages.success(request, _("Outage confirmed: the affected firms are being notified."))


@view_of(LiveOutage)
@supervisor_view
@_lead_step
def outage_dismiss(request, outage):
    services.dismiss(outage=outage, user=request.user)
    messages.success(request, _("Outage dismissed."))


@view_of(LiveOutage)
@supervisor_view
@_lead_step
def outage_edit(request, outage):
    form = OutageEditForm(request.POST)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                               for f, e in form.errors.items()])
    services.edit(outage=outage, user=request.user, **form.cleaned_data)
    messages.success(request, _("Outage updated."))


@view_of(LiveOutage)
@supervisor_view
@_lead_step
def outage_resolve(request, outage):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Give a valid end time."))
    services.resolve(outage=outage, user=request.user, ended_at=form.cleaned_data.get("ended_at"))
    messages.success(request, _("Outage resolved."))


def _report_rows(request, outage: LiveOutage) -> list[rules.DeclaredVsActual]:
    entries = selectors.board_entries(request.user, outage)
    return rules.declared_vs_actual(entries, started_at=outage.started_at, ended_at=outage.ended_at)


@view_of(LiveOutage)
@supervisor_view
def outage_report(request, pk):
    """After the event: each firm's declared strategy and tested switch-over against the failover achieved."""
    outage = _outage(pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if outage.status != OutageStatus.RESOLVED:
        return render(request, "outages/report.html", {"outage": outage, "rows": None})
    rows = _report_rows(request, outage)
    if request.GET.get("format") == "xlsx":
        record(AuditEvent.Action.EXPORT, obj=outage, actor=request.user, changes={"kind": "outage_report"})
        response = HttpResponse(export.report_workbook(outage, rows, FINDINGS), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="outage-{outage.pk}-report.xlsx"'
        return response
    return render(request, "outages/report.html", {"outage": outage, "rows": rows, "findings": FINDINGS, **_labels()})


@supervisor_view
def feed_list(request):
    feeds = StatusFeed.objects.select_related("provider").prefetch_related("components")
    return render(request, "outages/feed_list.html", {"feeds": feeds, "can_edit": request.is_lead_supervisor})


def _feed_form(request, feed: StatusFeed | None):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.is_lead_supervisor:
        raise PermissionDenied
    form = FeedForm(request.POST or None, instance=feed)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Status feed saved."))
        return redirect("outages:feed_list")
    return render(request, "outages/feed_form.html", {"form": form, "feed": feed})


@supervisor_view
def feed_create(request):
    return _feed_form(request, None)


@view_of(StatusFeed)
@supervisor_view
def feed_edit(request, pk):
    try:
        feed = StatusFeed.objects.get(pk=pk)
    except (StatusFeed.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return _feed_form(request, feed)


@view_of(StatusFeed)
@supervisor_view
def feed_poll(request, pk):
    """A lead polls a feed now (beat does it every OUTAGE_FEED_POLL_SECONDS)."""
    try:
        feed = StatusFeed.objects.select_related("provider").get(pk=pk)
    except (StatusFeed.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.is_lead_supervisor:
        raise PermissionDenied
    outcome = services.poll_feed(feed)
    if outcome == "failed":
        messages.error(request, _("The feed did not answer usably: %(error)s") % {"error": feed.last_error})
    else:
        messages.success(request, _("Feed polled."))
    return redirect("outages:feed_list")
