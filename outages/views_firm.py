"""A firm's side of a live outage: what the supervisor told it, its incident, its failover."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.tenancy import get_for_org_or_404, view_of
from core.concurrency import ConcurrentEditError
from outages import services
from outages.forms import MarkForm
from outages.models import OutageResponse


@login_required
def my_responses(request):
    responses = (OutageResponse.objects.for_org(request.organization)
                 .select_related("outage__provider", "incident").order_by("-created_at")[:200])
    return render(request, "outages/my_responses.html", {"responses": responses})


def _response(request, pk) -> OutageResponse:
    return get_for_org_or_404(OutageResponse, request.organization, pk=pk)


@view_of(OutageResponse)
@login_required
def my_response(request, pk):
    response = _response(request, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = MarkForm(request.POST or None, initial={"version": response.version, "state": response.state,
                                                   "notes": response.notes})
    if request.method == "POST":
        if not request.can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.mark(response=response, user=request.user, state=data["state"], at=data["at"],
                              notes=data["notes"], expected_version=data["version"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except ConcurrentEditError:
                form.add_error(None, _("Someone else changed this answer in the meantime; reload and try again."))
            else:
                messages.success(request, _("The supervisor sees your answer now."))
                return redirect("outages:my_response", pk=response.pk)
    return render(request, "outages/my_response.html", {"response": response, "form": form})


@view_of(OutageResponse)
@login_required
def my_response_incident(request, pk):
    response = _response(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.can_edit:
        raise PermissionDenied
    try:
        incident = services.open_incident(response=response, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("outages:my_response", pk=response.pk)
    return redirect("vendors:incident_detail", pk=incident.pk)
