"""Turning one raw cell value into a model value, per column kind (pure: no ORM, no workbook)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from core.countries import is_country_code
from reports.imports.columns import BOOL, CATALOG, CATALOGS, CHOICE, COUNTRY, DATE, INT, Column

BLANK = object()  # the cell is empty: the field takes its model default
UNUSABLE = object()  # a formula or error value: reported by the reader, not converted

_TRUE = {"yes", "y", "true", "1", "예", "네", "o", "t"}
_FALSE = {"no", "n", "false", "0", "아니오", "아니요", "x", "f"}
_LIST_SPLIT = re.compile(r"[,;\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d")


class CellError(ValueError):
    """The cell's value cannot be used; the message is for the user."""


def norm(value: Any) -> str:
    """Text as compared: composed Unicode (a file saved on macOS holds decomposed Hangul), spaces collapsed,
    case folded."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


def yes_no_labels(language: str) -> tuple[str, str]:
    return ("예", "아니오") if language.startswith("ko") else ("yes", "no")


def choice_labels(choices: type[models.TextChoices], language: str) -> list[str]:
    with translation.override(language):
        return [str(label) for label in choices.labels]


@lru_cache(maxsize=64)
def _choice_lookup(choices: type[models.TextChoices], languages: tuple[str, ...]) -> dict[str, str]:
    # Codes, and labels in every language, all lead to the code: a Korean-language file and
    # an English-language file of the same register import identically.
    lookup: dict[str, str] = {}
    for language in languages:
        with translation.override(language):
            for code, label in zip(choices.values, choices.labels, strict=True):
                lookup.setdefault(norm(label), code)
    for code in choices.values:
        lookup[norm(code)] = code
    return lookup


def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    from django.conf import settings

    return _choice_lookup(choices, tuple(code for code, _name in settings.LANGUAGES))


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(sep=" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def to_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip().replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(_("Enter a whole number."))


def to_date(raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Enter a date as YYYY-MM-DD."))


def to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    value = norm(raw)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(_("Enter yes or no (예 or 아니오)."))


def to_choice(raw: Any, column: Column) -> str:
    code = choice_lookup(column.choices).get(norm(as_text(raw)))
    if code is None:
        raise CellError(_("'%(value)s' is not one of the choices; pick one from the list.") % {"value": as_text(raw)})
    return code


def to_country(raw: Any) -> str:
    code = as_text(raw).upper()
    if not is_country_code(code):
        message = _("'%(value)s' is not an ISO 3166 country code; use two letters such as KR or US.")
        raise CellError(message % {"value": as_text(raw)})
    return code


def to_catalog(raw: Any, catalog: dict[str, Any]) -> Any:
    key = norm(as_text(raw))
    if key not in catalog:
        raise CellError(
            _("Unknown provider key '%(key)s'; use a key from the catalog (Lists sheet).") % {"key": as_text(raw)}
        )
    return catalog[key]


def to_catalogs(raw: Any, catalog: dict[str, Any]) -> list[Any]:
    keys = [norm(k) for k in _LIST_SPLIT.split(as_text(raw)) if k.strip()]
    unknown = [k for k in keys if k not in catalog]
    if unknown:
        raise CellError(_("Unknown provider keys: %(keys)s.") % {"keys": ", ".join(unknown)})
    return list({catalog[k].pk: catalog[k] for k in keys}.values())


def convert(column: Column, raw: Any, catalog: dict[str, Any]) -> Any:
    """The model value of ``raw`` for ``column``; BLANK when the cell is empty; CellError if unusable."""
    if is_blank(raw):
        if column.required:
            raise CellError(_("This value is required."))
        return BLANK
    kind = column.kind
    if kind == INT:
        return to_int(raw)
    if kind == DATE:
        return to_date(raw)
    if kind == BOOL:
        return to_bool(raw)
    if kind == CHOICE:
        return to_choice(raw, column)
    if kind == CATALOG:
        return to_catalog(raw, catalog)
    if kind == CATALOGS:
        return to_catalogs(raw, catalog)
    if kind == COUNTRY:
        return to_country(raw)
    return as_text(raw)  # TEXT and REF
