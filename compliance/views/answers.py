"""Saving one answer without reloading the page (htmx).

The response is the re-rendered requirement plus out-of-band swaps of the score box, the section's
progress and the unanswered list. A stale save is refused with 409: the partial then shows what the
other person saved (and who), and keeps this user's own input in the form, so nothing is lost.

A save refused for its input answers 422 with the field errors in place, never 400: with DEBUG on,
django-htmx's debug script replaces the whole document with any 400/403/404/500 response (to show
Django's error page), which turned a missing N/A reason into a page of unstyled text. Without htmx the
same refusal re-renders the whole answering page with the errors at that requirement.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.tenancy import view_of
from compliance import services
from compliance.models import Answer, Assessment, Requirement
from compliance.views.common import answer_form, build_row, can_answer, load_assessment, status_context
from compliance.views.sections import requirement_url
from core.concurrency import ConcurrentEditError
from vendors.views.common import add_errors, allow_methods, firm_page


def load_requirement(assessment: Assessment, pk: int) -> Requirement:
    """A requirement of this assessment's checklist that applies to it, else 404."""
    if pk not in assessment.applicable_requirement_ids():
        raise Http404
    try:
        return Requirement.objects.select_related("section").get(pk=pk, framework_id=assessment.framework_id)
    except Requirement.DoesNotExist as exc:
        raise Http404 from exc


# Unprocessable: the request was understood, its fields were not acceptable (see the module docstring).
INVALID = 422


def render_requirement(request: HttpRequest, assessment: Assessment, row, *, status: int = 200,
                       oob: bool = True) -> HttpResponse:
    """The requirement partial, with the score box, section progress and unanswered list out of band;
    a refused save without htmx gets the whole page instead, so it never shows a bare fragment."""
    if status != 200 and not request.htmx:
        from compliance.views.assessments import render_detail

        return render_detail(request, assessment, replaced=row, status=status)
    section = row.requirement.section
    context = {
        **status_context(request, assessment),
        "row": row,
        "oob": oob,
        "section": section,
        "progress": (assessment.score_details or {}).get("sections", {}).get(section.code, {}),
    }
    return render(request, "compliance/partials/answer_response.html", context, status=status)


@view_of(Assessment)
@firm_page
def answer_save(request: HttpRequest, assessment_pk: int, requirement_pk: int) -> HttpResponse:
    assessment = load_assessment(request, assessment_pk)
    requirement = load_requirement(assessment, requirement_pk)
    if (refused := allow_methods(request, write=True)) is not None:
        return refused
    answer = (
        Answer.objects.for_org(request.organization)
        .filter(assessment=assessment, requirement=requirement)
        .select_related("answered_by")
        .first()
    )
    if request.method != "POST":
        evidence = list(answer.evidence.all()) if answer else []
        return render_requirement(request, assessment, build_row(request, assessment, requirement, answer, evidence),
                                  oob=False)
    if not can_answer(request, assessment):
        raise PermissionDenied
    form = answer_form(requirement, answer, data=request.POST)
    status, conflict, saved = INVALID, None, False
    if form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.save_answer(
                assessment=assessment, requirement=requirement, response=data["response"],
                comment=data["comment"], na_reason=data["na_reason"], expected_version=data["version"],
                user=request.user,
            )
            status, saved = 200, True
        except ValidationError as exc:
            add_errors(form, exc)
        except ConcurrentEditError as exc:
            status, conflict = 409, exc.current
            answer = conflict
            # Keep the user's input; the version moves to the current one, so saving again is a
            # deliberate choice made after seeing the other person's answer.
            bound = form.data.copy()
            bound[form.add_prefix("version")] = str(conflict.version)
            form = answer_form(requirement, conflict, data=bound)
            form.is_valid()
    if saved and not request.htmx:
        return redirect(requirement_url(assessment.pk, requirement.pk))
    if saved:
        form = None  # a fresh form from the saved answer (new version)
    evidence = list(answer.evidence.all()) if answer is not None else []
    row = build_row(request, assessment, requirement, answer, evidence, form=form, conflict=conflict, saved=saved)
    return render_requirement(request, assessment, row, status=status)
