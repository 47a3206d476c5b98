"""Which organisation a request acts for, and with which role."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Membership, Organization, User
from accounts.roles import can_edit_firm_data, can_manage_users, is_lead, is_regulator_role

SESSION_KEY = "active_organization_id"
HEADER = "HTTP_X_ORGANIZATION"


@dataclass(frozen=True)
class ActiveMembership:
    membership: Membership | None
    memberships: tuple[Membership, ...]

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None


def resolve(user: User, requested_org_id: str | int | None) -> ActiveMembership:
    """The membership a user acts under: the requested one if theirs, else their first."""
    if not user.is_authenticated:
        return ActiveMembership(None, ())
    memberships = tuple(user.memberships_list())
    chosen = None
    if requested_org_id not in (None, ""):
        chosen = next((m for m in memberships if str(m.organization_id) == str(requested_org_id)), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return ActiveMembership(chosen, memberships)


def attach(request, active: ActiveMembership) -> None:
    """Put the active firm and role on the request, where views and templates read them."""
    request.membership = active.membership
    request.memberships = active.memberships
    request.organization = active.organization
    request.role = active.role
    request.can_edit = can_edit_firm_data(active.role)
    request.can_manage_users = can_manage_users(active.role)
    request.is_supervisor = is_regulator_role(active.role)
    request.is_lead_supervisor = is_lead(active.role)
