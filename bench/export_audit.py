"""Benchmark: the audit workbook of a large firm, against raw openpyxl write-only writing the same cells.

    .venv/bin/python bench/export_audit.py            # 1x and 2x, fresh SQLite databases under /tmp
    .venv/bin/python bench/export_audit.py --scale 1  # one size only
    DATABASE_URL=postgres://... .venv/bin/python bench/export_audit.py --scale 1   # on PostgreSQL (adds rows!)

1x = 2,000 vendors, 500 services, 5,000 dependencies (4,000 with a measure, 3,000 tested), a 300-requirement
assessment (synthetic framework, every requirement answered), 50,000 audit events on the assessment's answers
(all of them land in the Audit trail sheet). Data is written with bulk_create. Each measurement runs in a
fresh interpreter so that peak RSS (ru_maxrss) is the export's own, not the data builder's.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str | None) -> None:
    if var_dir and not os.environ.get("DATABASE_URL"):
        os.environ["BACKSTOP_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()


def build(scale: int) -> dict:
    import datetime
    import hashlib

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import Organization, User
    from audit.models import AuditEvent
    from compliance.models import Answer, Assessment, Framework, Requirement, Section
    from vendors.models import (
        BusinessService,
        Dependency,
        FailoverTest,
        Incident,
        ProviderCatalog,
        RedundancyMeasure,
        Vendor,
    )

    n_vendors, n_services, n_deps, n_events = 2000 * scale, 500 * scale, 5000 * scale, 50_000 * scale
    tag = f"bench-{scale}-{int(time.time())}"
    org = Organization.objects.create(name=f"Bench Bank {tag}", name_ko="벤치은행", kind="bank",
                                      business_registration_number=f"9{int(time.time()) % 100:02d}-81-{scale:05d}")
    user = User.objects.create_user(email=f"{tag}@bench.test", password="x" * 12)
    providers = ProviderCatalog.objects.bulk_create([
        ProviderCatalog(key=f"{tag}-p{i}", legal_name=f"{tag} Provider {i} Inc.", country="US",
                        category="cdn_security") for i in range(200)
    ])
    vendors = Vendor.objects.bulk_create([
        Vendor(organization=org, reference=f"V-{i:05d}", catalog=providers[i % 200], name=f"Vendor {i} CDN and WAF",
               category="cdn_security", jurisdiction="US", data_location="offshore",
               contract_start=datetime.date(2024, 1, 1), contract_end=datetime.date(2027, 1, 1),
               notice_period_days=90) for i in range(n_vendors)
    ], batch_size=2000)
    services = BusinessService.objects.bulk_create([
        BusinessService(organization=org, reference=f"S-{i:05d}", name=f"Service {i}",
                        importance=["critical", "important", "other"][i % 3], rto_minutes=60,
                        max_tolerable_downtime_minutes=240, customers_affected=10_000 + i) for i in range(n_services)
    ], batch_size=2000)
    deps = Dependency.objects.bulk_create([
        Dependency(organization=org, service=services[i % n_services],
                   vendor=vendors[(i * 7 + i // n_services) % n_vendors], role="cdn", substitutability="1w_4w",
                   computed_tier="T1" if i % 4 == 0 else "T2", tier_score=35, tier_gates=["G3"],
                   notes="Edge provider in front of every channel; see the runbook.") for i in range(n_deps)
    ], batch_size=2000)
    measures = RedundancyMeasure.objects.bulk_create([
        RedundancyMeasure(organization=org, dependency=deps[i], strategy="active_passive",
                          alternate_provider=providers[(i + 1) % 200], expected_switch_minutes=15)
        for i in range(int(n_deps * 0.8))
    ], batch_size=2000)
    today = timezone.localdate()
    FailoverTest.objects.bulk_create([
        FailoverTest(organization=org, measure=measures[i], tested_on=today - datetime.timedelta(days=30 + i % 400),
                     scenario="Switch the CDN to the alternate", result=["pass", "partial", "fail"][i % 3],
                     achieved_recovery_minutes=20 + i % 90) for i in range(int(n_deps * 0.6))
    ], batch_size=2000)
    now = timezone.now()
    Incident.objects.bulk_create([
        Incident(organization=org, reference=f"INC-{i:05d}", provider=providers[i % 200],
                 started_at=now - datetime.timedelta(days=i + 1, hours=3),
                 ended_at=now - datetime.timedelta(days=i + 1),
                 users_affected=1000 + i, customer_impact="Customers could not log in.") for i in range(200 * scale)
    ], batch_size=2000)

    framework = Framework.objects.create(code=f"BENCH-{tag}", version="2025.1", scope="firm", name_ko="벤치 점검표",
                                         name_en="Bench checklist", checksum="0" * 64)
    sections = Section.objects.bulk_create([
        Section(framework=framework, code=f"S{i}", name_ko=f"영역 {i}", name_en=f"Section {i}", order=i)
        for i in range(10)
    ])
    reqs = Requirement.objects.bulk_create([
        Requirement(framework=framework, section=sections[i % 10], ref=f"B-{i:03d}", order=i,
                    text_ko=f"요건 {i}: 제3자 위험관리 절차를 문서화하고 이사회가 승인하였는가?",
                    text_en=f"Requirement {i}: is the third-party risk procedure documented and board-approved?",
                    weight=1 + i % 5, critical=i % 50 == 0) for i in range(300)
    ])
    Framework.objects.filter(pk=framework.pk).update(published_at=now)
    assessment = Assessment.objects.create(
        organization=org, framework=framework, title="Annual TPRM 2025", period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        applicability={str(r.pk): {"ref": r.ref, "applies": True, "reasons": []} for r in reqs},
    )
    answers = Answer.objects.bulk_create([
        Answer(organization=org, assessment=assessment, requirement=r, response=["compliant", "partial"][i % 2],
               comment="Procedure TPRM-01 approved by the board on 2025-03-14.", answered_by=user, answered_at=now)
        for i, r in enumerate(reqs)
    ])
    from compliance.services import rescore

    rescore(assessment)
    events = []
    prev = "0" * 64
    first = AuditEvent.objects.chain_of(org.pk).count()  # after the setup's own events
    for i in range(n_events):
        answer = answers[i % 300]
        h = hashlib.sha256(f"{tag}{i}".encode()).hexdigest()
        events.append(AuditEvent(
            created_at=now, actor=user, actor_email=user.email, organization=org, action="update",
            object_type="compliance.Answer", object_id=str(answer.pk), object_repr=f"B-{i % 300:03d}: Compliant",
            changes={"before": {"comment": "draft"}, "after": {"comment": f"revision {i}"}}, seq=first + i + 1,
            prev_hash=prev, hash=h,
        ))
        prev = h
        if len(events) == 5000:
            AuditEvent.objects.bulk_create(events)
            events = []
    AuditEvent.objects.bulk_create(events)
    return {"organization": org.pk, "assessment": assessment.pk, "user": user.pk}


def measure_export(ids: dict, out: str) -> dict:
    from django.utils import translation

    from accounts.models import Organization, User
    from reports.workbooks.audit import build_audit_workbook

    org = Organization.objects.get(pk=ids["organization"])
    user = User.objects.get(pk=ids["user"])
    # Timed without tracemalloc (it slows every allocation several-fold); a second build measures
    # the Python-heap peak.
    start = time.perf_counter()
    with translation.override("en"):
        rows = build_audit_workbook(org, ids["assessment"], out, generated_by=user)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    with translation.override("en"):
        build_audit_workbook(org, ids["assessment"], out + ".traced", generated_by=user)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"wall_s": wall, "rows": rows, "rss_after_timed_mb": rss, "traced_peak_mb": traced_peak / 2**20}


def dump_cells(xlsx: str, cells_path: str) -> None:
    """The exact cells of our workbook (values and number formats), for the raw writer to replay."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    sheets = [(ws.title, [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]) for ws in wb]
    with open(cells_path, "wb") as fh:
        pickle.dump(sheets, fh, protocol=pickle.HIGHEST_PROTOCOL)


