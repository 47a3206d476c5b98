"""Review information shown inside the compliance pages (the answering page of an assessment)."""

from django import template

from compliance.scoring import describe
from review import workflow
from review.models import ReviewComment, Submission

register = template.Library()


@register.inclusion_tag("review/partials/workflow_box.html", takes_context=True)
def review_actions(context, assessment):
    request = context["request"]
    latest = Submission.objects.for_org(request.organization).filter(assessment=assessment).order_by("-number").first()
    return {
        "request": request,
        "assessment": assessment,
        "latest": latest,
        "actions": workflow.allowed_actions(assessment.status, request.role),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def supervisor_comments(context, assessment, ref):
    """The supervisor's comments on one requirement, across submissions (one query per page).

    Kept on the request, not in the render context: each requirement is its own included template, and
    Django gives every template render a fresh render context, which made this one query per requirement."""
    request = context["request"]
    cache = request.__dict__.setdefault("_supervisor_comments", {})
    if assessment.pk not in cache:
        by_ref: dict[str, list] = {}
        rows = ReviewComment.objects.for_org(request.organization).filter(submission__assessment=assessment)
        for c in rows.select_related("author", "submission").order_by("submission__number", "id"):
            by_ref.setdefault(c.requirement_ref, []).append(c)
        cache[assessment.pk] = by_ref
    return cache[assessment.pk].get(ref, [])


@register.filter
def rating_reason(reason) -> str:
    """A snapshot's stored rating reason ({"code": "band", …}) in the reader's language."""
    return describe(reason) if isinstance(reason, dict) else str(reason)
