"""Factories, one module per app. TENANT_FACTORIES maps every firm-owned model to a factory
that builds one row for a given organisation: the route matrix uses it to create firm B's objects.

Each app module defines ``FACTORIES: dict[type[Model], Callable[[Organization], Model]]``.
"""

import importlib

TENANT_FACTORIES: dict = {}
# Global (shared) models named in URLs: model -> function(created) where ``created`` maps the firm objects
# already built for the same URL (so a requirement can be one of that assessment's requirements).
GLOBAL_FACTORIES: dict = {}
for _name in ("accounts", "vendors", "compliance", "reports", "review", "market", "outages"):
    try:
        _module = importlib.import_module(f"tests.factories.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"tests.factories.{_name}":
            raise
        continue
    TENANT_FACTORIES.update(_module.FACTORIES)
    GLOBAL_FACTORIES.update(getattr(_module, "GLOBAL_FACTORIES", {}))
