"""The answering page's sections: which render with the page, and the view that renders one on demand (issue 16).

The demo's 80-requirement assessment rendered whole was about 144 KB and most of its time was template work,
so the page renders at once only the sections where the user has something to do next or was sent to: for an
officer who can answer, the FIRST section with an unanswered requirement (rendering every such section made an
officer's fresh draft nearly the whole checklist, 278 KB with the answer forms); the section of a refused save;
and the sections named by ``?req=<requirement pk>`` (links from findings, the submission page, "what is new", the
unanswered list) or ``?section=<pk>`` (the no-script link of a placeholder). If that leaves none (a viewer, or
everything answered), the first section. Every other section is a placeholder, with its number of unanswered
requirements so the officer sees where work is, that htmx replaces with the section view when it scrolls into view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.tenancy import view_of
from compliance.models import Answer, Assessment, Requirement, Section
from compliance.views.common import Row, build_row, can_answer, load_assessment
from vendors.views.common import allow_methods, firm_page


@dataclass
class Block:
    """One section of the answering page: its rows when rendered, or a placeholder (``lazy``)."""

    section: Section
    count: int
    progress: dict[str, Any]
    unanswered: int = 0
    lazy: bool = False
    rows: list[Row] = field(default_factory=list)


def eager_sections(sections: list[int], *, must_act: set[int], targets: set[int]) -> set[int]:
    """The sections rendered with the page: the first one to act on and those sent to, else the first one."""
    eager = set(targets) & set(sections)
    eager |= next(({s} for s in sections if s in must_act), set())
    if not eager and sections:
        eager = {sections[0]}
    return eager


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _answers(request: HttpRequest, assessment: Assessment, requirement_ids: list[int] | None = None) -> dict:
    qs = Answer.objects.for_org(request.organization).filter(assessment=assessment).select_related("answered_by")
    if requirement_ids is not None:
        qs = qs.filter(requirement_id__in=requirement_ids)
    return {a.requirement_id: a for a in qs}


def _rows(request: HttpRequest, assessment: Assessment, requirements: list[Requirement], answers: dict,
          replaced: Row | None = None) -> list[Row]:
    # One evidence query for the rendered answers only.
    prefetch_related_objects([answers[r.pk] for r in requirements if r.pk in answers], "evidence")
    rows = []
    for req in requirements:
        if replaced is not None and replaced.requirement.pk == req.pk:
            rows.append(replaced)
            continue
        answer = answers.get(req.pk)
        evidence = list(answer.evidence.all()) if answer is not None else []
        rows.append(build_row(request, assessment, req, answer, evidence))
    return rows


def page_blocks(request: HttpRequest, assessment: Assessment, *, replaced: Row | None = None) -> list[Block]:
    """The page's sections in order, each with applicable requirements; lazy ones without rows."""
    sections = list(Section.objects.filter(framework_id=assessment.framework_id).order_by("order"))
    requirements = list(Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids()).order_by("order"))
    answers = _answers(request, assessment)
    by_section: dict[int, list[Requirement]] = {}
    for req in requirements:
        by_section.setdefault(req.section_id, []).append(req)
    wanted = _ids(request.GET.getlist("req"))
    targets = {r.section_id for r in requirements if r.pk in wanted} | _ids(request.GET.getlist("section"))
    if replaced is not None:
        targets.add(replaced.requirement.section_id)
    must_act = {r.section_id for r in requirements if r.pk not in answers} if can_answer(request, assessment) else set()
    shown = [s for s in sections if by_section.get(s.pk)]
    eager = eager_sections([s.pk for s in shown], must_act=must_act, targets=targets)
    # Rows of all rendered sections at once, so the evidence is one query for the page.
    rendered = [r for s in shown if s.pk in eager for r in by_section[s.pk]]
    rows = {row.requirement.pk: row for row in _rows(request, assessment, rendered, answers, replaced)}
    progress = (assessment.score_details or {}).get("sections", {})
    return [
        Block(section=s, count=len(by_section[s.pk]), progress=progress.get(s.code, {}), lazy=s.pk not in eager,
              unanswered=sum(r.pk not in answers for r in by_section[s.pk]),
              rows=[rows[r.pk] for r in by_section[s.pk]] if s.pk in eager else [])
        for s in shown
    ]


def requirement_url(assessment_pk: int, requirement_pk: int) -> str:
    """The answering page with this requirement's section rendered, scrolled to the requirement."""
    detail = reverse("compliance:assessment_detail", args=[assessment_pk])
    return f"{detail}?req={requirement_pk}#req-{requirement_pk}"


@view_of(Assessment)
@firm_page
def assessment_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """One section's requirements, as the answering page renders them (htmx, when its placeholder is revealed)."""
    assessment = load_assessment(request, pk)
    if (refused := allow_methods(request, write=False)) is not None:
        return refused
    section = Section.objects.filter(pk=section_pk, framework_id=assessment.framework_id).first()
    requirements = list(
        Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids(), section_id=section_pk)
        .order_by("order")
    ) if section is not None else []
    if not requirements:
        raise Http404  # not this checklist's section, or nothing of it applies: the page does not show it
    if not request.htmx:
        # Never a bare fragment: without script the page itself renders the section.
        detail = reverse("compliance:assessment_detail", args=[assessment.pk])
        return redirect(f"{detail}?section={section.pk}#section-{section.code}")
    answers = _answers(request, assessment, [r.pk for r in requirements])
    block = Block(section=section, count=len(requirements),
                  progress=(assessment.score_details or {}).get("sections", {}).get(section.code, {}),
                  rows=_rows(request, assessment, requirements, answers))
    return render(request, "compliance/partials/section.html", {"assessment": assessment, "block": block})
