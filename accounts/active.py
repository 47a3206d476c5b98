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
    # The organisation asked for (header or session) when it is not one of the user's: the caller refuses
    # the request rather than act for another firm than the one the person meant.
    refused: str | None = None

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None


def resolve(user: User, requested_org_id: str | int | None) -> ActiveMembership:
    """The membership a user acts under: the requested one if it is theirs, else their default.

    A request that names an organisation the user does not belong to gets no membership and ``refused``
    set; it never falls back to another firm.
    """
    if not user.is_authenticated:
        return ActiveMembership(None, ())
    memberships = tuple(user.memberships_list())
    if requested_org_id not in (None, ""):
        chosen = next((m for m in memberships if str(m.organization_id) == str(requested_org_id)), None)
        if chosen is None:
            return ActiveMembership(None, memberships, refused=str(requested_org_id))
        return ActiveMembership(chosen, memberships)
    return ActiveMembership(default_membership(user, memberships), memberships)


def default_membership(user: User, memberships: tuple[Membership, ...]) -> Membership | None:
    """The firm a person works in when they have not chosen one for this session: the one they set as
    default, else the one they joined first (so joining another firm never changes it)."""
    if not memberships:
        return None
    chosen = getattr(user, "default_organization_id", None)
    if chosen is not None:
        for membership in memberships:
            if membership.organization_id == chosen:
                return membership
    return min(memberships, key=lambda m: m.pk)


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
