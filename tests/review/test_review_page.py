"""The supervisor's review page as a working tool: knock-outs and gaps first, labels instead of codes, one
comment box per requirement opened on demand, the decision at hand with its consequence stated, and each
action's message where it was taken."""

import re

import pytest

from compliance import services as compliance_services
from compliance.models import Answer
from review import presenting, services
from review.models import ReviewComment, Submission
from tests.compliance.webtools import HTMX, english


@pytest.fixture
def submitted(world, ready_assessment):
    """Submitted with R-G1 (a knock-out) non-compliant and R-A2 partial; R-A1 compliant."""
    for ref, response in (("R-G1", "non_compliant"), ("R-A2", "partial")):
        answer = Answer.objects.for_org(world.firm_a).get(assessment=ready_assessment, requirement__ref=ref)
        compliance_services.save_answer(assessment=ready_assessment, requirement=answer.requirement,
                                        response=response, comment=f"{ref} said", expected_version=answer.version,
                                        user=world.a_officer)
    ready_assessment.refresh_from_db()
    return services.submit(assessment=ready_assessment, actor=world.a_officer, role="officer")


@pytest.fixture
def claimed(world, submitted):
    services.claim(submission=submitted, actor=world.supervisor, role="supervisor")
    return submitted


def _page(client, submission) -> str:
    return client.get(f"/review/submissions/{submission.pk}/").content.decode()


def _article(page: str, ref: str) -> str:
    start = page.index(f'id="req-{ref}"')
    return page[start:page.index("</article>", start)]


def test_answers_and_rating_reasons_are_words_not_codes(world, claimed, as_user):
    page = _page(english(as_user(world.supervisor)), claimed)
    assert ">Non-compliant<" in page and ">Partially compliant<" in page and ">Compliant<" in page
    assert ">non_compliant<" not in page and ">compliant<" not in page
    assert "{'code'" not in page and "capped at D: critical requirement R-G1 non-compliant" in page


def test_knock_outs_come_first_then_the_other_gaps_and_each_requirement_once(world, claimed, as_user):
    page = _page(english(as_user(world.supervisor)), claimed)
    attention = page[page.index('data-testid="attention"'):page.index('id="section-')]
    assert attention.index('id="req-R-G1"') < attention.index('id="req-R-A2"')
    assert 'id="req-R-A1"' not in attention
    for ref in ("R-A1", "R-A2", "R-G1"):
        assert page.count(f'id="req-{ref}"') == 1
    assert 'href="#attention"' in page and 'href="#section-A"' in page  # the section navigation


def test_one_closed_comment_box_per_requirement_and_the_decision_form_beside_them(world, claimed, as_user):
    page = _page(english(as_user(world.supervisor)), claimed)
    assert page.count('<details class="comment-box">') == 3  # none open
    assert page.count("<textarea") == 4  # three comment boxes and the decision's reason
    side = page[page.index('class="review-side"'):]
    assert 'data-testid="decision-form"' in side and 'data-testid="section-nav"' in side


def test_accept_and_request_changes_ask_first_and_say_what_follows(world, claimed, as_user):
    page = _page(english(as_user(world.supervisor)), claimed)
    accept = re.search(r'<button[^>]*data-testid="accept"[^>]*>', page, re.S).group(0)
    back = re.search(r'<button[^>]*data-testid="request-changes"[^>]*>', page, re.S).group(0)
    assert "data-confirm=" in accept and "becomes final" in accept
    assert "data-confirm=" in back and "can change its answers and resubmit" in back


def test_a_comment_through_htmx_comes_back_in_its_requirement_with_a_message(world, claimed, as_user):
    client = english(as_user(world.supervisor))
    response = client.post(f"/review/submissions/{claimed.pk}/comment/",
                           {"requirement_ref": "R-A2", "body": "Attach the minutes."}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<article') and 'id="req-R-A2"' in body
    assert "Attach the minutes." in body and 'data-testid="notice-R-A2"' in body
    assert ReviewComment.objects.for_org(world.firm_a).get().requirement_ref == "R-A2"


def test_an_empty_comment_is_refused_in_its_box(world, claimed, as_user):
    client = english(as_user(world.supervisor))
    response = client.post(f"/review/submissions/{claimed.pk}/comment/", {"requirement_ref": "R-A2", "body": " "},
                           **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert '<details class="comment-box" open>' in body and 'data-testid="comment-error-R-A2"' in body
    assert "Write the comment." in body
    plain = client.post(f"/review/submissions/{claimed.pk}/comment/", {"requirement_ref": "R-A2", "body": ""})
    assert plain.status_code == 422 and 'data-testid="comment-error-R-A2"' in _article(plain.content.decode(), "R-A2")


def test_a_comment_without_htmx_returns_to_its_requirement_with_the_message_there(world, claimed, as_user):
    client = english(as_user(world.supervisor))
    response = client.post(f"/review/submissions/{claimed.pk}/comment/",
                           {"requirement_ref": "R-A2", "body": "Attach the minutes."})
    assert response.status_code == 302 and response["Location"].endswith("#req-R-A2")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="notice-R-A2"' in _article(page, "R-A2")
    assert 'class="messages"' not in page  # nothing flashed at the top
    assert 'data-testid="notice-R-A2"' not in _page(client, claimed)  # said once


def test_a_refused_decision_is_explained_in_the_decision_panel_with_the_reason_kept(world, claimed, as_user):
    client = english(as_user(world.supervisor))
    response = client.post(f"/review/submissions/{claimed.pk}/decide/",
                           {"decision": "request_changes", "reason": "Evidence missing"})
    assert response.status_code == 422
    page = response.content.decode()
    panel = page[page.index('data-testid="decision-panel"'):]
    assert "Comment on at least one requirement before requesting changes." in panel
    assert ">Evidence missing</textarea>" in panel and 'class="messages"' not in page
    assert Submission.objects.for_org(world.firm_a).get().assessment.status == "in_review"


def test_a_decision_lands_back_at_the_panel_with_what_happened(world, claimed, as_user):
    client = english(as_user(world.supervisor))
    response = client.post(f"/review/submissions/{claimed.pk}/decide/", {"decision": "accept", "reason": "Fine"})
    assert response.status_code == 302 and response["Location"].endswith("#decision")
    page = client.get(response["Location"]).content.decode()
    panel = page[page.index('data-testid="decision-panel"'):]
    assert "Accepted: the assessment is final and the firm was notified." in panel


def test_arrange_is_pure_and_puts_a_refused_not_applicable_knock_out_first():
    document = {"assessment": {
        "rating_reasons": [{"code": "capped_d_critical_not_applicable", "ref": "K-1"}],
        "sections": [{"code": "A", "name": {"ko": "가", "en": "A"}}],
        "requirements": [
            {"ref": "P-1", "section": "A", "text": {"en": "p"}, "weight": 1, "critical": False,
             "response": "partial", "evidence": []},
            {"ref": "K-1", "section": "A", "text": {"en": "k"}, "weight": 5, "critical": True,
             "response": "not_applicable", "na_reason": "none", "evidence": []},
            {"ref": "C-1", "section": "A", "text": {"en": "c"}, "weight": 1, "critical": False,
             "response": "compliant", "evidence": []},
        ]}}
    arranged = presenting.arrange(document, lang="en", comments={})
    assert [i.ref for i in arranged["attention"]] == ["K-1", "P-1"]
    assert [i.ref for i in arranged["sections"][0].items] == ["C-1"] and arranged["sections"][0].gaps == 2
