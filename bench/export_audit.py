"""Benchmark: the audit workbook of a large firm, against raw openpyxl write-only writing the same cells.

    make bench-deps                                   # lxml and xlsxwriter into var/bench-site (not the venv)
    .venv/bin/python bench/export_audit.py            # 1x and 2x, 3 repeats, fresh SQLite databases under /tmp
    .venv/bin/python bench/export_audit.py --scale 1 --repeats 5
    DATABASE_URL=postgres://... .venv/bin/python bench/export_audit.py --scale 1   # on PostgreSQL (adds rows!)

1x = 2,000 vendors, 500 services, 5,000 dependencies (4,000 with a measure, 3,000 tested), a 300-requirement
assessment (synthetic framework, every requirement answered), 50,000 audit events on the assessment's answers
(all of them land in the Audit trail sheet). Data is written with bulk_create. Each measurement runs in a
fresh interpreter so that peak RSS (ru_maxrss) is the export's own, not the data builder's.

Sides, each repeat running all of them one after the other: our export (reads the database, writes every
style, the chart, filters); raw openpyxl write-only replaying the same cell values and number formats; the
same two with openpyxl on lxml (OPENPYXL_LXML=True, lxml from var/bench-site); xlsxwriter constant_memory
replaying the same cells (the floor). Wall and CPU time (process_time) are both printed: on a shared machine
the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
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
    start, cpu = time.perf_counter(), time.process_time()
    with translation.override("en"):
        rows = build_audit_workbook(org, ids["assessment"], out, generated_by=user)
    return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, "rows": rows}


def measure_heap(ids: dict, out: str) -> dict:
    """The Python-heap peak of one export (tracemalloc slows every allocation, so never timed)."""
    from django.utils import translation

    from accounts.models import Organization, User
    from reports.workbooks.audit import build_audit_workbook

    org = Organization.objects.get(pk=ids["organization"])
    user = User.objects.get(pk=ids["user"])
    tracemalloc.start()
    with translation.override("en"):
        build_audit_workbook(org, ids["assessment"], out, generated_by=user)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"traced_peak_mb": peak / 2**20}


def dump_cells(xlsx: str, cells_path: str) -> None:
    """The exact cells of our workbook (values and number formats), for the raw writers to replay."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    sheets = [(ws.title, [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]) for ws in wb]
    with open(cells_path, "wb") as fh:
        pickle.dump(sheets, fh, protocol=pickle.HIGHEST_PROTOCOL)


