"""Every transition for every role, allowed and refused (pure, no database)."""

import pytest

from accounts.roles import Role
from review import workflow

STATES = ["draft", "submitted", "in_review", "changes_requested", "accepted", "withdrawn"]
ALLOWED = {
    ("submit", "draft"): {Role.FIRM_ADMIN, Role.OFFICER},
    ("submit", "changes_requested"): {Role.FIRM_ADMIN, Role.OFFICER},
    ("submit", "withdrawn"): {Role.FIRM_ADMIN, Role.OFFICER},
    ("withdraw", "submitted"): {Role.FIRM_ADMIN, Role.OFFICER},
    ("claim", "submitted"): {Role.SUPERVISOR, Role.LEAD_SUPERVISOR},
    ("assign", "submitted"): {Role.LEAD_SUPERVISOR},
    ("assign", "in_review"): {Role.LEAD_SUPERVISOR},
    ("request_changes", "in_review"): {Role.SUPERVISOR, Role.LEAD_SUPERVISOR},
    ("accept", "in_review"): {Role.SUPERVISOR, Role.LEAD_SUPERVISOR},
}


@pytest.mark.parametrize("action", workflow.ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", [*Role.values, None])
def test_each_step_is_allowed_exactly_where_the_table_says(action, state, role):
    allowed = role in ALLOWED.get((action, state), set())
    if allowed:
        assert workflow.check(action, state, role) == workflow.TRANSITIONS[action].target
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.check(action, state, role)


def test_a_viewer_can_do_nothing_anywhere():
    assert all(workflow.allowed_actions(state, Role.VIEWER) == [] for state in STATES)


def test_an_accepted_assessment_is_final():
    assert all(workflow.allowed_actions("accepted", role) == [] for role in Role.values)


def test_the_refusal_says_why():
    with pytest.raises(workflow.TransitionRefused, match="cannot"):
        workflow.check("accept", "draft", Role.SUPERVISOR)
