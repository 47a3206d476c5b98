"""Supervisor pages: the review queue and the review of one frozen submission."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
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
from review import selectors, services, workflow
from review.diff import diff_snapshots
from review.models import Submission


def _refused(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for msgs in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for m in msgs:
                messages.error(request, m)
    else:
        messages.error(request, str(exc))


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
    document = services.submission_document(submission)
    comments: dict[str, list] = {}
    for c in submission.comments.select_related("author"):
        comments.setdefault(c.requirement_ref, []).append(c)
    diff = None
    if submission.previous_id:
        diff = diff_snapshots(services.submission_document(submission.previous), document)
    supervisors = Membership.objects.regulator_staff().filter(role__in=REGULATOR_ROLES).select_related("user")
    lang = (request.LANGUAGE_CODE or "ko")[:2]
    items = [
        {
            **item,
            "text_l": item["text"].get(lang, item["text"]["en"]),
            "comments": comments.get(item["ref"], []),
            "changed": bool(diff and item["ref"] in diff.changed_refs),
        }
        for item in document["assessment"]["requirements"]
    ]
    return render(
        request,
        "review/review.html",
        {
            "submission": submission,
            "doc": document,
            "items": items,
            "general_comments": comments.get("", []),
            "diff": diff,
            "hash_ok": submission.hash_verifies(),
            "actions": workflow.allowed_actions(submission.assessment.status, request.role),
            "supervisors": supervisors,
            "is_reviewer": request.is_lead_supervisor or submission.assignee_id == request.user.pk,
        },
    )


def _act(request, pk, step):
    submission = selectors.supervisor_submission(request.user, pk)
    try:
        step(submission)
    except (workflow.TransitionRefused, ValidationError) as exc:
        _refused(request, exc)
    return redirect("review:review_page", pk=submission.pk)


@view_of(Submission)
@supervisor_view
@require_POST
def claim(request, pk):
    return _act(request, pk, lambda s: services.claim(submission=s, actor=request.user, role=request.role))


@view_of(Submission)
@supervisor_view
@require_POST
def assign(request, pk):
    def step(s):
        assignee = Membership.objects.regulator_staff().filter(user_id=request.POST.get("assignee")).first()
        if assignee is None:
            raise ValidationError({"assignee": _("Choose a supervisor.")})
        services.assign(submission=s, assignee=assignee.user, actor=request.user, role=request.role)

    return _act(request, pk, step)


@view_of(Submission)
@supervisor_view
@require_POST
def comment(request, pk):
    return _act(
        request,
        pk,
        lambda s: services.comment(
            submission=s,
            actor=request.user,
            role=request.role,
            body=request.POST.get("body", ""),
            requirement_ref=request.POST.get("requirement_ref", ""),
        ),
    )


@view_of(Submission)
@supervisor_view
@require_POST
def decide(request, pk):
    return _act(
        request,
        pk,
        lambda s: services.decide(
            submission=s,
            actor=request.user,
            role=request.role,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        ),
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
        from django.http import Http404

        raise Http404
    evidence.file.open("rb")
    data = evidence.file.read()
    evidence.file.close()
    if Submission.hash_of_bytes(data) != wanted:
        messages.error(request, _("The stored file no longer matches the submitted hash."))
        return redirect("review:review_page", pk=submission.pk)
    # The firm's own log records that the supervisor took its file.
    with rls.on_behalf_of(submission.organization):
        record(AuditEvent.Action.DOWNLOAD, obj=evidence, organization=submission.organization)
    from io import BytesIO

    return FileResponse(BytesIO(data), as_attachment=True, filename=evidence.original_name)
