"""Loading the global provider catalog from vendors/data/provider_catalog.yaml (strict, idempotent)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from vendors.choices import CatalogStatus, ProviderCategory
from vendors.models import ProviderCatalog

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "provider_catalog.yaml"
REQUIRED = {"key", "legal_name", "country", "category"}
OPTIONAL = {"name_ko", "brand", "parent_group", "korean_entity", "website", "lei", "description"}
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class CatalogFileError(ValueError):
    """The catalog file is malformed; the message names the entry and the field."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _fail(where: str, message: str) -> None:
    raise CatalogFileError(f"{where}: {message}")


def parse_catalog(text: str) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Validate the document; returns (provider rows as model fields, upstream keys by provider key)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogFileError(f"not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("providers"), list):
        raise CatalogFileError("the file must be a mapping with a 'providers' list")
    unknown_top = set(doc) - {"providers", "subcontractors"}
    if unknown_top:
        _fail("top level", f"unknown keys {sorted(unknown_top)}")
    rows, seen, names = [], set(), set()
    for n, entry in enumerate(doc["providers"], start=1):
        where = f"providers[{n}]"
        if not isinstance(entry, dict):
            _fail(where, "each provider must be a mapping")
        where = f"providers[{n}] ({entry.get('key', '?')})"
        missing = REQUIRED - set(entry)
        if missing:
            _fail(where, f"missing {sorted(missing)}")
        extra = set(entry) - REQUIRED - OPTIONAL
        if extra:
            _fail(where, f"unknown fields {sorted(extra)}")
        key = str(entry["key"])
        if not KEY_RE.match(key):
            _fail(where, "key must be a lowercase slug")
        if key in seen:
            _fail(where, f"duplicate key {key!r}")
        if entry["legal_name"] in names:
            _fail(where, f"duplicate legal_name {entry['legal_name']!r}")
        seen.add(key)
        names.add(entry["legal_name"])
        if entry["category"] not in ProviderCategory.values:
            _fail(where, f"category {entry['category']!r} is not one of {ProviderCategory.values}")
        if not re.fullmatch(r"[A-Z]{2}", str(entry["country"])):
            _fail(where, "country must be a two-letter ISO code")
        if "korean_entity" in entry and not isinstance(entry["korean_entity"], bool):
            _fail(where, "korean_entity must be true or false")
        description = entry.get("description") or {}
        if not isinstance(description, dict) or set(description) - {"ko", "en"}:
            _fail(where, "description must be a mapping with 'ko' and/or 'en'")
        rows.append({
            "key": key,
            "legal_name": str(entry["legal_name"]),
            "name_ko": str(entry.get("name_ko") or ""),
            "brand": str(entry.get("brand") or ""),
            "parent_group": str(entry.get("parent_group") or ""),
            "country": entry["country"],
            "korean_entity": bool(entry.get("korean_entity", False)),
            "category": entry["category"],
            "website": str(entry.get("website") or ""),
            "lei": str(entry.get("lei") or ""),
            "description_ko": str(description.get("ko") or ""),
            "description_en": str(description.get("en") or ""),
        })
    upstreams: dict[str, list[str]] = {}
    for n, entry in enumerate(doc.get("subcontractors") or [], start=1):
        where = f"subcontractors[{n}]"
        if not isinstance(entry, dict) or set(entry) != {"provider", "uses"} or not isinstance(entry["uses"], list):
            _fail(where, "each entry needs exactly 'provider' and a 'uses' list")
        for ref in [entry["provider"], *entry["uses"]]:
            if ref not in seen:
                _fail(where, f"unknown provider key {ref!r}")
        if entry["provider"] in entry["uses"]:
            _fail(where, "a provider cannot be its own upstream")
        upstreams.setdefault(entry["provider"], []).extend(entry["uses"])
    return rows, upstreams


@transaction.atomic
def load_catalog(path: Path | str | None = None) -> LoadResult:
    """Create or update providers by key; upstream links are replaced by those in the file."""
    rows, upstreams = parse_catalog(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    result = LoadResult()
    existing = {p.key: p for p in ProviderCatalog.objects.filter(key__in=[r["key"] for r in rows])}
    by_key: dict[str, ProviderCatalog] = {}
    for row in rows:
        provider = existing.get(row["key"])
        if provider is None:
            provider = ProviderCatalog(status=CatalogStatus.PUBLISHED, **row)
            result.created += 1
        elif any(getattr(provider, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(provider, k, v)
            result.updated += 1
        else:
            by_key[row["key"]] = provider
            result.unchanged += 1
            continue
        try:
            provider.full_clean()
        except ValidationError as exc:
            raise CatalogFileError(f"provider {row['key']}: {exc.message_dict}") from exc
        provider.save()
        by_key[row["key"]] = provider
    for key, ups in upstreams.items():
        wanted = {by_key[u].pk for u in ups}
        provider = by_key[key]
        if set(provider.upstreams.values_list("pk", flat=True)) != wanted:
            provider.upstreams.set(wanted)
    return result
