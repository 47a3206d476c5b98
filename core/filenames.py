"""Names of downloaded files that say what they are: what, whose, which, and when.

``backstop-audit-log-dalbit-exchange-20261203.xlsx`` rather than ``export.xlsx``: an officer's downloads
folder holds many of them, and an examiner files them. ASCII only (the English firm name, slugified), so
the name survives every mail client and archive tool.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.text import slugify


def export_filename(what: str, organization=None, *parts: object, ext: str = "xlsx",
                    on: datetime.date | None = None) -> str:
    words = ["backstop", what]
    if organization is not None:
        words.append(getattr(organization, "name", "") or str(organization))
    words.extend(str(p) for p in parts if p not in (None, ""))
    day = on or timezone.localdate()
    stem = "-".join(filter(None, (slugify(w) for w in words)))
    return f"{stem}-{day:%Y%m%d}.{ext}"
