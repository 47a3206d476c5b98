"""Who is acting right now: set per request by middleware, per task by the task itself."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    organization: Any = None
    ip_address: str | None = None


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=AuditContext())  # noqa: B039 - frozen dataclass


def current() -> AuditContext:
    return _current.get()


@contextmanager
def acting_as(actor=None, organization=None, ip_address: str | None = None):
    """Attribute every change inside the block to this actor (used by tasks and commands).

    The database sees the same firm (``accounts.rls``): inside the block its rows, and only its rows,
    can be read and written; with no organisation, no firm's rows at all.
    """
    from accounts import rls

    token = _current.set(AuditContext(actor=actor, organization=organization, ip_address=ip_address))
    try:
        with rls.firm(organization, actor):
            yield
    finally:
        _current.reset(token)
