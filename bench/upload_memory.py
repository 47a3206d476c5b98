"""Benchmark: peak memory of reading an uploaded register workbook, whatever its shape.

    .venv/bin/python bench/upload_memory.py

    .venv/bin/python bench/upload_memory.py --apply   # also: the 50,000-row file read and applied

Builds each file once, then parses it in a fresh interpreter (so the peak is the parse's own):
a full template (50,000 data rows, the import's limit), a row of 2.8 million cells (the shape that grew the
server to 1.35 GB), the same row of short cells, 100,000 one-cell rows, and a small register with 400 extra
sheets. With --apply the full template is also read and applied in one interpreter, as the confirm step
does. Prints file size, uncompressed size, outcome, wall time and peak RSS. Goal: every peak under 150 MB.
"""

from __future__ import annotations

import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def _high_water_mb() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    # As a production worker runs: under DEBUG Django keeps the last 9,000 queries (the audit inserts are large).
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


def _add_row(data: bytes, member: str, row_xml: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == member:
                body = body.replace(b"</sheetData>", row_xml.encode() + b"</sheetData>")
            target.writestr(item, body)
    return out.getvalue()


def _with_sheets(data: bytes, extra: int) -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    for i in range(extra):
        sheet = workbook.create_sheet(f"Notes {i}")
        sheet.append([f"note {i}", i])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_files(directory: Path) -> list[Path]:
    from bench.import_register import build_rows
    from reports.imports.sample import register_workbook

    keys = [f"bench-provider-{i}" for i in range(12)]
    full = register_workbook(build_rows(keys, 20_000, 10_000, 12_000, 8_000))
    small = register_workbook(build_rows(keys, 2, 2, 2, 2))
    rng = random.Random(7)
    wide = _add_row(small, "xl/worksheets/sheet1.xml", '<row r="10">' + "".join(
        f'<c t="n"><v>{rng.randrange(10**9)}</v></c>' for _ in range(2_800_000)) + "</row>")
    tall = _add_row(small, "xl/worksheets/sheet1.xml", "".join(
        f'<row r="{r}"><c r="B{r}" t="n"><v>{rng.randrange(10**9)}</v></c></row>' for r in range(10, 100_010)))
    files = []
    # 2.8 million cells under the uncompressed cap: short numbers, as in the reported file.
    wide_small = _add_row(small, "xl/worksheets/sheet1.xml", '<row r="10">' + "".join(
        f"<c><v>{rng.randrange(10)}</v></c>" for _ in range(2_800_000)) + "</row>")
    for name, data in (("full-template-50k-rows", full), ("one-row-2.8M-cells", wide),
                       ("one-row-2.8M-short-cells", wide_small), ("100k-one-cell-rows", tall),
                       ("400-extra-sheets", _with_sheets(small, 400))):
        path = directory / f"{name}.xlsx"
        path.write_bytes(data)
        files.append(path)
    return files


def parse_one(path: str, apply: bool = False) -> None:
    """Runs in its own interpreter: parse (and with ``apply`` apply) the file for a fresh firm, print the outcome."""
    _django()
    from accounts.models import Organization, OrganizationKind
    from reports.imports.limits import ImportRefused
    from reports.imports.register import apply_plan, parse_register
    from vendors.models import ProviderCatalog

    for i in range(12):
        ProviderCatalog.objects.get_or_create(key=f"bench-provider-{i}", defaults={
            "legal_name": f"Bench Provider {i}", "category": "cloud", "country": "US"})
    n = Organization.objects.count() + 1
    org = Organization.objects.create(name=f"Bench upload {n}", kind=OrganizationKind.BANK,
                                      business_registration_number=f"999-{n % 100:02d}-{n:05d}")
    baseline = _high_water_mb()
    started = time.perf_counter()
    with open(path, "rb") as file:
        try:
            plan = parse_register(file, org)
            outcome = f"read: {len(plan.errors)} row errors"
            if apply:
                applied = apply_plan(plan, org, filename=Path(path).name)
                outcome = f"applied: {applied.totals()['create']} created"
        except ImportRefused as refused:
            outcome = f"refused ({refused.code})"
    elapsed = time.perf_counter() - started
    peak = _high_water_mb()
    print(f"{outcome}|{elapsed:.2f}|{baseline:.0f}|{peak:.0f}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("--parse", "--parse-apply"):
        parse_one(sys.argv[2], apply=sys.argv[1] == "--parse-apply")
        return
    with_apply = "--apply" in sys.argv[1:]
    _django()
    directory = Path(tempfile.mkdtemp(prefix="backstop-upload-"))
    files = build_files(directory)
    print(f"{'file':<26} {'size MB':>8} {'inflated MB':>12}  {'outcome':<28} {'s':>6}"
          f" {'RSS before':>10} {'peak RSS':>9}")
    env = {**os.environ, "BACKSTOP_VAR_DIR": tempfile.mkdtemp(prefix="backstop-upload-db-")}
    # Migrated once here, so each child's peak RSS is the parse's, not the migrations'.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    runs = [("--parse", path) for path in files] + ([("--parse-apply", files[0])] if with_apply else [])
    for mode, path in runs:
        inflated = sum(m.file_size for m in zipfile.ZipFile(path).infolist()) / MB
        result = subprocess.run([sys.executable, __file__, mode, str(path)], capture_output=True, text=True,
                                env=env, check=False)
        lines = result.stdout.strip().splitlines()
        line = lines[-1] if lines else f"error {result.stderr[-200:]}|0|0|0"
        outcome, seconds, before, peak = line.split("|")
        print(f"{path.stem:<26} {path.stat().st_size / MB:8.1f} {inflated:12.1f}  {outcome:<28} {float(seconds):6.2f}"
              f" {before:>7} MB {peak:>6} MB")


if __name__ == "__main__":
    main()
