"""Schemathesis hooks for tests/contract/run_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

Negative testing adds a header the schema does not declare and expects a 4xx. No HTTP API refuses an unknown
header (proxies and browsers add their own), so those cases say nothing about Backstop: they are left out.
Every other negative case (bad query, body, path, declared headers) is still sent and must be refused.
"""

import schemathesis

UNDECLARED_HEADER = "x-schemathesis-unknown-property"


@schemathesis.hook
def filter_case(ctx, case) -> bool:
    headers = {name.lower() for name in (case.headers or {})}
    return UNDECLARED_HEADER not in headers
