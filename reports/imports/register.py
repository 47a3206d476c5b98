"""The vendor register import, in three calls:

* ``build_template(language)`` — the xlsx to fill in (bilingual headers, drop-downs, instructions);
* ``parse_register(file, organization)`` — a dry run: an ImportPlan with per-row errors
  (sheet, row, column, message) and per-sheet counts of creates / updates / unchanged rows;
* ``apply_plan(plan, organization, user)`` — one atomic write; nothing is written if any row is invalid.

Header layout (documented choice): two header rows, Korean on row 1 and English on row 2; data
from row 3. Either row identifies a column, so a file made from the English or the Korean
template, or with reordered columns, imports the same way.
"""

from __future__ import annotations

from typing import IO

from accounts.models import Organization
from reports.imports.apply import ImportInvalid, apply_plan
from reports.imports.limits import ImportRefused
from reports.imports.plan import ImportPlan, plan_import
from reports.imports.reader import RowError, read_workbook
from reports.imports.template import build_template

__all__ = ["ImportInvalid", "ImportPlan", "ImportRefused", "RowError", "apply_plan", "build_template",
           "parse_register"]


def parse_register(file: IO[bytes], organization: Organization) -> ImportPlan:
    """Read and plan an uploaded register. Raises ImportRefused when the file itself is unusable."""
    return plan_import(read_workbook(file), organization)