def measure_raw(cells_path: str, out: str) -> dict:
    """A floor: openpyxl write-only writing the same cells, date/number formats included, nothing else."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    with open(cells_path, "rb") as fh:
        sheets = pickle.load(fh)
    start, cpu = time.perf_counter(), time.process_time()
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
    return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}


def measure_xlsxwriter(cells_path: str, out: str) -> dict:
    """The lowest floor: xlsxwriter in constant-memory mode writing the same cells and number formats."""
    import datetime

    import xlsxwriter

    with open(cells_path, "rb") as fh:
        sheets = pickle.load(fh)
    start, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats: dict = {}
    for title, rows in sheets:
        ws = wb.add_worksheet(title)
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
        for r, row in enumerate(rows):
            for c, (value, fmt) in enumerate(row):
                if value is None:
                    continue
                style = None
                if fmt != "General":
                    style = formats.get(fmt) or formats.setdefault(fmt, wb.add_format({"num_format": fmt}))
                if isinstance(value, str):
                    write_string(r, c, value, style)
                elif isinstance(value, (datetime.date, datetime.datetime)):
                    write_datetime(r, c, value, style)
                else:
                    write_number(r, c, value, style)
    wb.close()
    return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}


BENCH_SITE = ROOT / "var" / "bench-site"  # lxml and xlsxwriter, for the benchmark only (make bench-deps)


def _child(mode: str, var_dir: str, *args: str, lxml: bool = False) -> dict:
    env = dict(os.environ, OPENPYXL_LXML="True" if lxml else "False")
    if mode in ("xlsxwriter",) or lxml:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_SITE), env.get("PYTHONPATH")]))
    cmd = [sys.executable, __file__, "--child", mode, "--var-dir", var_dir, *args]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(scale: int, repeats: int) -> dict:
    """Ours and the floors side by side: each repeat runs every side once, one after the other, in
    fresh processes, so a busy moment of the machine hits all of them; medians over the repeats."""
    var_dir = tempfile.mkdtemp(prefix=f"backstop-bench-{scale}x-")
    ids = json.dumps(_child("build", var_dir, "--scale", str(scale)))
    ours = str(Path(var_dir) / "audit.xlsx")
    cells = str(Path(var_dir) / "cells.pickle")
    first = _child("export", var_dir, "--ids", ids, "--out", ours)
    _child("dump", var_dir, "--out", ours, "--cells", cells)
    extras = BENCH_SITE.is_dir()
    sides = [("ours", "export", False), ("raw", "raw", False)]
    if extras:
        sides += [("ours_lxml", "export", True), ("raw_lxml", "raw", True), ("xlsxwriter", "xlsxwriter", False)]
    times: dict[str, list[float]] = {name: [] for name, _m, _l in sides}
    cpu: dict[str, list[float]] = {name: [] for name, _m, _l in sides}
    rss: dict[str, list[float]] = {name: [] for name, _m, _l in sides}
    for _ in range(repeats):
        for name, mode, lxml in sides:
            out = str(Path(var_dir) / f"{name}.xlsx")
            args = ["--ids", ids, "--out", out] if mode == "export" else ["--cells", cells, "--out", out]
            result = _child(mode, var_dir, *args, lxml=lxml)
            times[name].append(result["wall_s"])
            cpu[name].append(result["cpu_s"])
            rss[name].append(result["peak_rss_mb"])
    heap = _child("heap", var_dir, "--ids", ids, "--out", str(Path(var_dir) / "traced.xlsx"))
    med = {name: statistics.median(values) for name, values in times.items()}
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    return {"scale": scale, "rows": first["rows"], "times": times, "median": med, "cpu": cpu, "median_cpu": med_cpu,
            "peak_rss_mb": max(rss["ours"]), "traced_peak_mb": heap["traced_peak_mb"],
            "file_mb": Path(ours).stat().st_size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, action="append")
    parser.add_argument("--repeats", type=int, default=3)
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
        elif args.child == "heap":
            result = measure_heap(json.loads(args.ids), args.out)
        elif args.child == "dump":
            dump_cells(args.out, args.cells)
            result = {}
        elif args.child == "xlsxwriter":
            result = measure_xlsxwriter(args.cells, args.out)
        else:
            result = measure_raw(args.cells, args.out)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    if not BENCH_SITE.is_dir():
        print(f"# {BENCH_SITE} missing (make bench-deps): lxml and xlsxwriter sides skipped")
    for scale in args.scale or [1, 2]:
        r = run(scale, args.repeats)
        med, cpu = r["median"], r["median_cpu"]
        print(f"\n{r['scale']}x: {r['rows']} rows, {args.repeats} repeats, file {r['file_mb']:.1f} MB, "
              f"peak RSS {r['peak_rss_mb']:.1f} MB, Python heap peak {r['traced_peak_mb']:.1f} MB")
        print(f"{'side':<12} {'wall s':>7} {'CPU s':>7}  wall runs / CPU runs")
        for name in r["times"]:
            print(f"{name:<12} {med[name]:>7.2f} {cpu[name]:>7.2f}  "
                  + " ".join(f"{v:.2f}" for v in r["times"][name]) + " / "
                  + " ".join(f"{v:.2f}" for v in r["cpu"][name]))
        pairs = [("ours / raw openpyxl, neither with lxml", "ours", "raw")]
        if "raw_lxml" in med:
            pairs += [("ours / raw openpyxl, both with lxml", "ours_lxml", "raw_lxml"),
                      ("ours (no lxml) / raw openpyxl with lxml", "ours", "raw_lxml"),
                      ("ours / xlsxwriter constant_memory", "ours", "xlsxwriter")]
        for text, a, b in pairs:
            print(f"ratio {text:<42} wall {med[a] / med[b]:.2f}  CPU {cpu[a] / cpu[b]:.2f}", flush=True)

if __name__ == "__main__":
    main()
