"""The assessment workflow in one place: which action moves which state, and who may take it.

    draft ──submit──▶ submitted ──claim/assign──▶ in_review ──accept──▶ accepted
      ▲                  │  ▲                         │
      │               withdraw └──────submit────── changes_requested ◀─request_changes─┘
      └── (edit) ◀── withdrawn ──submit──▶ submitted

Pure data and functions: the services check here before they write anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.roles import Role
from compliance.choices import EDITABLE_STATUSES
from core.errors import DomainConflict

FIRM_EDITORS = frozenset({Role.FIRM_ADMIN, Role.OFFICER})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.LEAD_SUPERVISOR})
LEADS = frozenset({Role.LEAD_SUPERVISOR})

# States in which the firm may still change its answers.
EDITABLE_STATES = EDITABLE_STATUSES


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", EDITABLE_STATES, "submitted", FIRM_EDITORS),
        Transition("withdraw", frozenset({"submitted"}), "withdrawn", FIRM_EDITORS),
        Transition("claim", frozenset({"submitted"}), "in_review", SUPERVISORS),
        Transition("assign", frozenset({"submitted", "in_review"}), "in_review", LEADS),
        Transition("request_changes", frozenset({"in_review"}), "changes_requested", SUPERVISORS),
        Transition("accept", frozenset({"in_review"}), "accepted", SUPERVISORS),
    )
}
ACTIONS = tuple(TRANSITIONS)


class TransitionRefused(DomainConflict):
    """A workflow step that the state does not allow (409); the message says which."""

    code = "transition_refused"


class RoleRefused(TransitionRefused):
    """A workflow step that the person's role does not allow (403)."""

    status_code = 403
    code = "permission_denied"


def check(action: str, state: str, role: str | None) -> str:
    """The target state of ``action`` from ``state`` for ``role``, or TransitionRefused with the reason."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action %(action)s.") % {"action": action})
    if role not in transition.roles:
        raise RoleRefused(
            _("Your role (%(role)s) cannot take this step: %(action)s.")
            % {"role": role or "-", "action": _label(action)}
        )
    if state not in transition.sources:
        raise TransitionRefused(
            _("An assessment in state '%(state)s' cannot be %(done)s.")
            % {"state": _label(state), "done": _past(action)}
        )
    return transition.target


def allowed_actions(state: str, role: str | None) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and role in t.roles]


def _label(name: str) -> str:
    labels = {
        "submit": _("submit"),
        "withdraw": _("withdraw"),
        "claim": _("claim"),
        "assign": _("assign"),
        "request_changes": _("request changes"),
        "accept": _("accept"),
        "draft": _("draft"),
        "submitted": _("submitted"),
        "in_review": _("in review"),
        "changes_requested": _("changes requested"),
        "accepted": _("accepted"),
        "withdrawn": _("withdrawn"),
    }
    return str(labels.get(name, name))


def _past(action: str) -> str:
    return str(
        {
            "submit": _("submitted"),
            "withdraw": _("withdrawn"),
            "claim": _("claimed"),
            "assign": _("assigned"),
            "request_changes": _("returned for changes"),
            "accept": _("accepted"),
        }[action]
    )


# --- resubmission -------------------------------------------------------------------------------

def _content(document: dict) -> dict:
    """What a supervisor can ask a firm to change, from a snapshot document: each answer (response,
    comment, reason, evidence by hash), the findings and the register. Who answered when, the submission
    number and date, and the score (which follows from the answers) are left out."""
    part = document.get("assessment", {})
    answers = {
        r["ref"]: (r.get("response"), r.get("comment") or "", r.get("na_reason") or "",
                   sorted(e["sha256"] for e in r.get("evidence", [])))
        for r in part.get("requirements", [])
    }
    register = document.get("register", {})
    return {"answers": answers, "findings": part.get("findings", []),
            "dependencies": register.get("dependencies", []), "incidents": register.get("incidents", [])}


def resubmission_unchanged(previous: dict, current: dict) -> bool:
    """True when a resubmission would send back exactly what the supervisor returned for changes.

    Both are snapshot documents as stored (JSON-decoded, so dates are ISO text on both sides)."""
    return _content(previous) == _content(current)


def unchanged_message(number: int) -> str:
    return _(
        "Nothing has changed since submission #%(n)s, which the supervisor returned for changes: change an "
        "answer, its evidence, a finding or the register first, as the supervisor's comments ask."
    ) % {"n": number}

