"""Supervisor pages: the review queue and the review of one frozen submission."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rls
from accounts.models import Membership
from accounts.roles import REGULATOR_ROLES
from accounts.tenancy import supervisor_view, view_of
from audit.models import AuditEvent
from audit.recorder import record
from compliance.models import Evidence
from review import presenting, selectors, services, workflow
from review.diff import diff_snapshots
from review.models import Submission

NOTICE_KEY = "review_notice"
INVALID = 422  # refused for its input, shown in place (see compliance.views.answers: never 400 to htmx)


def _errors(exc) -> dict[str, list[str]]:
    """A refusal as field -> sentences ("" for the step as a whole)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {("" if k == "__all__" else k): list(v) for k, v in exc.message_dict.items()}
    if isinstance(exc, ValidationError):
        return {"": list(exc.messages)}
    return {"": [str(exc)]}


def _notice(request, text: str, ref: str = "") -> None:
    """Said where the action happened: beside the requirement (ref) or in the decision panel (""), once."""
    request.session[NOTICE_KEY] = {"ref": ref, "text": str(text)}


@supervisor_view
def queue(request):
    rows = selectors.review_queue(request.user, request.GET)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "review/queue.html",
        {
            "page": page,
            "counts": selectors.queue_counts(request.user),
            "today": timezone.localdate(),
        },
    )


@view_of(Submission)
@supervisor_view
def review_page(request, pk):
    submission = selectors.supervisor_submission(request.user, pk)
    return _render_review(request, submission)


def _comments_by_ref(submission) -> dict[str, list]:
    comments: dict[str, list] = {}
    for c in submission.comments.select_related("author").order_by("id"):
        comments.setdefault(c.requirement_ref, []).append(c)
    return comments


def _render_review(request, submission, *, status: int = 200, errors: dict | None = None,
                   at_ref: str | None = None, posted: dict | None = None):
    """The review page; a refused step (``errors``) is shown where it was taken: at the requirement
    ``at_ref`` or, for the claim, assignment and decision, in the decision panel."""
    document = services.submission_document(submission)
    diff = None
    if submission.previous_id:
        diff = diff_snapshots(services.submission_document(submission.previous), document)
        presenting.labelled_changes(diff.changes)
    lang = (request.LANGUAGE_CODE or "ko")[:2]
    comments = _comments_by_ref(submission)
    arranged = presenting.arrange(document, lang=lang, comments=comments, changed=diff.changed_refs if diff else ())
    supervisors = Membership.objects.regulator_staff().filter(role__in=REGULATOR_ROLES).select_related("user")
    notice = request.session.pop(NOTICE_KEY, None) if status == 200 else None
    return render(
        request,
        "review/review.html",
        {
            "submission": submission,
            "doc": document,
            **arranged,
            "general_comments": comments.get("", []),
            "diff": diff,
            "hash_ok": submission.hash_verifies(),
            "actions": workflow.allowed_actions(submission.assessment.status, request.role),
            "supervisors": supervisors,
            "is_reviewer": request.is_lead_supervisor or submission.assignee_id == request.user.pk,
            "can_comment": submission.assessment.status == "in_review",
            "notice": notice,
            "errors": errors if at_ref is None else None,
            "item_errors": errors if at_ref is not None else None,
            "at_ref": at_ref,
            "posted": posted or {},
        },
        status=status,
    )


def _act(request, pk, step, done: str):
    """Claim, assign, decide: on success back to the page with ``done`` in the decision panel; refused, the
    page again with the reason there and what was typed kept."""
    submission = selectors.supervisor_submission(request.user, pk)
    try:
        step(submission)
    except (workflow.TransitionRefused, ValidationError) as exc:
        submission = selectors.supervisor_submission(request.user, pk)
        return _render_review(request, submission, status=INVALID, errors=_errors(exc), posted=request.POST)
    _notice(request, done)
    return redirect(reverse("review:review_page", args=[submission.pk]) + "#decision")


@view_of(Submission)
@supervisor_view
@require_POST
def claim(request, pk):
    return _act(request, pk, lambda s: services.claim(submission=s, actor=request.user, role=request.role),
                _("You claimed this review: comment on the requirements, then decide."))


