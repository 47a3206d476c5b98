"""The workflow's writes. Each step checks role and state (review.workflow), writes atomically,
and records who, when and why in the audit log."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rls
from accounts.models import Membership, User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.recorder import record
from compliance.models import Answer, Assessment, Evidence
from market.aggregates import refresh_market_aggregates_for
from review import notifications, workflow
from review.models import (
    Decision,
    ReviewComment,
    Submission,
    SubmittedDependency,
    SubmittedIncident,
)
from review.snapshot import build_snapshot, canonical_json, current_content


class SubmissionProblems(ValidationError):
    """Submission refused: ``messages`` lists every problem found."""


def _transition(assessment: Assessment, action: str, role: str | None, actor: User, reason: str = "") -> str:
    before = assessment.status
    target = workflow.check(action, before, role)
    assessment.status = target
    assessment.version += 1
    # The status moves only here, so the generic model audit would say "updated"; say which step instead.
    type(assessment)._base_manager.filter(pk=assessment.pk).update(status=target, version=assessment.version)
    record(
        AuditEvent.Action.TRANSITION,
        obj=assessment,
        actor=actor,
        changes={"action": action, "before": {"status": before}, "after": {"status": target}, "reason": reason},
    )
    return target


@dataclass(frozen=True)
class Blocker:
    """One thing that stops a submission: the sentence, and the requirement it is about (if any)."""

    message: str
    ref: str = ""
    requirement_id: int | None = None


def submission_blockers(assessment: Assessment) -> list[Blocker]:
    """Everything that blocks a submission, each once, in checklist order; a resubmission after changes
    were requested must also change something (review.workflow.resubmission_unchanged)."""
    from compliance.models import Requirement

    org = assessment.organization
    applicable = assessment.applicable_requirement_ids()
    answers = {a.requirement_id: a for a in Answer.objects.for_org(org).filter(assessment=assessment)}
    with_evidence = set(
        Evidence.objects.for_org(org)
        .filter(answer__assessment=assessment)
        .values_list("answer__requirement_id", flat=True)
    )
    blockers = []
    for req in Requirement.objects.filter(pk__in=applicable).order_by("order"):
        answer = answers.get(req.pk)
        if answer is None:
            blockers.append(Blocker(_("%(ref)s is not answered.") % {"ref": req.ref}, req.ref, req.pk))
        elif req.critical and answer.response != "not_applicable" and req.pk not in with_evidence:
            blockers.append(Blocker(_("%(ref)s is a critical requirement and has no evidence.") % {"ref": req.ref},
                                    req.ref, req.pk))
    returned = _returned_submission(assessment)
    if returned is not None and workflow.resubmission_unchanged(submission_document(returned),
                                                                 current_content(assessment, timezone.localdate())):
        blockers.append(Blocker(workflow.unchanged_message(returned.number)))
    return blockers


def submission_problems(assessment: Assessment) -> list[str]:
    """Everything that blocks a submission, each as a sentence naming the requirement."""
    return [b.message for b in submission_blockers(assessment)]


def _returned_submission(assessment: Assessment) -> Submission | None:
    """The submission the supervisor sent back, while the assessment waits for the firm's changes."""
    if assessment.status != "changes_requested":
        return None
    return _current_submission(assessment)


def _review_deadline(submitted_at: datetime.datetime) -> datetime.date:
    return timezone.localdate(submitted_at) + datetime.timedelta(days=settings.REVIEW_DEADLINE_DAYS)


@transaction.atomic
def submit(*, assessment: Assessment, actor: User, role: str | None) -> Submission:
    """Freeze the assessment and the firm's register into an immutable, hashed snapshot."""
    assessment = _locked(assessment)
    workflow.check("submit", assessment.status, role)
    problems = submission_problems(assessment)
    if problems:
        raise SubmissionProblems(problems)
    org = assessment.organization
    previous = Submission.objects.for_org(org).filter(assessment=assessment).order_by("-number").first()
    number = (previous.number + 1) if previous else 1
    now = timezone.now()
    document = build_snapshot(assessment, submitted_by=actor, submitted_at=now, number=number)
    text = canonical_json(document)
    answers = document["assessment"]["requirements"]
    Submission.objects.for_org(org).filter(is_latest=True).update(is_latest=False)
    submission = Submission.objects.create(
        organization=org,
        assessment=assessment,
        number=number,
        previous=previous,
        submitted_by=actor,
        submitted_at=now,
        snapshot_json=text,
        snapshot_sha256=Submission.hash_of(text),
        firm_kind=org.kind,
        framework_label=f"{assessment.framework.code} {assessment.framework.version}",
        score=assessment.score,
        rating=assessment.rating,
        critical_gaps=sum(1 for a in answers if a["critical"] and a["response"] in ("non_compliant", "partial")),
        review_deadline=_review_deadline(now),
        is_latest=True,
    )
    SubmittedDependency.objects.bulk_create(
        [
            SubmittedDependency(organization=org, submission=submission, firm_kind=org.kind, **row)
            for row in document["register"]["dependencies"]
        ],
        batch_size=1000,
    )
    SubmittedIncident.objects.bulk_create(
        [
            SubmittedIncident(organization=org, submission=submission, **row)
            for row in document["register"]["incidents"]
        ],
        batch_size=1000,
    )
    # The new submission is the firm's market set now: the market totals follow, in this transaction.
    refresh_market_aggregates_for(org)
    _transition(assessment, "submit", role, actor)
    notifications.to_supervisors(
        kind="submitted",
        message=_("%(firm)s submitted %(title)s (#%(n)s).")
        % {"firm": org.display_name, "title": assessment.title, "n": number},
        url=f"/review/submissions/{submission.pk}/",
    )
    return submission


