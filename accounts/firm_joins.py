"""Finding firm data that a query on a shared table reaches through a join or a subquery.

A query on the provider catalog or a checklist can reach firm rows without naming a firm:
``values("vendors__name")``, ``annotate(Count("vendors"))``, ``Exists(Vendor.objects.filter(...))``.
:func:`unscoped_firm_tables` lists the firm tables such a query touches without narrowing them to
one firm (an ``organization`` equality or ``in`` on that very table, AND-ed into the WHERE clause).
"""

from __future__ import annotations

from functools import cache

from django.db.models.expressions import BaseExpression
from django.db.models.lookups import Exact, In
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, NothingNode, WhereNode


@cache
def _firm_tables() -> dict[str, bool]:
    """Firm tables by name; True for the ones with their own ``organization_id`` column, False for the
    many-to-many link tables of firm models (covered by the firm row they join to)."""
    from django.apps import apps

    from accounts.tenancy import is_firm_owned

    tables: dict[str, bool] = {}
    for model in apps.get_models():
        if not is_firm_owned(model):
            continue
        tables[model._meta.db_table] = True
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                tables.setdefault(through._meta.db_table, False)
    return tables


def _narrowed_aliases(node) -> set[str] | None:
    """Aliases whose rows the condition limits to named firms; None when it matches no row at all."""
    if isinstance(node, NothingNode):
        return None
    if isinstance(node, WhereNode):
        if node.negated:
            return set()
        results = [_narrowed_aliases(child) for child in node.children]
        if node.connector == AND:
            if any(r is None for r in results):
                return None
            return set().union(*results)
        live = [r for r in results if r is not None]
        if not live:
            return None
        return set.intersection(*live)
    if isinstance(node, Exact | In):
        lhs = node.lhs
        target = getattr(lhs, "target", None)
        if getattr(target, "column", None) == "organization_id" and node.rhs is not None:
            return {lhs.alias}
    return set()


def _subqueries(expression) -> list[Query]:
    found: list[Query] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, Query):
            found.append(node)
            continue
        query = getattr(node, "query", None)
        if isinstance(query, Query):
            found.append(query)
        if isinstance(node, WhereNode):
            stack.extend(node.children)
        elif isinstance(node, BaseExpression):
            stack.extend(e for e in node.get_source_expressions() if e is not None)
        rhs = getattr(node, "rhs", None)
        if isinstance(rhs, Query | BaseExpression):
            stack.append(rhs)
        lhs = getattr(node, "lhs", None)
        if isinstance(lhs, BaseExpression):
            stack.append(lhs)
    return found


def unscoped_firm_tables(query: Query, exempt: frozenset[str] = frozenset()) -> set[str]:
    """Firm tables this query (and its subqueries) reads without narrowing them to named firms."""
    firm_tables = _firm_tables()
    narrowed = _narrowed_aliases(query.where)
    if narrowed is None:  # .none(): nothing is read
        return set()
    # Joins trimmed away while the query was built stay in alias_map with no references: not in the SQL.
    joins = [j for alias, j in query.alias_map.items() if query.alias_refcount.get(alias)]
    unscoped: set[str] = set()
    for join in joins:
        table = join.table_name
        if table not in firm_tables or table in exempt:
            continue
        if join.table_alias in narrowed:
            continue
        # A link table is covered by the narrowed firm row joined through it.
        if not firm_tables[table] and any(
            j.parent_alias == join.table_alias and j.table_alias in narrowed for j in joins
        ):
            continue
        unscoped.add(table)
    expressions = [query.where, *query.annotations.values()]
    for expression in expressions:
        for subquery in _subqueries(expression):
            unscoped |= unscoped_firm_tables(subquery)
    return unscoped
