"""The scoring module: worked examples, knock-out rules and properties (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from compliance import scoring
from compliance.scoring import Item

RESPONSES = ["compliant", "partial", "non_compliant", "not_applicable", None]
BETTER = {"non_compliant": "partial", "partial": "compliant"}

items_strategy = st.lists(
    st.builds(
        Item,
        ref=st.text("ABCDEFGH123456789", min_size=1, max_size=4),
        section=st.sampled_from("ABCDE"),
        weight=st.integers(1, 5),
        critical=st.booleans(),
        response=st.sampled_from(RESPONSES),
        not_applicable_allowed=st.booleans(),
    ),
    max_size=40,
)


def test_section_and_overall_scores_are_weighted_means():
    result = scoring.score([
        Item("A1", "A", 4, response="compliant"),
        Item("A2", "A", 2, response="non_compliant"),
        Item("B1", "B", 3, response="partial"),
        Item("B2", "B", 1, response="not_applicable"),
    ])
    assert result.details["A"]["score"] == 66.67
    assert result.details["B"]["score"] == 50.0
    # (4·1 + 2·0 + 3·0.5) / 9 = 61.11
    assert result.score == 61.11
    assert result.rating == "C"
    assert result.label == "needs remediation"


def test_bands_at_their_edges():
    assert scoring.band(90) == "A" and scoring.band(89.99) == "B"
    assert scoring.band(75) == "B" and scoring.band(60) == "C" and scoring.band(59.99) == "D"


def test_a_critical_non_compliant_answer_makes_the_rating_d_whatever_the_score():
    items = [Item(f"X{i}", "A", 5, response="compliant") for i in range(20)]
    items.append(Item("KR-G3", "G", 1, critical=True, response="non_compliant"))
    result = scoring.score(items)
    assert result.score > 90
    assert result.rating == "D"
    assert result.label == "inadequate"
    assert "capped at D: critical requirement KR-G3 non-compliant" in [r.text for r in result.reasons]


def test_a_critical_partial_answer_caps_the_rating_at_c():
    items = [Item(f"X{i}", "A", 5, response="compliant") for i in range(20)]
    items.append(Item("KR-G1", "G", 1, critical=True, response="partial"))
    result = scoring.score(items)
    assert result.rating == "C"
    assert any(r.code == "capped_c_critical_partial" and r.ref == "KR-G1" for r in result.reasons)


def test_the_c_cap_does_not_lift_a_lower_rating():
    result = scoring.score([Item("A", "A", 5, response="non_compliant"), Item("B", "A", 1, True, "partial")])
    assert result.rating == "D"


def test_nothing_answered_has_no_score_and_lists_every_unanswered_requirement():
    result = scoring.score([Item("A1", "A", 3), Item("A2", "A", 3, response="not_applicable")])
    assert result.score is None and result.rating == ""
    assert result.unanswered == ("A1",)
    assert result.reasons[0].code == "no_score"


def test_unknown_response_is_refused():
    import pytest

    with pytest.raises(ValueError):
        scoring.score([Item("A1", "A", 3, response="yes")])


@given(items_strategy)
def test_score_is_between_0_and_100(items):
    result = scoring.score(items)
    assert result.score is None or 0 <= result.score <= 100
    for section in result.sections:
        assert section.score is None or 0 <= section.score <= 100


@given(items_strategy, st.data())
def test_improving_one_answer_never_lowers_the_score_or_the_rating(items, data):
    improvable = [i for i, item in enumerate(items) if item.response in BETTER]
    if not improvable:
        return
    index = data.draw(st.sampled_from(improvable))
    before = scoring.score(items)
    better = list(items)
    old = better[index]
    better[index] = Item(old.ref, old.section, old.weight, old.critical, BETTER[old.response],
                         old.not_applicable_allowed)
    after = scoring.score(better)
    assert after.score >= before.score
    assert "ABCD".index(after.rating) <= "ABCD".index(before.rating)


@given(items_strategy, st.integers(1, 5), st.booleans(), st.sampled_from("ABCDEZ"))
def test_adding_a_not_applicable_requirement_changes_nothing(items, weight, critical, section):
    # A knock-out counts as N/A only where its checklist allows it (tested below for where it does not).
    before = scoring.score(items)
    after = scoring.score([*items, Item("NA-1", section, weight, critical, "not_applicable", True)])
    assert (after.score, after.rating, after.reasons, after.unanswered) == (
        before.score, before.rating, before.reasons, before.unanswered,
    )


@given(items_strategy)
def test_knock_out_rules_hold_for_any_checklist(items):
    result = scoring.score(items)
    failed = ("non_compliant",)
    if any(i.critical and (i.response in failed or (i.response == "not_applicable" and not i.not_applicable_allowed))
           for i in items):
        assert result.rating == "D"
    elif any(i.critical and i.response == "partial" for i in items):
        assert result.rating in ("C", "D")
    elif result.score is not None:
        assert result.rating == scoring.band(result.score)
    else:
        assert result.rating == ""


def test_a_knock_out_answered_not_applicable_without_a_stated_condition_counts_as_failed():
    items = [Item(f"X{i}", "A", 5, response="compliant") for i in range(20)]
    items.append(Item("KR-G3", "G", 1, critical=True, response="not_applicable"))
    result = scoring.score(items)
    assert result.rating == "D"
    assert any(r.code == "capped_d_critical_not_applicable" and r.ref == "KR-G3" for r in result.reasons)
    assert result.details["G"]["score"] == 0.0 and result.details["G"]["not_applicable"] == 0


def test_a_knock_out_may_be_not_applicable_where_its_checklist_allows_it():
    items = [Item(f"X{i}", "A", 5, response="compliant") for i in range(20)]
    items.append(Item("KR-B3", "B", 1, critical=True, response="not_applicable", not_applicable_allowed=True))
    result = scoring.score(items)
    assert result.rating == "A" and result.score == 100
    assert result.details["B"]["not_applicable"] == 1


@given(items_strategy, st.integers(1, 5), st.sampled_from("ABCDEZ"))
def test_a_knock_out_that_cannot_be_not_applicable_never_escapes_the_cap(items, weight, section):
    result = scoring.score([*items, Item("KO-1", section, weight, True, "not_applicable")])
    assert result.rating == "D"
