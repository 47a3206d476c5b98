"""The import reads a constant number of queries whatever the number of rows (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.imports.register import apply_plan, parse_register
from tests.reports.conftest import xlsx


def _register(n: int) -> dict:
    vendors = [{"reference": f"V-{i}", "catalog": "aws", "name": f"Vendor {i}", "category": "cloud",
                "jurisdiction": "KR", "data_location": "kr_only", "subcontractors": "letsencrypt"} for i in range(n)]
    services = [{"reference": f"S-{i}", "name": f"Service {i}", "importance": "critical", "rto_minutes": 60,
                 "max_tolerable_downtime_minutes": 120} for i in range(n)]
    deps = [{"service_ref": f"S-{i}", "vendor_ref": f"V-{i}", "role": "hosting"} for i in range(n)]
    measures = [{"service_ref": f"S-{i}", "vendor_ref": f"V-{i}", "role": "hosting", "strategy": "warm_standby",
                 "alternate_provider": "naver-cloud", "shared_upstreams": "cloudflare"} for i in range(n)]
    return {"Vendors": vendors, "Services": services, "Dependencies": deps, "Redundancy": measures}


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def test_dry_run_and_no_op_reimport_cost_the_same_queries_at_1_and_50_rows(
    world, catalog, django_assert_max_num_queries
):
    counts = {}
    for n, org in ((1, world.firm_a), (50, world.firm_b)):
        rows = _register(n)
        fresh = _queries(lambda rows=rows, org=org: parse_register(xlsx(rows), org))
        apply_plan(parse_register(xlsx(rows), org), org, None)
        reimport = parse_register(xlsx(rows), org)
        assert reimport.totals()["unchanged"] == 4 * n
        again = _queries(lambda rows=rows, org=org: parse_register(xlsx(rows), org))
        no_op = _queries(lambda reimport=reimport, org=org: apply_plan(reimport, org, None))
        counts[n] = (fresh, again, no_op)
    assert counts[1] == counts[50], counts
    with django_assert_max_num_queries(counts[1][1]):
        parse_register(xlsx(_register(50)), world.firm_b)
