"""Assessments and answers: applicability at creation, optimistic concurrency, rescoring on every change."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from compliance import services
from compliance.models import Answer, Assessment, Requirement
from core.concurrency import ConcurrentEditError
from tests.factories.compliance import make_assessment, make_framework
from tests.factories.vendors import make_chain, make_vendor


def req(framework, ref):
    return Requirement.objects.get(framework=framework, ref=ref)


def answer(assessment, ref, response, user, version=None, **extra):
    return services.save_answer(
        assessment=assessment, requirement=req(assessment.framework, ref), response=response,
        expected_version=version, user=user, **extra,
    )


def test_a_firm_wide_assessment_applies_requirements_by_firm_kind_tiers_and_vendor_categories(world):
    framework = make_framework()
    bank = make_assessment(world.firm_a, framework)
    applies = {v["ref"]: v["applies"] for v in bank.applicability.values()}
    assert applies == {"T-A1": True, "T-A2": True, "T-G3": False, "T-L1": False, "T-C1": False}

    dep = make_chain(world.firm_b)  # a critical service on a CDN vendor
    dep.computed_tier = "T1"
    dep.save()
    vasp = make_assessment(world.firm_b, framework)
    reasons = {v["ref"]: v for v in vasp.applicability.values()}
    assert all(v["applies"] for v in reasons.values())
    assert reasons["T-G3"]["reasons"] == [{"code": "tier", "params": {"tier": "T1", "vendor": False}}]


def test_a_vendor_assessment_takes_the_vendor_scope_items_of_that_vendor(world):
    framework = make_framework()
    dep = make_chain(world.firm_a)
    dep.computed_tier = "T1"
    dep.save()
    assessment = make_assessment(world.firm_a, framework, vendor=dep.vendor)
    assert assessment.scope == "vendor"
    applies = {v["ref"] for v in assessment.applicability.values() if v["applies"]}
    assert applies == {"T-A2", "T-G3", "T-C1"}


def test_a_vendor_checklist_needs_a_vendor_and_the_vendor_must_be_the_firms_own(world):
    framework = make_framework(scope="vendor")
    with pytest.raises(ValidationError) as exc:
        make_assessment(world.firm_a, framework)
    assert "vendor" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_assessment(world.firm_a, framework, vendor=make_vendor(world.firm_b))
    assert "vendor" in exc.value.message_dict
    assert not Assessment.objects.for_org(world.firm_a).exists()


def test_an_unpublished_checklist_cannot_be_assessed(world):
    with pytest.raises(ValidationError):
        make_assessment(world.firm_a, make_framework(published=False))


def test_each_answer_rescores_the_assessment(world):
    assessment = make_assessment(world.firm_a)
    assert assessment.score is None and assessment.score_details["unanswered"] == ["T-A1", "T-A2"]
    answer(assessment, "T-A1", "compliant", world.a_officer)
    assessment.refresh_from_db()
    assert float(assessment.score) == 100 and assessment.rating == "A"
    assert assessment.score_details["unanswered"] == ["T-A2"]
    answer(assessment, "T-A2", "non_compliant", world.a_officer)
    assessment.refresh_from_db()
    assert float(assessment.score) == pytest.approx(66.67)
    assert assessment.rating == "C"


def test_a_critical_non_compliant_answer_shows_its_reason(world):
    dep = make_chain(world.firm_a)
    dep.computed_tier = "T1"
    dep.save()
    assessment = make_assessment(world.firm_a)
    answer(assessment, "T-A1", "compliant", world.a_officer)
    answer(assessment, "T-G3", "non_compliant", world.a_officer)
    assessment.refresh_from_db()
    assert assessment.rating == "D"
    assert {"code": "capped_d_critical_non_compliant", "ref": "T-G3", "score": None} in assessment.rating_reasons


def test_not_applicable_needs_a_reason(world):
    assessment = make_assessment(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        answer(assessment, "T-A1", "not_applicable", world.a_officer)
    assert "na_reason" in exc.value.message_dict
    assert not Answer.objects.for_org(world.firm_a).exists()
    saved = answer(assessment, "T-A1", "not_applicable", world.a_officer, na_reason="No such function")
    assert saved.na_reason == "No such function"


def test_a_requirement_that_does_not_apply_cannot_be_answered(world):
    assessment = make_assessment(world.firm_a)
    with pytest.raises(ValidationError) as exc:
        answer(assessment, "T-L1", "compliant", world.a_officer)
    assert "requirement" in exc.value.message_dict


def test_the_later_of_two_saves_is_refused_with_the_others_answer(world):
    assessment = make_assessment(world.firm_a)
    first = answer(assessment, "T-A1", "partial", world.a_officer, comment="mine")
    assert first.version == 1
    answer(assessment, "T-A1", "compliant", world.a_admin, version=1, comment="admin's")
    with pytest.raises(ConcurrentEditError) as exc:
        answer(assessment, "T-A1", "non_compliant", world.a_officer, version=1, comment="stale")
    assert exc.value.current.response == "compliant"
    assert exc.value.current.comment == "admin's"
    stored = Answer.objects.for_org(world.firm_a).get()
    assert (stored.response, stored.version) == ("compliant", 2)


def test_a_first_answer_when_someone_already_answered_is_a_conflict(world):
    assessment = make_assessment(world.firm_a)
    answer(assessment, "T-A1", "partial", world.a_officer)
    with pytest.raises(ConcurrentEditError) as exc:
        answer(assessment, "T-A1", "compliant", world.a_admin, version=None)
    assert exc.value.current.response == "partial"


def test_answers_of_a_submitted_assessment_cannot_change(world):
    assessment = make_assessment(world.firm_a)
    assessment.status = "submitted"
    with pytest.raises(ValidationError):
        answer(assessment, "T-A1", "compliant", world.a_officer)


def test_saving_an_answer_takes_the_same_number_of_queries_for_small_and_large_checklists(
    world, django_assert_max_num_queries
):
    def queries_for(n):
        framework = make_framework(requirements=[(f"R{i}", "ABC"[i % 3], 3, False, {}, False) for i in range(n)])
        assessment = make_assessment(world.firm_a, framework)
        for i in range(n - 1):
            answer(assessment, f"R{i}", "compliant", world.a_officer)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        requirement = req(framework, f"R{n - 1}")
        with CaptureQueriesContext(connection) as ctx:
            services.save_answer(assessment=assessment, requirement=requirement, response="non_compliant",
                                 expected_version=None, user=world.a_officer)
        first = len(ctx)
        with CaptureQueriesContext(connection) as ctx:
            services.save_answer(assessment=assessment, requirement=requirement, response="partial",
                                 expected_version=1, user=world.a_officer)
        return first, len(ctx)

    assert queries_for(2) == queries_for(60)


def test_the_assessment_period_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        make_assessment(world.firm_a, period_start=datetime.date(2025, 6, 1), period_end=datetime.date(2025, 1, 1))
    assert "period_end" in exc.value.message_dict


def test_updating_an_assessment_is_versioned(world):
    assessment = make_assessment(world.firm_a)
    services.update_assessment(assessment=assessment, version=1, data={"title": "New"})
    stale = Assessment.objects.for_org(world.firm_a).get()
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        services.update_assessment(assessment=stale, version=1, data={"title": "Other"})
    with pytest.raises(ValidationError):
        services.update_assessment(assessment=assessment, version=2, data={"framework": None})


def test_a_knock_out_without_a_stated_condition_cannot_be_answered_not_applicable(world):
    from tests.compliance.webtools import assessment_with

    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    with pytest.raises(ValidationError) as exc:
        answer(assessment, "W-C3", "not_applicable", world.a_officer, na_reason="We do not think it applies")
    [message] = exc.value.message_dict["response"]
    assert "W-C3 is a knock-out requirement" in message and "states no condition" in message
    assert not Answer.objects.for_org(world.firm_a).filter(assessment=assessment).exists()


def test_a_knock_out_with_a_stated_condition_may_be_not_applicable_only_with_a_reason(world):
    from tests.compliance.webtools import assessment_with, state_not_applicable_condition

    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    state_not_applicable_condition(assessment, "W-C3", "The firm has no individual customers.")
    with pytest.raises(ValidationError) as exc:
        answer(assessment, "W-C3", "not_applicable", world.a_officer)
    [message] = exc.value.message_dict["na_reason"]
    assert "The firm has no individual customers." in message
    answer(assessment, "W-A1", "compliant", world.a_officer)
    answer(assessment, "W-C3", "not_applicable", world.a_officer, na_reason="Corporate clients only")
    assessment.refresh_from_db()
    assert assessment.rating == "A"


def test_a_not_applicable_knock_out_stored_before_the_rule_counts_as_failed_when_rescored(world):
    from tests.compliance.webtools import assessment_with
    from tests.factories.compliance import make_answer

    assessment = assessment_with(world.firm_a, 3, critical=("W-C3",))
    answer(assessment, "W-A1", "compliant", world.a_officer)
    make_answer(world.firm_a, assessment, requirement=req(assessment.framework, "W-C3"),
                response="not_applicable", na_reason="stored before the rule")
    services.rescore(assessment)
    assessment.refresh_from_db()
    assert assessment.rating == "D"
    assert {"code": "capped_d_critical_not_applicable", "ref": "W-C3", "score": None} in assessment.rating_reasons
