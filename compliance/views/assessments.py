"""Assessment pages: the list, creating one, editing its header, the answering page, and starting
it again on a newer version of its checklist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.tenancy import get_for_org_or_404, view_of
from compliance import selectors, services, upgrades
from compliance.choices import AssessmentStatus, Rating, Scope
from compliance.forms import AssessmentForm
from compliance.models import Assessment, Framework
from compliance.views import sections
from compliance.views.common import can_answer, load_assessment, status_context
from vendors.views.common import Filter, ListSpec, allow_methods, firm_page, form_page, list_context, require_editor

WORKFLOW_TEMPLATE = "review/partials/assessment_actions.html"
SORTS = {
    "title": (_l("Title"), "title"),
    "framework": (_l("Checklist"), "framework__code"),
    "status": (_l("Status"), "status"),
    "score": (_l("Score"), "score"),
    "rating": (_l("Rating"), "rating"),
    "period": (_l("Period end"), "period_end"),
    "due": (_l("Due date"), "due_date"),
}


@firm_page
def assessment_list(request: HttpRequest) -> HttpResponse:
    frameworks = [(str(f.pk), str(f)) for f in Framework.objects.filter(published_at__isnull=False)]
    spec = ListSpec(search=("title", "vendor__name"), sorts=SORTS, default_sort="-period", filters=[
        Filter("status", _l("Status"), "status", list(AssessmentStatus.choices)),
        Filter("framework", _l("Checklist"), "framework", frameworks),
        Filter("scope", _l("Scope"), "scope", list(Scope.choices)),
        Filter("rating", _l("Rating"), "rating", list(Rating.choices)),
    ])
    qs = Assessment.objects.for_org(request.organization).select_related("framework", "vendor", "owner")
    return render(request, "compliance/assessment_list.html", list_context(request, qs, spec))


@firm_page
def assessment_create(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = AssessmentForm(request.POST or None, organization=request.organization)
    return form_page(
        request, form=form, template="compliance/assessment_form.html", context={},
        save=lambda data, _v: services.create_assessment(organization=request.organization, **data),
        success=lambda a: reverse("compliance:assessment_detail", args=[a.pk]),
        done_message=_("Assessment created."),
    )


@view_of(Assessment)
@firm_page
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_org_or_404(Assessment, request.organization, pk=pk)
    if (refused := require_editor(request)) is not None:
        return refused
    if not can_answer(request, assessment):
        raise PermissionDenied  # submitted or accepted: the firm no longer holds it
    form = AssessmentForm(request.POST or None, instance=assessment, organization=request.organization)
    return form_page(
        request, form=form, template="compliance/assessment_form.html", context={"assessment": assessment},
        save=lambda data, version: services.update_assessment(assessment=assessment, version=version, data=data),
        success=lambda a: reverse("compliance:assessment_detail", args=[a.pk]),
        done_message=_("Assessment saved."),
    )


@view_of(Assessment)
@firm_page
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The answering page: every section with its applicable requirements, each with its own form (some sections
    load when scrolled to, see compliance/views/sections.py)."""
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    return render_detail(request, assessment)


def render_detail(request: HttpRequest, assessment: Assessment, *, replaced=None, status: int = 200) -> HttpResponse:
    """The answering page; ``replaced`` is one requirement's row as a refused save left it (its field errors and
    the user's input), shown in place of the stored one when the save came without htmx. Which sections render
    with the page and which load when revealed: compliance/views/sections.py."""
    blocks = sections.page_blocks(request, assessment, replaced=replaced)
    newer = selectors.newer_framework(assessment.framework)
    return render(request, "compliance/assessment_detail.html", {
        **status_context(request, assessment),
        "blocks": blocks,
        "can_edit_header": can_answer(request, assessment),
        "can_answer": can_answer(request, assessment),
        "workflow_template": workflow_template(),
        "newer_framework": newer,
        "open_on_newer": upgrades.open_assessment_on(assessment, newer) if newer is not None else None,
        "what_is_new": upgrades.what_is_new(assessment),
    }, status=status)


@view_of(Assessment)
@firm_page
def assessment_upgrade(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a draft on the newest version of this checklist with the answers that still hold (POST)."""
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=True)) is not None:
        return refused
    if request.method != "POST":
        return redirect("compliance:assessment_detail", pk=assessment.pk)
    newer = selectors.newer_framework(assessment.framework)
    try:
        if newer is None:
            raise upgrades.no_newer_version(assessment.framework)
        new = upgrades.upgrade_assessment(assessment=assessment, to_framework=newer, by=request.user)
    except upgrades.UpgradeRefused as exc:
        messages.error(request, str(exc))
        return redirect("compliance:assessment_detail", pk=assessment.pk)
    messages.success(request, _("Started on version %(version)s: the answers that still hold were carried over.")
                     % {"version": newer.version})
    return redirect("compliance:assessment_detail", pk=new.pk)


def workflow_template() -> str | None:
    """The review app's actions (submit, supervisor comments) for this page, once that app provides them."""
    try:
        get_template(WORKFLOW_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return WORKFLOW_TEMPLATE

