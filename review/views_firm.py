"""The firm's side of review: submit, withdraw, read the supervisor's comments, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.tenancy import get_for_org_or_404, view_of
from compliance.models import Assessment
from review import services, workflow
from review.diff import diff_snapshots
from review.models import Notification, ReviewComment, Submission


@view_of(Assessment)
@login_required
def assessment_review(request, assessment_pk):
    assessment = get_for_org_or_404(Assessment, request.organization, pk=assessment_pk)
    submissions = list(
        Submission.objects.for_org(request.organization)
        .filter(assessment=assessment)
        .select_related("submitted_by", "decided_by")
        .order_by("-number")
    )
    comments = (
        ReviewComment.objects.for_org(request.organization)
        .filter(submission__assessment=assessment)
        .select_related("author", "submission")
        .order_by("submission__number", "id")
    )
    diff = None
    if len(submissions) >= 2:
        diff = diff_snapshots(
            services.submission_document(submissions[1]), services.submission_document(submissions[0])
        )
    blockers = services.submission_blockers(assessment) if assessment.status in workflow.EDITABLE_STATES else []
    return render(
        request,
        "review/firm_assessment.html",
        {
            "assessment": assessment,
            "submissions": submissions,
            "comments": comments,
            "blockers": blockers,
            "diff": diff,
            "actions": workflow.allowed_actions(assessment.status, request.role),
        },
    )


def _step(request, assessment_pk, action):
    assessment = get_for_org_or_404(Assessment, request.organization, pk=assessment_pk)
    if request.method != "POST":  # after the lookup: another firm's assessment is a 404 for every method
        return HttpResponseNotAllowed(["POST"])
    try:
        if action == "submit":
            submission = services.submit(assessment=assessment, actor=request.user, role=request.role)
            messages.success(request, _("Submitted. Snapshot SHA-256: %(h)s") % {"h": submission.snapshot_sha256})
        else:
            services.withdraw(assessment=assessment, actor=request.user, role=request.role)
            messages.success(request, _("Submission withdrawn; you can edit and submit again."))
    except services.SubmissionProblems:
        # The page lists each blocker once, with a link to its requirement: the message only says so.
        messages.error(request, _("Not submitted: first resolve what is listed under “Before you can submit”."))
    except workflow.TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("review:assessment_review", assessment_pk=assessment.pk)


@view_of(Assessment)
@login_required
def submit(request, assessment_pk):
    return _step(request, assessment_pk, "submit")


@view_of(Assessment)
@login_required
def withdraw(request, assessment_pk):
    return _step(request, assessment_pk, "withdraw")


@login_required
def notification_list(request):
    notes = Notification.objects.for_org(request.organization).filter(recipient=request.user)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "review/notifications.html", {"page": page})


@view_of(Notification)
@login_required
def notification_read(request, pk):
    note = get_for_org_or_404(Notification, request.organization, pk=pk, recipient=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    note.read_at = note.read_at or timezone.now()
    note.save(update_fields=["read_at", "updated_at"])
    return redirect(note.url or "review:notifications")