@view_of(Submission)
@supervisor_view
@require_POST
def assign(request, pk):
    def step(s):
        assignee = Membership.objects.regulator_staff().filter(user_id=request.POST.get("assignee")).first()
        if assignee is None:
            raise ValidationError({"assignee": _("Choose a supervisor.")})
        services.assign(submission=s, assignee=assignee.user, actor=request.user, role=request.role)

    return _act(request, pk, step, _("Review assigned; the supervisor was notified."))


@view_of(Submission)
@supervisor_view
@require_POST
def comment(request, pk):
    """One requirement's comment: htmx swaps that requirement with the comment added (or the reason it was
    refused, in its comment box); without htmx the page comes back at that requirement."""
    submission = selectors.supervisor_submission(request.user, pk)
    ref = request.POST.get("requirement_ref", "")
    try:
        services.comment(submission=submission, actor=request.user, role=request.role,
                         body=request.POST.get("body", ""), requirement_ref=ref)
    except (workflow.TransitionRefused, ValidationError) as exc:
        submission = selectors.supervisor_submission(request.user, pk)
        if request.htmx and ref:
            return _render_item(request, submission, ref, status=INVALID, errors=_errors(exc), posted=request.POST)
        return _render_review(request, submission, status=INVALID, errors=_errors(exc), at_ref=ref,
                              posted=request.POST)
    done = _("Comment added; the firm sees it beside the requirement once you decide.")
    if request.htmx and ref:
        return _render_item(request, submission, ref, notice=done)
    _notice(request, done, ref)
    return redirect(reverse("review:review_page", args=[submission.pk]) + (f"#req-{ref}" if ref else "#decision"))


def _render_item(request, submission, ref: str, *, status: int = 200, errors=None, posted=None, notice=""):
    document = services.submission_document(submission)
    lang = (request.LANGUAGE_CODE or "ko")[:2]
    changed = ()
    if submission.previous_id:
        changed = diff_snapshots(services.submission_document(submission.previous), document).changed_refs
    arranged = presenting.arrange(document, lang=lang, comments=_comments_by_ref(submission), changed=changed)
    items = arranged["attention"] + [i for group in arranged["sections"] for i in group.items]
    item = next((i for i in items if i.ref == ref), None)
    if item is None:
        raise Http404
    return render(request, "review/partials/review_item.html", {
        "submission": submission, "item": item, "can_comment": submission.assessment.status == "in_review",
        "item_errors": errors, "at_ref": ref if errors else None, "posted": posted or {},
        "notice": {"ref": ref, "text": notice} if notice else None,
    }, status=status)


@view_of(Submission)
@supervisor_view
@require_POST
def decide(request, pk):
    decision = request.POST.get("decision", "")
    done = (_("Accepted: the assessment is final and the firm was notified.") if decision == "accept"
            else _("Returned to the firm with your reason and comments; it was notified and can resubmit."))
    return _act(
        request,
        pk,
        lambda s: services.decide(
            submission=s,
            actor=request.user,
            role=request.role,
            decision=decision,
            reason=request.POST.get("reason", ""),
        ),
        done,
    )


@view_of(Submission)
@supervisor_view
def evidence_download(request, pk):
    """A file named in the snapshot, served only if its bytes still hash to what was submitted."""
    submission = selectors.supervisor_submission(request.user, pk)
    wanted = request.GET.get("sha256", "")
    if not wanted:
        return HttpResponseBadRequest(_("Which file? Give its sha256."))
    named = {
        e["id"]: e
        for item in services.submission_document(submission)["assessment"]["requirements"]
        for e in item["evidence"]
        if e["sha256"] == wanted
    }
    evidence = (
        Evidence.objects.across_firms(request.user)
        .filter(organization=submission.organization, pk__in=list(named))
        .first()
    )
    if evidence is None:
        raise Http404
    evidence.file.open("rb")
    data = evidence.file.read()
    evidence.file.close()
    if Submission.hash_of_bytes(data) != wanted:
        _notice(request, _("The stored file no longer matches the submitted hash."))
        return redirect("review:review_page", pk=submission.pk)
    # The firm's own log records that the supervisor took its file.
    with rls.on_behalf_of(submission.organization):
        record(AuditEvent.Action.DOWNLOAD, obj=evidence, organization=submission.organization)
    from io import BytesIO

    return FileResponse(BytesIO(data), as_attachment=True, filename=evidence.original_name)
