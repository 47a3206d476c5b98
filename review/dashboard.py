"""Dashboard panels: the supervisor's queue at a glance; the firm's open reviews."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core import dashboard
from review import selectors
from review.models import Notification, Submission


def _queue_panels(request) -> list[dict]:
    counts = selectors.queue_counts(request.user)
    overdue = list(selectors.review_queue(request.user, {"overdue": "1"}).order_by("review_deadline")[:10])
    waiting = list(selectors.review_queue(request.user, {"status": "submitted"})[:10])
    return [
        {
            "key": "review-overdue",
            "title": _("Reviews past their deadline"),
            "count": counts["overdue"],
            "tone": "bad" if counts["overdue"] else "ok",
            "empty": _("No review is overdue."),
            "rows": [
                {
                    "label": f"{s.organization} · {s.framework_label} #{s.number}",
                    "url": reverse("review:review_page", kwargs={"pk": s.pk}),
                    "detail": _("due %(d)s") % {"d": s.review_deadline.isoformat()},
                }
                for s in overdue
            ],
        },
        {
            "key": "review-waiting",
            "title": _("Submitted, not yet claimed"),
            "count": counts["submitted"],
            "tone": "warn" if counts["submitted"] else "ok",
            "empty": _("Nothing waits to be claimed."),
            "rows": [
                {
                    "label": f"{s.organization} · {s.framework_label} #{s.number}",
                    "url": reverse("review:review_page", kwargs={"pk": s.pk}),
                    "detail": _("%(n)s critical gaps") % {"n": s.critical_gaps},
                }
                for s in waiting
            ],
        },
    ]


def _firm_panels(request) -> list[dict]:
    org = request.organization
    open_reviews = list(
        Submission.objects.for_org(org)
        .filter(decision="pending")
        .select_related("assessment")
        .order_by("-submitted_at")[:10]
    )
    unread = Notification.objects.for_org(org).filter(recipient=request.user, read_at__isnull=True).count()
    return [
        {
            "key": "reviews",
            "title": _("With the supervisor"),
            "count": len(open_reviews),
            "tone": "warn" if unread else "ok",
            "empty": _("No submission is waiting for the supervisor."),
            "rows": [
                {
                    "label": f"{s.assessment} #{s.number}",
                    "url": reverse("review:assessment_review", kwargs={"assessment_pk": s.assessment_id}),
                    "detail": s.assessment.get_status_display(),
                }
                for s in open_reviews
            ]
            + (
                [{"label": _("%(n)s unread notifications") % {"n": unread}, "url": reverse("review:notifications")}]
                if unread
                else []
            ),
        }
    ]


@dashboard.register
def review_panels(request) -> list[dict]:
    if getattr(request, "is_supervisor", False):
        return _queue_panels(request)
    if request.organization is None:
        return []
    return _firm_panels(request)
