"""Market aggregates: the concentration figures kept up to date instead of scanned (issue 16).

A firm's *market set* is its latest submission unless withdrawn (``market.selectors.latest_dependencies``).
Whenever it changes (``review.services.submit`` and ``withdraw``), :func:`refresh_market_aggregates_for`
runs in the same transaction: it takes the firm's previous contribution rows off ``MarketTotal``, replaces
them with those of its current set, and adds those. Each firm's contribution is what today's full scan
(``market.concentration.tables`` and friends) gives for that firm alone; the scan's last step sums over
firms, so the totals are the scan's result (tests/market/test_market_aggregates.py checks it over random
histories). ``manage.py rebuild_market_aggregates`` recomputes everything from the submitted rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from market import concentration
from market.models import MarketContribution, MarketTotal, SubmissionCriticalCount
from review.models import Submission, SubmittedDependency
from vendors.rules import CRITICAL_TIER

COLUMNS = ("critical_services", "important_services", "dependencies", "tested", "services")
_KEYS = {"providers": ("provider_id", "category", "country"), "parents": ("parent",),
         "countries": ("value",), "locations": ("value",)}


def _text(value) -> str:
    return "" if value is None else str(value)


def contributions(submission: Submission) -> list[dict]:
    """The rows one submission adds to the market (firms are counted once per row, in the totals)."""
    org = submission.organization
    deps = SubmittedDependency.objects.for_org(org).filter(submission=submission)
    out: list[dict] = []
    kinds = sorted(set(deps.values_list("firm_kind", flat=True).distinct()))
    for kind in kinds:
        mine = deps.filter(firm_kind=kind)
        for table, rows in concentration.tables(mine).items():
            for r in rows:
                keys = [_text(r[k]) for k in _KEYS[table]] + ["", ""]
                out.append({"firm_kind": kind, "table": table, "k1": keys[0], "k2": keys[1], "k3": keys[2],
                            **{c: r.get(c, 0) for c in COLUMNS if c != "services"}, "services": 0})
        nth: dict[str, int] = defaultdict(int)
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        services = set()
        for provider, subs, ref in mine.values_list("provider_id", "subcontractor_ids", "service_reference"):
            services.add(ref)
            for sub in subs or ():
                nth[str(sub)] += 1
                pairs[(str(sub), str(provider))] += 1
        blank = dict.fromkeys(COLUMNS, 0)
        out += [{**blank, "firm_kind": kind, "table": "nth", "k1": s, "k2": "", "k3": "", "dependencies": n}
                for s, n in nth.items()]
        out += [{**blank, "firm_kind": kind, "table": "nth_vendor", "k1": s, "k2": p, "k3": "", "dependencies": n}
                for (s, p), n in pairs.items()]
        out.append({**blank, "firm_kind": kind, "table": "services", "k1": "", "k2": "", "k3": "",
                    "services": len(services)})
    return out


def _apply(rows: list[dict], sign: int) -> None:
    """Add (sign 1) or take off (sign -1) firm contributions, each counting one firm, in key order
    (two firms submitting at once lock the shared total rows in the same order: no deadlock)."""
    if not rows:
        return
    table = MarketTotal._meta.db_table
    cols = ("firms", *COLUMNS)
    sql = (f"INSERT INTO {table} (firm_kind, \"table\", k1, k2, k3, {', '.join(cols)}) "  # noqa: S608
           f"VALUES (%s, %s, %s, %s, %s, {', '.join(['%s'] * len(cols))}) "
           "ON CONFLICT (firm_kind, \"table\", k1, k2, k3) DO UPDATE SET "
           + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in cols))
    key = ("firm_kind", "table", "k1", "k2", "k3")
    params = [[*(r[k] for k in key), sign, *(sign * int(r[c]) for c in COLUMNS)]
              for r in sorted(rows, key=lambda r: tuple(r[k] for k in key))]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        cursor.execute(f"DELETE FROM {table} WHERE firms <= 0")  # noqa: S608


def _market_set(org) -> Submission | None:
    return (Submission.objects.for_org(org).filter(is_latest=True).exclude(decision="withdrawn")
            .order_by("-submitted_at", "-pk").first())


def _critical_counts(submission: Submission) -> None:
    """The HHI trend's inputs for a submission, once (its dependencies never change)."""
    org = submission.organization
    if SubmissionCriticalCount.objects.for_org(org).filter(submission=submission).exists():
        return
    rows = (SubmittedDependency.objects.for_org(org).filter(submission=submission, tier=CRITICAL_TIER)
            .values_list("provider_category", "provider_id").annotate(n=Count("id")).order_by())
    SubmissionCriticalCount.objects.bulk_create([
        SubmissionCriticalCount(organization=org, submission=submission, category=c, provider_id=p, dependencies=n)
        for c, p, n in rows])


