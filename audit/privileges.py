"""The application role may only append to the audit log (PostgreSQL).

Row-level security already gives the application no UPDATE or DELETE policy on ``audit_auditevent``,
but a policy binds rows, not statements: TRUNCATE ignores it, and an operator's maintenance scope
opens it. Taking the privileges away is the wall that holds for every scope. Deployments grant the
application role privileges on all tables (docs/security.md), so the revoke is re-applied after
every ``migrate`` (post_migrate) as well as by migration ``audit.0006``; the deployment's own SQL
ends with it too.
"""

from __future__ import annotations

from django.conf import settings

TABLE = "audit_auditevent"
REVOKED = ("UPDATE", "DELETE", "TRUNCATE")


def role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def still_granted(cursor, role: str, privileges: tuple[str, ...] = REVOKED) -> list[str]:
    return [p for p in privileges if _has(cursor, role, p)]


def _has(cursor, role: str, privilege: str) -> bool:
    cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, TABLE, privilege])
    return bool(cursor.fetchone()[0])


def revoke(cursor, role: str | None = None, privileges: tuple[str, ...] = REVOKED) -> None:
    """Take UPDATE, DELETE and TRUNCATE on the audit table from the application role (if it exists yet:
    a new deployment creates it after the first migrate, and its SQL revokes then)."""
    role = role or settings.DATABASE_APP_ROLE
    if not role_exists(cursor, role):
        return
    # The role name is checked by the settings (a plain identifier); privileges are ours.
    cursor.execute(f'REVOKE {", ".join(privileges)} ON "{TABLE}" FROM "{role}"')


def ensure_append_only(using: str = "default", **kwargs) -> None:
    """post_migrate: revoke again whatever a grant on all tables gave back. Does nothing when run as the
    application role itself (the test runner's flush), which could not revoke from itself anyway."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    role = settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role or not role_exists(cursor, role):
            return
        cursor.execute("SELECT to_regclass(%s)", [TABLE])
        if cursor.fetchone()[0] is None or not still_granted(cursor, role):
            return
        revoke(cursor, role)