def _locked(assessment: Assessment) -> Assessment:
    """The row as stored, locked: two people pressing the same button take turns."""
    return Assessment.objects.for_org(assessment.organization).select_for_update().get(pk=assessment.pk)


@transaction.atomic
def withdraw(*, assessment: Assessment, actor: User, role: str | None) -> None:
    assessment = _locked(assessment)
    _transition(assessment, "withdraw", role, actor)
    latest = _current_submission(assessment)
    latest.decision = Decision.WITHDRAWN
    latest.save(update_fields=["decision", "updated_at"])
    refresh_market_aggregates_for(assessment.organization)  # a withdrawn submission leaves the market


def _current_submission(assessment: Assessment) -> Submission:
    return Submission.objects.for_org(assessment.organization).filter(assessment=assessment).order_by("-number").first()


def _in_the_submissions_firm(action):
    """A supervisor's step writes the firm's rows (the submission, its assessment, comments, the
    firm's notifications): the database lets it write that one firm, the one whose submission it is."""

    @wraps(action)
    def run(*, submission: Submission, **kwargs):
        with rls.on_behalf_of(submission.organization_id):
            return action(submission=submission, **kwargs)

    return run


def _submission_for_supervisor(submission_id: int, supervisor: User) -> Submission:
    return (
        Submission.objects.across_firms(supervisor)
        .select_for_update()
        .select_related("assessment", "organization")
        .get(pk=submission_id)
    )


@_in_the_submissions_firm
@transaction.atomic
def claim(*, submission: Submission, actor: User, role: str | None) -> Submission:
    submission = _submission_for_supervisor(submission.pk, actor)
    _transition(submission.assessment, "claim", role, actor)
    submission.assignee, submission.claimed_at = actor, timezone.now()
    submission.save(update_fields=["assignee", "claimed_at", "updated_at"])
    return submission


@_in_the_submissions_firm
@transaction.atomic
def assign(*, submission: Submission, assignee: User, actor: User, role: str | None) -> Submission:
    submission = _submission_for_supervisor(submission.pk, actor)
    regulator_roles = Membership.objects.of_user(assignee).filter(role__in=[Role.SUPERVISOR, Role.LEAD_SUPERVISOR])
    if not regulator_roles.exists():
        raise ValidationError({"assignee": _("Reviews can only be assigned to supervisors.")})
    _transition(submission.assessment, "assign", role, actor, reason=f"assigned to {assignee.email}")
    submission.assignee, submission.claimed_at = assignee, timezone.now()
    submission.save(update_fields=["assignee", "claimed_at", "updated_at"])
    notifications.notify(
        assignee,
        organization=None,
        kind="assigned",
        message=_("You were assigned the review of %(s)s.") % {"s": submission},
        url=f"/review/submissions/{submission.pk}/",
    )
    return submission


def _require_reviewer(submission: Submission, actor: User, role: str | None) -> None:
    if role != Role.LEAD_SUPERVISOR and submission.assignee_id != actor.pk:
        raise workflow.RoleRefused(_("Only the assigned supervisor or a lead supervisor can decide."))


@_in_the_submissions_firm
@transaction.atomic
def comment(
    *, submission: Submission, actor: User, role: str | None, body: str, requirement_ref: str = ""
) -> ReviewComment:
    submission = _submission_for_supervisor(submission.pk, actor)
    if role not in workflow.SUPERVISORS:
        raise workflow.RoleRefused(_("Only supervisors comment on a submission."))
    if submission.assessment.status != "in_review":
        raise workflow.TransitionRefused(_("Claim the submission before commenting."))
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")})
    refs = {r["ref"] for r in submission_document(submission)["assessment"]["requirements"]}
    if requirement_ref and requirement_ref not in refs:
        raise ValidationError({"requirement_ref": _("This requirement is not part of the submission.")})
    return ReviewComment.objects.create(
        organization=submission.organization,
        submission=submission,
        requirement_ref=requirement_ref,
        author=actor,
        body=body.strip(),
    )


@_in_the_submissions_firm
@transaction.atomic
def decide(*, submission: Submission, actor: User, role: str | None, decision: str, reason: str) -> Submission:
    """Accept, or request changes (which needs a reason and at least one comment)."""
    submission = _submission_for_supervisor(submission.pk, actor)
    _require_reviewer(submission, actor, role)
    action = {"accept": "accept", "request_changes": "request_changes"}.get(decision)
    if action is None:
        raise ValidationError({"decision": _("Choose accept or request changes.")})
    if action == "request_changes":
        errors = {}
        if not reason.strip():
            errors["reason"] = _("Say what needs to change.")
        if not submission.comments.exists():
            errors["decision"] = _("Comment on at least one requirement before requesting changes.")
        if errors:
            raise ValidationError(errors)
    _transition(submission.assessment, action, role, actor, reason=reason)
    submission.decision = Decision.ACCEPTED if action == "accept" else Decision.CHANGES_REQUESTED
    submission.decision_reason, submission.decided_by, submission.decided_at = reason.strip(), actor, timezone.now()
    submission.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at", "updated_at"])
    notifications.to_firm(
        submission.organization,
        kind=action,
        message=(
            _("Your submission %(s)s was accepted.")
            if action == "accept"
            else _("Changes were requested on your submission %(s)s: %(reason)s")
        )
        % {"s": submission, "reason": reason.strip()},
        url=f"/review/assessments/{submission.assessment_id}/",
    )
    return submission


def submission_document(submission: Submission) -> dict:
    return json.loads(submission.snapshot_json)
