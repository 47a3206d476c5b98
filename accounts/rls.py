"""The second wall: which firm the database itself lets this connection see (PostgreSQL row-level security).

The ORM wall (``accounts.tenancy``) refuses unscoped querysets; this one holds when SQL gets past it
(raw SQL, ``_base_manager``, a subquery or join nobody scoped). Every firm table has policies keyed on
settings of the connection, set here and nowhere else:

* ``app.current_org``  the firm whose rows may be read and written (middleware, ``acting_as``);
* ``app.cross_firm``   ``on`` while an ``across_firms`` queryset runs: every firm's rows, read-only;
* ``app.current_user`` the person whose own memberships may be read (``Membership.objects.of_user``);
* ``app.maintenance``  ``on`` for operators' work across firms (data migrations, the test harness).

The settings are session-level (``set_config(..., false)``): Django runs outside transactions by
default, where a transaction-local setting would vanish after one statement. So every way in sets
*all* of them, and puts back what it found on the way out: a pooled connection (CONN_MAX_AGE) never
carries a previous request's firm. A setting made inside a transaction that rolls back is undone by
PostgreSQL itself, which is why the way out skips a transaction that has already failed.

On SQLite there is no second wall; all of this is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection as default_connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

SETTINGS = ("app.current_org", "app.cross_firm", "app.current_user", "app.maintenance")


@dataclass(frozen=True)
class DbScope:
    """What one connection may see. The default sees no firm's rows at all."""

    org_id: int | None = None
    cross_firm: bool = False
    user_id: int | None = None
    maintenance: bool = False

    def values(self) -> tuple[str, str, str, str]:
        return (
            "" if self.org_id is None else str(int(self.org_id)),
            "on" if self.cross_firm else "",
            "" if self.user_id is None else str(int(self.user_id)),
            "on" if self.maintenance else "",
        )


NOTHING = DbScope()
_SET_SQL = "SELECT " + ", ".join(f"set_config('{name}', %s, false)" for name in SETTINGS)

# What a new connection starts with: nothing, except in the test harness (tests/conftest.py), whose
# own fixtures create every firm's rows and so run as maintenance.
_connection_default: DbScope = NOTHING


def _enabled(conn) -> bool:
    return conn.vendor == "postgresql"


def current(conn=None) -> DbScope:
    conn = conn or default_connection
    return getattr(conn, "_backstop_db_scope", _connection_default)


def _apply(conn, scope: DbScope) -> None:
    conn.ensure_connection()
    # The raw driver connection: these statements are plumbing, not the page's queries (query-count
    # assertions and debug toolbars would otherwise count two extra queries per request).
    with conn.connection.cursor() as cursor:
        cursor.execute(_SET_SQL, scope.values())
    conn._backstop_db_scope = scope


def _transaction_failed(conn) -> bool:
    raw = getattr(conn, "connection", None)
    if raw is None:
        return True  # the connection is gone: a new one starts from the default
    from psycopg import pq

    return raw.info.transaction_status == pq.TransactionStatus.INERROR


@contextmanager
def scoped(scope: DbScope, conn=None) -> Iterator[None]:
    """Run the block with exactly ``scope``, then restore what was there before."""
    conn = conn or default_connection
    if not _enabled(conn):
        yield
        return
    previous = current(conn)
    if previous != scope or getattr(conn, "connection", None) is None:
        _apply(conn, scope)
    try:
        yield
    finally:
        if current(conn) != previous:
            if _transaction_failed(conn):
                # The rollback to come undoes our setting; the connection will be back at ``previous``.
                conn._backstop_db_scope = previous
            else:
                _apply(conn, previous)


def enter(scope: DbScope, conn=None) -> None:
    """Switch to ``scope`` for the rest of the enclosing :func:`scoped` block, whose way out restores
    (DRF authenticates inside the view, after the block in ``ActiveOrganizationAPIMixin.dispatch`` began)."""
    conn = conn or default_connection
    if _enabled(conn) and current(conn) != scope:
        _apply(conn, scope)


def for_firm(organization: Any, user: Any = None) -> DbScope:
    """One firm's rows, read and write: what a request, task or command acting for a firm sees."""
    org_id = getattr(organization, "pk", organization)
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", True) else None
    return DbScope(org_id=org_id, user_id=user_id)


def firm(organization: Any, user: Any = None):
    return scoped(for_firm(organization, user))


def widened(**changes: Any):
    """The current scope plus a named door: ``cross_firm=True`` (across_firms), ``user_id=`` (of_user)."""
    return scoped(replace(current(), **changes))


def on_behalf_of(organization: Any):
    """Write (and read) one other organisation's rows for a moment, keeping the person: a supervisor's
    decision on a firm's submission, a notification to the regulator's staff. Callers name the firm
    from a row they were entitled to read; this never widens to more than that one firm."""
    return scoped(replace(current(), org_id=getattr(organization, "pk", organization), cross_firm=False))


def maintenance():
    """Operators' work across every firm (a data fix, the test harness). Never for a request or a task."""
    return scoped(DbScope(maintenance=True))


def set_connection_default(scope: DbScope) -> None:
    """The scope new connections start with (the test harness only)."""
    global _connection_default
    _connection_default = scope


@receiver(connection_created, dispatch_uid="backstop-rls-new-connection")
def _start_from_the_default(sender, connection, **kwargs) -> None:
    if not _enabled(connection):
        return
    connection._backstop_db_scope = NOTHING
    if _connection_default != NOTHING:
        _apply(connection, _connection_default)