def month_of(at) -> str:
    """The trend's month of a submission time ("YYYY-MM", local time), as the page labels it."""
    return timezone.localtime(at).strftime("%Y-%m")


HHI_SCOPE_ALL = ""  # the trend over every firm kind (a firm whose kind changed is one chain here)


def hhi_contributions(org, subs: list[tuple]) -> list[dict]:
    """What the firm adds to the monthly HHI trend: per scope (every kind, and each kind it submitted as),
    a ``hhi_months`` row per month it submitted in (the trend's months) and ``hhi`` rows (k1 month,
    k2 category, k3 provider) with the *change* in its critical dependencies at that month's end.

    At a month's end the firm counts with its latest submission up to then, not at all if that one is
    withdrawn (``market.selectors._category_hhi_by_month``); summing a firm's changes up to a month gives
    that, and summing over firms gives the market, so the page reads months x categories x providers rows.
    """
    counts: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    for sub_id, cat, provider, n in (SubmissionCriticalCount.objects.for_org(org)
                                     .values_list("submission_id", "category", "provider_id", "dependencies")):
        counts[sub_id][(cat, provider)] = n
    blank = dict.fromkeys(COLUMNS, 0)
    out: list[dict] = []
    for scope in sorted({HHI_SCOPE_ALL, *(kind for _, kind, _, _ in subs)}):
        at_month_end: dict[str, dict] = {}
        for pk, kind, at, decision in subs:  # oldest first: the month's last submission stays
            if scope in (HHI_SCOPE_ALL, kind):
                at_month_end[month_of(at)] = {} if decision == "withdrawn" else counts.get(pk, {})
        before: dict = {}
        for month in sorted(at_month_end):
            out.append({**blank, "firm_kind": scope, "table": "hhi_months", "k1": month, "k2": "", "k3": ""})
            state = at_month_end[month]
            for cat, provider in sorted(set(before) | set(state)):
                change = state.get((cat, provider), 0) - before.get((cat, provider), 0)
                if change:
                    out.append({**blank, "firm_kind": scope, "table": "hhi", "k1": month, "k2": cat,
                                "k3": str(provider), "dependencies": change})
            before = state
    return out


@transaction.atomic
def refresh_market_aggregates_for(org) -> None:
    """Replace the firm's contribution to the market totals with its current market set's, and its
    contribution to the monthly HHI trend with that of its whole submission history."""
    from accounts.models import Organization

    Organization.objects.select_for_update().filter(pk=org.pk).first()  # one refresh per firm at a time
    mine = MarketContribution.objects.for_org(org)
    old = list(mine.values("firm_kind", "table", "k1", "k2", "k3", *COLUMNS))
    _apply(old, -1)
    mine.delete()
    current = _market_set(org)
    for sub in Submission.objects.for_org(org).filter(is_latest=True):
        _critical_counts(sub)
    subs = list(Submission.objects.for_org(org).values_list("pk", "firm_kind", "submitted_at", "decision")
                .order_by("submitted_at", "pk"))
    if not subs:
        return
    rows = (contributions(current) if current is not None else []) + hhi_contributions(org, subs)
    anchor = current.pk if current is not None else subs[-1][0]
    MarketContribution.objects.bulk_create([MarketContribution(organization=org, submission_id=anchor, **r)
                                            for r in rows], batch_size=1000)
    _apply(rows, 1)


@transaction.atomic
def rebuild_all() -> int:
    """Every total and contribution from the submitted rows (an operator's command, under maintenance)."""
    from accounts import rls
    from accounts.models import Organization

    n = 0
    with rls.maintenance():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MarketTotal._meta.db_table}")  # noqa: S608
            cursor.execute(f"DELETE FROM {MarketContribution._meta.db_table}")  # noqa: S608
        for org in Organization.objects.order_by("pk"):
            with rls.on_behalf_of(org):
                subs = list(Submission.objects.for_org(org))
                for sub in subs:
                    _critical_counts(sub)
                if subs:
                    refresh_market_aggregates_for(org)
                    n += 1
    return n
