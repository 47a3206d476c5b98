"""Reads for the review queue and review pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from review.models import Submission

QUEUE_STATES = ("submitted", "in_review", "changes_requested", "accepted")
SORTS = {
    "deadline": "review_deadline",
    "-deadline": "-review_deadline",
    "submitted": "submitted_at",
    "-submitted": "-submitted_at",
    "firm": "organization__name",
    "rating": "rating",
    "-gaps": "-critical_gaps",
    "score": "score",
}


def review_queue(supervisor: User, params) -> QuerySet[Submission]:
    """Every firm's submissions (never drafts: a draft has no submission), newest state per assessment."""
    qs = (
        Submission.objects.across_firms(supervisor)
        .exclude(decision="withdrawn")
        .select_related("organization", "assessment", "assignee")
    )
    # Only the current submission of each assessment is work; earlier ones are history on the review page.
    qs = qs.filter(pk__in=_latest_per_assessment(supervisor))
    if params.get("status"):
        qs = qs.filter(assessment__status=params["status"])
    if params.get("kind"):
        qs = qs.filter(firm_kind=params["kind"])
    if params.get("assignee") == "me":
        qs = qs.filter(assignee=supervisor)
    elif params.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    if params.get("overdue"):
        qs = qs.filter(review_deadline__lt=timezone.localdate(), assessment__status__in=["submitted", "in_review"])
    if params.get("q"):
        qs = qs.filter(Q(organization__name__icontains=params["q"]) | Q(organization__name_ko__icontains=params["q"]))
    # Knock-out failures first by default: the queue's most urgent rows on top.
    return qs.order_by(SORTS.get(params.get("sort", ""), "-critical_gaps"), "review_deadline", "id")


def _latest_per_assessment(supervisor: User):
    from django.db.models import Max

    latest = Submission.objects.across_firms(supervisor).values("assessment").annotate(last=Max("id")).values("last")
    return latest


def queue_counts(supervisor: User) -> dict[str, int]:
    rows = (
        Submission.objects.across_firms(supervisor)
        .filter(pk__in=_latest_per_assessment(supervisor))
        .exclude(decision="withdrawn")
        .aggregate(
            submitted=Count("id", filter=Q(assessment__status="submitted")),
            in_review=Count("id", filter=Q(assessment__status="in_review")),
            changes_requested=Count("id", filter=Q(assessment__status="changes_requested")),
            accepted=Count("id", filter=Q(assessment__status="accepted")),
            overdue=Count(
                "id",
                filter=Q(review_deadline__lt=timezone.localdate(), assessment__status__in=["submitted", "in_review"]),
            ),
        )
    )
    return rows


def supervisor_submission(supervisor: User, pk) -> Submission:
    from django.http import Http404

    try:
        return (
            Submission.objects.across_firms(supervisor)
            .select_related("organization", "assessment", "assignee", "previous", "submitted_by", "decided_by")
            .get(pk=pk)
        )
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
