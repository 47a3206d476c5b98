import datetime

import pytest
from django.core.files.base import ContentFile

from compliance import services as compliance_services
from compliance.models import Evidence, Requirement
from tests.factories.compliance import make_assessment, make_framework

# Two sections; one critical requirement that needs evidence before submission.
REQUIREMENTS = [
    ("R-A1", "A", 4, False, {}, False),
    ("R-A2", "A", 2, False, {}, False),
    ("R-G1", "G", 5, True, {}, False),
]


def answer_all(assessment, user, response="compliant"):
    answers = {}
    for req in Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids()).order_by("order"):
        answers[req.ref] = compliance_services.save_answer(
            assessment=assessment,
            requirement=req,
            response=response,
            comment=f"{req.ref} ok",
            expected_version=None,
            user=user,
        )
    return answers


def attach_evidence(answer, user, name="policy.pdf", data=b"%PDF-1.4 evidence"):
    import hashlib

    ev = Evidence(
        organization=answer.organization,
        answer=answer,
        original_name=name,
        size=len(data),
        content_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    ev.file.save(name, ContentFile(data), save=False)
    ev.save()
    return ev


@pytest.fixture
def ready_assessment(world):
    """Firm A's assessment, fully answered, the critical one with evidence: ready to submit."""
    framework = make_framework(requirements=REQUIREMENTS)
    assessment = make_assessment(world.firm_a, framework, due_date=datetime.date(2026, 12, 31))
    answers = answer_all(assessment, world.a_officer)
    attach_evidence(answers["R-G1"], world.a_officer)
    assessment.refresh_from_db()
    return assessment
