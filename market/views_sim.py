"""Outage simulation pages: the market-wide one (supervisors), the firm's own, and saved simulations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import with_firm_names
from accounts.tenancy import get_for_org_or_404, supervisor_view, view_of
from audit.models import AuditEvent
from audit.recorder import record
from core.concurrency import ConcurrentEditError
from core.filenames import export_filename
from market import rules, services, svg
from market.export import simulation_workbook
from market.forms import SaveForm, SimulationForm
from market.models import SavedSimulation
from vendors.models import OutageEvent


def _run(request, form: SimulationForm, market: bool, full: bool = False) -> dict:
    """``full``: every affected service with its reasons (saving, hence exporting); else the first SHOWN."""
    data = form.cleaned_data
    failed = services.failed_providers(organization=request.organization,
                                       provider_ids=[p.pk for p in data["providers"]],
                                       category=data.get("category", ""), country=data.get("country", ""))
    if market:
        return services.simulate_market(user=request.user, failed=failed, duration_minutes=data["duration_minutes"],
                                        firm_kind=data.get("firm_kind", ""), detail_limit=None if full else SHOWN,
                                        traffic_share_pct=data["traffic_share_pct"])
    return services.simulate_firm(organization=request.organization, failed=failed,
                                  duration_minutes=data["duration_minutes"],
                                  traffic_share_pct=data["traffic_share_pct"])


SHOWN = services.SHOWN


def _results_context(results: dict) -> dict:
    # Firms in the reader's language, also in a simulation someone saved in the other one.
    with_firm_names(results.get("breaching", []), name_key="firm_name")
    with_firm_names(results["services"], name_key="firm_name")
    hit = [s for s in results["services"] if s["outcome"] != "not_affected"]
    timeline = svg.outage_timeline(results["duration_minutes"], hit, title=_("Outage timeline"))
    # The page lists the worst services first and stops at SHOWN; the Excel export has them all.
    total = results.get("services_total", len(results["services"]))
    return {"results": results, "outcome_codes": list(reversed(rules.OUTCOMES)), "timeline": timeline,
            "shown_services": results["services"][:SHOWN], "hidden_services": max(0, total - SHOWN)}


def _page(request, market: bool):
    form = SimulationForm(request.GET or None, organization=request.organization)
    context = {"form": form, "market": market, "save_form": SaveForm(),
               "scenarios": OutageEvent.objects.select_related("provider").order_by("started_at")}
    if form.is_bound and form.is_valid():
        try:
            context.update(_results_context(_run(request, form, market)))
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "market/simulate.html", context)


@supervisor_view
def simulate(request):
    return _page(request, market=True)


@login_required
def my_simulate(request):
    if request.organization is None or getattr(request, "is_supervisor", False):
        raise Http404
    return _page(request, market=False)


@login_required
def save(request):
    if request.method != "POST":
        return redirect("market:simulation_list")
    market = bool(getattr(request, "is_supervisor", False))
    if request.organization is None or not (market or request.can_edit):
        raise PermissionDenied
    form = SimulationForm(request.POST, organization=request.organization)
    save_form = SaveForm(request.POST)
    try:
        if not (form.is_valid() and save_form.is_valid()):
            raise ValidationError("invalid")
        results = _run(request, form, market, full=True)
    except ValidationError:
        messages.error(request, _("The simulation could not be saved: check its fields."))
        return redirect("market:simulate" if market else "market:my_simulate")
    sim = services.save_simulation(
        organization=request.organization, user=request.user, name=save_form.cleaned_data["name"],
        failed=[f["id"] for f in results["failed"]], duration_minutes=results["duration_minutes"], results=results,
        category=form.cleaned_data.get("category", ""), country=(form.cleaned_data.get("country") or "").upper(),
        shared=save_form.cleaned_data["shared"], traffic_share_pct=results["traffic_share_pct"],
    )
    messages.success(request, _("Simulation saved."))
    return redirect("market:simulation_detail", pk=sim.pk)


def _visible(request, pk) -> SavedSimulation:
    # Resolved first: another organisation's, or a colleague's unshared simulation, is a 404 for every method.
    sim = get_for_org_or_404(SavedSimulation, request.organization, pk=pk)
    if not (sim.shared or sim.created_by_id == request.user.pk):
        raise Http404
    return sim


@login_required
def simulation_list(request):
    sims = services.visible_simulations(request.organization, request.user).select_related("created_by")[:200]
    return render(request, "market/simulation_list.html", {"simulations": sims})


@view_of(SavedSimulation)
@login_required
def simulation_detail(request, pk):
    sim = _visible(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "market/simulation_detail.html", {
        "sim": sim, "market": sim.scope == "market", **_results_context(sim.results),
    })


@view_of(SavedSimulation)
@login_required
def simulation_share(request, pk):
    sim = _visible(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.set_shared(simulation=sim, user=request.user, shared=request.POST.get("shared") == "1",
                            expected_version=int(request.POST.get("version") or sim.version))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConcurrentEditError:
        messages.error(request, _("Someone else changed this simulation in the meantime; reload and try again."))
    return redirect("market:simulation_detail", pk=sim.pk)


@view_of(SavedSimulation)
@login_required
def simulation_export(request, pk):
    sim = _visible(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = simulation_workbook(sim)
    record(AuditEvent.Action.EXPORT, obj=sim, actor=request.user, changes={"kind": "market_simulation"})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = export_filename("outage-simulation", sim.organization, f"simulation-{sim.pk}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