def measure_raw(cells_path: str, out: str) -> dict:
    """The floor: openpyxl write-only writing the same cells, date/number formats included, nothing else."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    with open(cells_path, "rb") as fh:
        sheets = pickle.load(fh)
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            values = []
            for value, fmt in row:
                if fmt != "General" and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = fmt
                    values.append(cell)
                else:
                    values.append(value)
            ws.append(values)
    wb.save(out)
    return {"wall_s": time.perf_counter() - start}


def _child(mode: str, var_dir: str, *args: str) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--var-dir", var_dir, *args]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(scale: int) -> dict:
    var_dir = tempfile.mkdtemp(prefix=f"backstop-bench-{scale}x-")
    ids = _child("build", var_dir, "--scale", str(scale))
    ours = str(Path(var_dir) / "audit.xlsx")
    raw = str(Path(var_dir) / "raw.xlsx")
    cells = str(Path(var_dir) / "cells.pickle")
    export = _child("export", var_dir, "--ids", json.dumps(ids), "--out", ours)
    _child("dump", var_dir, "--out", ours, "--cells", cells)
    floor = _child("raw", var_dir, "--cells", cells, "--out", raw)
    return {"scale": scale, **{f"export_{k}": v for k, v in export.items()},
            "raw_wall_s": floor["wall_s"], "ratio": export["wall_s"] / floor["wall_s"],
            "file_mb": Path(ours).stat().st_size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, action="append")
    parser.add_argument("--child")
    parser.add_argument("--var-dir")
    parser.add_argument("--ids")
    parser.add_argument("--out")
    parser.add_argument("--cells")
    args = parser.parse_args()
    if args.child:
        _setup(args.var_dir)
        if args.child == "build":
            result = build(args.scale[0])
        elif args.child == "export":
            result = measure_export(json.loads(args.ids), args.out)
        elif args.child == "dump":
            dump_cells(args.out, args.cells)
            result = {}
        else:
            result = measure_raw(args.cells, args.out)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    print(f"{'scale':>5} {'rows':>8} {'export s':>9} {'raw s':>7} {'ratio':>6} {'peak RSS MB':>12} "
          f"{'py peak MB':>11} {'file MB':>8}")
    for scale in args.scale or [1, 2]:
        r = run(scale)
        print(f"{r['scale']:>4}x {r['export_rows']:>8} {r['export_wall_s']:>9.2f} {r['raw_wall_s']:>7.2f} "
              f"{r['ratio']:>6.2f} {r['export_rss_after_timed_mb']:>12.1f} {r['export_traced_peak_mb']:>11.1f} "
              f"{r['file_mb']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
