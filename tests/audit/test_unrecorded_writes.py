"""Writes that send no post_save, so that the audit signals never see them: ``update()``,
``bulk_create()`` and ``bulk_update()``.

At run time, audited firm models' querysets record a ``create`` event per row of ``bulk_create`` and
refuse ``bulk_update`` (``accounts.tenancy.TenantQuerySet``). ``update()`` cannot be recorded there
with its "before" without reading every row first, so each call in the application's code is found
here and must be reviewed: a call on an audited model, or on a receiver this scan cannot name, needs
an entry below saying where the change is recorded or why it is not a change anyone relies on. A new
call fails this test until someone decides.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from audit.models import AuditEvent
from audit.recorder import UnrecordedWrite, is_audited

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "compliance", "config", "core", "market", "reports", "review", "vendors")
WRITES = {"update", "bulk_create", "bulk_update"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}

REVIEWED = {
    "compliance/services.py::refresh_applicability::update":
        "applicability is derived from the register; the register change that moved it is recorded",
    "compliance/services.py::rescore::update":
        "the cached score is derived data; the answer's own event is the record (see the docstring)",
    "compliance/upgrades.py::upgrade_assessment::update":
        "upgraded_from: the 'upgrade' transition event of the same batch names both assessments",
    "core/concurrency.py::save_versioned::update":
        "the version bump only (version is never logged); the save() that follows records the change",
    "market/selectors.py::_named::update": "a dict, not a queryset",
    "market/services.py::simulate_firm::update": "a dict, not a queryset",
    "reports/exports/jobs.py::dispatch::update":
        "dispatch bookkeeping of an export job, whose creation is recorded as the export",
    "reports/exports/jobs.py::report::update": "the job's progress (a heartbeat), not a change of any record",
    "reports/imports/apply.py::_write::update":
        "the version bump only (version is never logged); the save() that follows records the change",
    "review/services.py::_transition::update": "recorded by the transition event written right after it",
    "review/services.py::submit::update": "is_latest moves to the new submission, whose creation is recorded",
}


def _app_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _root(node: ast.expr, assigned: dict[str, ast.expr], depth: int = 0) -> str | None:
    """The model class a queryset expression starts from (``Vendor.objects.filter(...)`` -> Vendor),
    following a local variable once (``scoped = ExportJob.objects...``); None if it cannot tell."""
    saw_manager = False
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            saw_manager = saw_manager or node.attr in MANAGERS
            node = node.value
        elif isinstance(node, ast.Name):
            if saw_manager:
                return node.id
            if node.id in assigned and depth < 3:
                return _root(assigned[node.id], assigned, depth + 1)
            return None
        else:
            return None


class _Finder(ast.NodeVisitor):
    def __init__(self, relpath: str):
        self.relpath = relpath
        self.stack: list[tuple[str, dict[str, ast.expr]]] = []
        self.found: list[tuple[str, str | None]] = []

    def visit_FunctionDef(self, node):
        assigned: dict[str, ast.expr] = {}
        for child in ast.walk(node):
            if isinstance(child, ast.Assign) and len(child.targets) == 1 and isinstance(child.targets[0], ast.Name):
                assigned[child.targets[0].id] = child.value
        enclosing = dict(self.stack[-1][1]) if self.stack else {}
        self.stack.append((node.name, {**enclosing, **assigned}))
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITES:
            # update(something) with a positional argument is a dict's or a hash's, never a queryset's.
            # super().update(): the audited queryset's own implementation.
            mine = isinstance(func.value, ast.Call) and getattr(func.value.func, "id", "") == "super"
            if not (func.attr == "update" and node.args) and not mine:
                function, assigned = self.stack[-1] if self.stack else ("<module>", {})
                key = f"{self.relpath}::{function}::{func.attr}"
                self.found.append((key, _root(func.value, assigned)))
        self.generic_visit(node)


def write_calls() -> list[tuple[str, str | None]]:
    found = []
    for path in _app_files():
        finder = _Finder(path.relative_to(ROOT).as_posix())
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += finder.found
    return found


def _audited_names() -> tuple[set[str], set[str]]:
    models = apps.get_models()
    return {m.__name__ for m in models if is_audited(m)}, {m.__name__ for m in models}


def needing_review() -> set[str]:
    audited, known = _audited_names()
    return {key for key, model in write_calls() if model is None or model in audited or model not in known}


def test_every_unsignalled_write_of_audited_data_is_reviewed():
    unreviewed = sorted(needing_review() - set(REVIEWED))
    assert unreviewed == [], (
        "update()/bulk_create()/bulk_update() bypass the audit signals. Record the change (save() each row, "
        "or audit.recorder.record) or, if nobody relies on it, add the call to REVIEWED with the reason: "
        f"{unreviewed}"
    )


def test_the_reviewed_list_names_only_calls_that_still_exist():
    assert sorted(set(REVIEWED) - needing_review()) == []


def test_the_scan_finds_a_new_update_of_an_audited_model(tmp_path):
    source = (
        "def close(org):\n"
        "    Vendor.objects.for_org(org).update(status='exited')\n"
        "    scoped = Finding.objects.for_org(org)\n"
        "    scoped.filter(pk=1).update(status='closed')\n"
        "    Notification.objects.filter(organization=org).update(read=True)\n"
        "    {}.update(a=1)\n"
    )
    finder = _Finder("x.py")
    finder.visit(ast.parse(source))
    assert finder.found == [
        ("x.py::close::update", "Vendor"), ("x.py::close::update", "Finding"),
        ("x.py::close::update", "Notification"), ("x.py::close::update", None),
    ]
    audited, _known = _audited_names()
    assert {"Vendor", "Finding"} <= audited and "Notification" not in audited


def test_bulk_create_of_audited_firm_data_records_each_row(world):
    from audit.chain import verify_chain
    from tests.factories.vendors import make_provider
    from vendors.models import Vendor

    catalog = make_provider()
    vendors = Vendor.objects.bulk_create([
        Vendor(organization=world.firm_a, reference=f"BULK-{i}", catalog=catalog, name=f"Bulk {i}",
               category="cdn_security", jurisdiction="US", data_location="offshore")
        for i in range(3)
    ])
    events = AuditEvent.objects.for_org(world.firm_a).filter(object_type="vendors.Vendor", action="create")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(v.pk) for v in vendors)
    assert {e.changes["after"]["name"] for e in events} == {"Bulk 0", "Bulk 1", "Bulk 2"}
    assert verify_chain().ok


def test_bulk_update_of_audited_firm_data_is_refused(world):
    from tests.factories.vendors import make_vendor
    from vendors.models import Vendor

    vendor = make_vendor(world.firm_a)
    vendor.name = "renamed without a trace"
    with pytest.raises(UnrecordedWrite):
        Vendor.objects.for_org(world.firm_a).bulk_update([vendor], ["name"])
