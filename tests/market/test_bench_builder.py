"""The market benches' COPY build (bench/_market_data.py) writes what its ORM build writes.

The benches' figures at 1M rest on the COPY path; this checks, at 2,000 dependencies with the same
seed, that both paths leave the same submitted rows and the same concentration figures (the page's
tables, nth parties, HHI with its trend, and the simulation's not-affected baseline), the aggregates
filled by production's refresh in both cases.
"""

import datetime

import pytest
from django.db import connection, transaction

from bench._market_data import MarketBuilder
from market import selectors
from review.models import SubmittedDependency

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="COPY is PostgreSQL's; on SQLite the builder only has the ORM path")

NOW = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)
SKIPPED = {"id", "organization", "submission", "created_at", "updated_at"}  # ids and insert times differ


def _builder() -> MarketBuilder:
    return MarketBuilder(label="Market", label_ko="시장", registration_block=500, seed=8, firms=20)


def _build(use_copy: bool) -> tuple:
    """One market of 20 firms x 100 dependencies, its figures and rows, then rolled back."""
    with transaction.atomic():
        builder = _builder()
        supervisor, providers, framework = builder.setup()  # found again: the same providers, same draws
        orgs = builder.write_market(0, 2_000, supervisor, providers, framework, now=NOW, use_copy=use_copy)
        builder.refresh(orgs)
        figures = (selectors.concentration_tables(supervisor, limit=None), selectors.nth_party(supervisor),
                   selectors.category_hhi(supervisor), selectors.services_per_kind(supervisor))
        fields = [f.attname for f in SubmittedDependency._meta.concrete_fields if f.name not in SKIPPED]
        rows = sorted(selectors.latest_dependencies(supervisor).values_list("organization__name", *fields))
        transaction.set_rollback(True)
    return figures, rows


@pytest.mark.django_db
def test_the_copy_build_gives_the_orm_builds_rows_and_concentration_figures():
    _builder().setup()  # the providers exist before either build, so both see the same ids
    orm_figures, orm_rows = _build(use_copy=False)
    copy_figures, copy_rows = _build(use_copy=True)
    assert len(orm_rows) == 2_000
    assert orm_figures[0]["providers"] and orm_figures[1] and orm_figures[2]  # figures to compare
    assert copy_rows == orm_rows
    assert copy_figures == orm_figures
