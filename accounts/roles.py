"""Roles and what each may do. The single source for permission questions."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FIRM_ADMIN = "firm_admin", _("Firm administrator")
    OFFICER = "officer", _("Compliance officer")
    VIEWER = "viewer", _("Viewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEAD_SUPERVISOR = "lead_supervisor", _("Lead supervisor")


FIRM_ROLES = frozenset({Role.FIRM_ADMIN, Role.OFFICER, Role.VIEWER})
REGULATOR_ROLES = frozenset({Role.SUPERVISOR, Role.LEAD_SUPERVISOR})
EDITOR_ROLES = frozenset({Role.FIRM_ADMIN, Role.OFFICER})
USER_MANAGER_ROLES = frozenset({Role.FIRM_ADMIN})


def can_edit_firm_data(role: str | None) -> bool:
    return role in EDITOR_ROLES


def can_manage_users(role: str | None) -> bool:
    return role in USER_MANAGER_ROLES


def is_regulator_role(role: str | None) -> bool:
    return role in REGULATOR_ROLES


def is_lead(role: str | None) -> bool:
    return role == Role.LEAD_SUPERVISOR

# Roles that see many firms' data or manage who may: a stolen password alone must not be enough (issue #12).
SECOND_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.LEAD_SUPERVISOR, Role.FIRM_ADMIN})


def needs_second_factor(roles: Iterable[str], *, is_staff: bool = False) -> bool:
    """True when any of a person's roles (in any organisation), or platform-operator status, requires a second
    factor: the session may switch to any of their organisations, so one such role is enough."""
    return is_staff or any(role in SECOND_FACTOR_ROLES for role in roles)
