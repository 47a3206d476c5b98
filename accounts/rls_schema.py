"""The row-level security policies themselves: which firm table gets which policy (PostgreSQL only).

Policies bind every role but superusers and BYPASSRLS roles; FORCE binds the tables' owner too. They
read the settings that ``accounts.rls`` sets. A migration installs them for the tables of its day;
:func:`ensure_row_level_security` (post_migrate) adds them to any firm table created since, so a new
``TenantModel`` is never left without its wall.
"""

from __future__ import annotations

from dataclasses import dataclass

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION backstop_current_org() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.current_org', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION backstop_current_user() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('app.current_user', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION backstop_maintenance() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT COALESCE(current_setting('app.maintenance', true), '') = 'on' $$;

CREATE OR REPLACE FUNCTION backstop_may_read(org bigint) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT COALESCE(org = backstop_current_org(), false)
          OR COALESCE(current_setting('app.cross_firm', true), '') = 'on'
          OR backstop_maintenance() $$;

CREATE OR REPLACE FUNCTION backstop_may_write(org bigint) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT COALESCE(org = backstop_current_org(), false) OR backstop_maintenance() $$;
"""

READ, WRITE = "backstop_read", "backstop_write"
POLICY_NAMES = (READ, WRITE)


@dataclass(frozen=True)
class Protected:
    """One firm table and the two conditions that guard it."""

    table: str
    read: str
    write: str
    # Audit events are append-only for the application: no UPDATE or DELETE policy at all.
    append_only: bool = False

    def statements(self) -> list[str]:
        t = f'"{self.table}"'
        write_cmd = "INSERT" if self.append_only else "ALL"
        write_clause = (
            f"WITH CHECK ({self.write})" if self.append_only else f"USING ({self.write}) WITH CHECK ({self.write})"
        )
        statements = [
            f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {READ} ON {t}",
            f"CREATE POLICY {READ} ON {t} FOR SELECT USING ({self.read})",
            f"DROP POLICY IF EXISTS {WRITE} ON {t}",
            f"CREATE POLICY {WRITE} ON {t} FOR {write_cmd} {write_clause}",
        ]
        if self.append_only:
            # Operators may still repair or test the log (maintenance); the application never can.
            statements += [
                f"DROP POLICY IF EXISTS backstop_maintenance ON {t}",
                f"CREATE POLICY backstop_maintenance ON {t} FOR ALL USING (backstop_maintenance())",
            ]
        return statements


def firm_table(table: str) -> Protected:
    return Protected(table, "backstop_may_read(organization_id)", "backstop_may_write(organization_id)")


def link_table(table: str, column: str, parent: str) -> Protected:
    """A many-to-many table of a firm model: visible with the firm row it hangs from.

    Names come from model metadata, never from input (hence noqa S608 below)."""
    return Protected(
        table,
        f'EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = "{table}"."{column}")',  # noqa: S608
        f'EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = "{table}"."{column}" '  # noqa: S608
        "AND backstop_may_write(p.organization_id))",
    )


def special(table: str) -> Protected | None:
    if table == "accounts_membership":
        # One's own memberships (to choose a firm at all), and who the supervisors are (not firm data).
        return Protected(
            table,
            "backstop_may_read(organization_id) OR user_id = backstop_current_user() OR organization_id IN "
            "(SELECT o.id FROM accounts_organization o WHERE o.kind = 'regulator')",
            "backstop_may_write(organization_id)",
        )
    if table == "audit_auditevent":
        # Events with no firm (sign-ins) are appended by anyone and read across firms only.
        return Protected(
            table,
            "backstop_may_read(organization_id)",
            "organization_id IS NULL OR backstop_may_write(organization_id)",
            append_only=True,
        )
    return None


def protected_tables() -> list[Protected]:
    """Every table holding firm rows, from the models as they are now."""
    from django.apps import apps

    from accounts.tenancy import is_firm_owned

    found: dict[str, Protected] = {}
    for model in apps.get_models():
        if not is_firm_owned(model) or model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        found[table] = special(table) or firm_table(table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                column = through._meta.get_field(field.m2m_field_name()).column
                found[through._meta.db_table] = link_table(through._meta.db_table, column, table)
    return sorted(found.values(), key=lambda p: p.table)


def install(cursor, tables: list[Protected]) -> None:
    cursor.execute(FUNCTIONS_SQL)
    for protected in tables:
        for statement in protected.statements():
            cursor.execute(statement)


def missing(cursor, tables: list[Protected]) -> list[Protected]:
    """The tables whose RLS is not enabled and forced, or that lack one of their policies."""
    cursor.execute(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "ARRAY(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
    )
    state = {name: (enabled, forced, set(policies)) for name, enabled, forced, policies in cursor.fetchall()}
    out = []
    for protected in tables:
        if protected.table not in state:
            continue  # not created yet (a partial migrate)
        enabled, forced, policies = state[protected.table]
        if not (enabled and forced and set(POLICY_NAMES) <= policies):
            out.append(protected)
    return out


def ensure_row_level_security(using: str = "default", **kwargs) -> None:
    """post_migrate: give every firm table its policies; does nothing when they are all in place (so a
    flush run by the application role, which may not alter tables, passes)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        todo = missing(cursor, protected_tables())
        if todo:
            install(cursor, todo)
