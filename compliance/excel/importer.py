"""Reading a filled-in checklist back: a plan of changes and per-row errors, then an atomic apply.

Nothing is written while reading. The plan lists, per row, the old and new answer; errors name the
row, the column and the problem (unknown or repeated reference, invalid response, N/A without a
reason, N/A on a knock-out whose checklist does not allow it, a formula, a wrong header, not an
xlsx). Applying goes through ``compliance.services.save_answer`` with the answer versions seen at
preview time, inside one transaction: one refused row (or someone else's save in between) and
nothing is written. Rows that match what is saved are not changes, so uploading the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import User
from compliance import services
from compliance.choices import Response
from compliance.excel.columns import COLUMNS, REQUIRED, header_lookup, language, norm, response_label, response_lookup
from compliance.models import Answer, Assessment, Requirement
from core.concurrency import ConcurrentEditError
from reports.imports.limits import ImportRefused, check_upload
from reports.workbooks.cells import needs_quoting

MAX_ROWS = 2000
LABELS = {c.key: c for c in COLUMNS}


@dataclass
class RowError:
    row: int | None
    column: str
    message: str


@dataclass
class Change:
    row: int
    ref: str
    requirement_id: int
    version: int | None  # the answer's version at preview time; None = no answer yet
    old: dict[str, str]
    new: dict[str, str]


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_session(self) -> list[dict[str, Any]]:
        return [asdict(c) for c in self.changes]


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # The export quotes formula-looking text with a leading "'": read it back as the original text.
    if text.startswith("'") and needs_quoting(text[1:]):
        text = text[1:]
    return text


def _column_name(key: str) -> str:
    return LABELS[key].label(language()) if key in LABELS else key


def _headers(ws, plan: Plan) -> dict[str, int]:
    lookup, mapping = header_lookup(), {}
    first = next(ws.iter_rows(min_row=1, max_row=1), ())
    for index, cell in enumerate(first):
        if cell.value is None or str(cell.value).strip() == "":
            continue
        letter = get_column_letter(index + 1)
        if cell.data_type == "f":
            plan.errors.append(RowError(1, letter, _("A header cannot be a formula.")))
            continue
        key = lookup.get(norm(cell.value))
        if key is None:
            plan.errors.append(RowError(1, letter, _("Unknown column '%(header)s'.") % {"header": cell.value}))
        elif key in mapping:
            plan.errors.append(RowError(1, letter, _("Column '%(header)s' appears twice.") % {"header": cell.value}))
        else:
            mapping[key] = index
    for key in REQUIRED:
        if key not in mapping:
            plan.errors.append(RowError(1, _column_name(key), _("Missing column '%(header)s'.")
                                        % {"header": _column_name(key)}))
    return mapping


def read_plan(file: IO[bytes], assessment: Assessment) -> Plan:
    """Compare an uploaded workbook with the saved answers. Raises ImportRefused for unusable files."""
    check_upload(file, max_columns=len(COLUMNS))
    try:
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception as exc:  # a corrupt part raises anything; to the user it is one problem
        raise ImportRefused(_("The file could not be opened as an Excel workbook."), "not_xlsx") from exc
    plan = Plan()
    try:
        ws = workbook.worksheets[0] if workbook.worksheets else None
        if ws is None or not hasattr(ws, "iter_rows"):
            raise ImportRefused(_("The workbook has no checklist sheet."), "no_sheet")
        ws.reset_dimensions()
        mapping = _headers(ws, plan)
        if plan.errors:
            return plan
        _read_rows(ws, mapping, assessment, plan)
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused(_("The file could not be read as an Excel workbook."), "not_xlsx") from exc
    finally:
        workbook.close()
    return plan


def _read_rows(ws, mapping: dict[str, int], assessment: Assessment, plan: Plan) -> None:
    by_ref = {
        r.ref: r for r in Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids())
        .only("pk", "ref", "critical", "not_applicable_if_ko", "not_applicable_if_en")
    }
    saved = Answer.objects.for_org(assessment.organization).filter(assessment=assessment)
    answers = {a.requirement_id: a for a in saved}
    responses, lang, seen = response_lookup(), language(), set()
    width = max(mapping.values()) + 1
    for row_no, cells in enumerate(ws.iter_rows(min_row=2, max_col=width), start=2):
        if row_no > MAX_ROWS + 1:
            raise ImportRefused(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS}, "too_many_rows")
        raw: dict[str, Any] = {}
        bad = False
        for key in ("ref", "response", "na_reason", "comment"):
            cell = cells[mapping[key]] if mapping[key] < len(cells) else None
            if cell is None or cell.value is None:
                continue
            if cell.data_type in ("f", "e"):
                plan.errors.append(RowError(row_no, _column_name(key), _(
                    "Cell %(cell)s contains a formula or an error; enter the value itself.")
                    % {"cell": f"{get_column_letter(mapping[key] + 1)}{row_no}"}))
                bad = True
                continue
            raw[key] = _text(cell.value)
        if bad:
            continue
        if not any(raw.values()):
            continue
        ref = raw.get("ref", "")
        requirement = by_ref.get(ref)
        if not ref:
            plan.errors.append(RowError(row_no, _column_name("ref"), _("The reference is missing.")))
            continue
        if requirement is None:
            plan.errors.append(RowError(row_no, _column_name("ref"), _(
                "Unknown reference '%(ref)s': not a requirement of this assessment.") % {"ref": ref}))
            continue
        if ref in seen:
            plan.errors.append(RowError(row_no, _column_name("ref"), _("'%(ref)s' appears twice.") % {"ref": ref}))
            continue
        seen.add(ref)
        _plan_row(plan, row_no, requirement, answers.get(requirement.pk), raw, responses, lang)


def _plan_row(plan: Plan, row_no: int, requirement: Requirement, answer: Answer | None, raw: dict[str, str],
              responses: dict[str, str], lang: str) -> None:
    given = raw.get("response", "")
    comment, reason = raw.get("comment", ""), raw.get("na_reason", "")
    if not given:
        if answer is None and not comment and not reason:
            return  # left unanswered: nothing to do
        message = (_("An answer cannot be removed by import; choose a response.") if answer is not None
                   else _("Choose a response for this requirement."))
        plan.errors.append(RowError(row_no, _column_name("response"), message))
        return
    response = responses.get(norm(given))
    if response is None:
        choices = ", ".join(response_label(c, lang) for c in Response.values)
        plan.errors.append(RowError(row_no, _column_name("response"), _(
            "'%(value)s' is not a response; use one of: %(choices)s.") % {"value": given, "choices": choices}))
        return
    if response != Response.NOT_APPLICABLE:
        reason = ""  # the service keeps a reason only for N/A
    elif refusal := services.not_applicable_refusal(requirement, reason):
        # The same refusal as the form and the API: a workbook is no way around the knock-out rule.
        for key, message in refusal.items():
            plan.errors.append(RowError(row_no, _column_name(key), message))
        return
    old = {"response": answer.response, "comment": answer.comment, "na_reason": answer.na_reason} if answer else {
        "response": "", "comment": "", "na_reason": ""}
    new = {"response": response, "comment": comment, "na_reason": reason}
    if old == new:
        plan.unchanged += 1
        return
    plan.changes.append(Change(row=row_no, ref=requirement.ref, requirement_id=requirement.pk,
                               version=answer.version if answer else None, old=old, new=new))


def apply_plan(*, assessment: Assessment, changes: list[dict[str, Any]], user: User | None) -> list[RowError]:
    """Apply the previewed changes in one transaction; any refusal rolls back all of them."""
    errors: list[RowError] = []
    requirements = Requirement.objects.in_bulk([c["requirement_id"] for c in changes])
    try:
        with transaction.atomic():
            for change in changes:
                requirement = requirements.get(change["requirement_id"])
                if requirement is None:
                    errors.append(RowError(change["row"], _column_name("ref"), _("Unknown reference.")))
                    continue
                try:
                    services.save_answer(
                        assessment=assessment, requirement=requirement, response=change["new"]["response"],
                        comment=change["new"]["comment"], na_reason=change["new"]["na_reason"],
                        expected_version=change["version"], user=user,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        errors.append(RowError(change["row"], _column_name("response"), message))
                except ConcurrentEditError as exc:
                    errors.append(RowError(change["row"], _column_name("response"), _(
                        "%(ref)s was changed by %(who)s after your preview; upload the file again.")
                        % {"ref": change["ref"], "who": exc.current.answered_by or _("someone else")}))
            if errors:
                raise _Rollback
    except _Rollback:
        pass
    return errors


class _Rollback(Exception):
    """Leaves the transaction so nothing of a partly refused import is kept."""
