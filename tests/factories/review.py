from django.utils import timezone

from compliance.models import Assessment
from review.models import Notification, ReviewComment, Submission, SubmittedDependency, SubmittedIncident
from review.snapshot import build_snapshot, canonical_json
from tests.factories.accounts import make_member


def submission_for(org, assessment: Assessment | None = None) -> Submission:
    """A submitted assessment with a real snapshot (what a supervisor may open)."""
    from tests.factories.compliance import FACTORIES as COMPLIANCE

    assessment = assessment or COMPLIANCE[Assessment](org)
    Assessment._base_manager.filter(pk=assessment.pk).update(status="submitted")
    officer = make_member(org, "officer")
    now = timezone.now()
    text = canonical_json(build_snapshot(assessment, submitted_by=officer, submitted_at=now, number=1))
    return Submission.objects.create(
        organization=org,
        assessment=assessment,
        number=1,
        submitted_by=officer,
        submitted_at=now,
        snapshot_json=text,
        snapshot_sha256=Submission.hash_of(text),
        firm_kind=org.kind,
        framework_label="B-SUBMITTED checklist 1",
        review_deadline=timezone.localdate(),
    )


def comment_for(org) -> ReviewComment:
    sub = submission_for(org)
    return ReviewComment.objects.create(
        organization=org, submission=sub, author=sub.submitted_by, body="B-SUBMITTED remark"
    )


def notification_for(org) -> Notification:
    from accounts.models import Membership

    admin = Membership.objects.for_org(org).filter(role="firm_admin").select_related("user").first()
    user = admin.user if admin else make_member(org, "viewer")
    return Notification.objects.create(organization=org, recipient=user, kind="test", message="B-SECRET news")


def submitted_dependency_for(org) -> SubmittedDependency:
    from vendors.models import ProviderCatalog

    provider = ProviderCatalog.objects.order_by("id").first() or ProviderCatalog.objects.create(
        key="submitted-provider", legal_name="Submitted Provider Inc.", country="US", category="cdn_security"
    )
    return SubmittedDependency.objects.create(
        organization=org,
        submission=submission_for(org),
        firm_kind=org.kind,
        service_reference="S1",
        service_name="B-SUBMITTED service",
        importance="critical",
        rto_minutes=60,
        vendor_name="B-SUBMITTED vendor",
        provider=provider,
        provider_category=provider.category,
        provider_country=provider.country,
        data_location="offshore",
        role="cdn",
        strategy="none",
    )


def submitted_incident_for(org) -> SubmittedIncident:
    dep = submitted_dependency_for(org)
    return SubmittedIncident.objects.create(
        organization=org,
        submission=dep.submission,
        reference="B-SUBMITTED-INC",
        provider=dep.provider,
        started_at=timezone.now(),
    )


FACTORIES = {
    Submission: submission_for,
    ReviewComment: comment_for,
    Notification: notification_for,
    SubmittedDependency: submitted_dependency_for,
    SubmittedIncident: submitted_incident_for,
}
