"""Where an uploaded register waits between preview and confirm: private, per firm, by random token.

Files live under MEDIA_ROOT/imports/<organisation id>/<token>.xlsx. MEDIA_ROOT has no public URL
(settings), the token is 32 random bytes, and the path is rebuilt from the active organisation, so
a token from another firm (or a forged one) resolves to nothing.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import IO

from django.conf import settings

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder(organization_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(int(organization_id))


def path_for(organization_id: int, token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    path = _folder(organization_id) / f"{token}.xlsx"
    return path if path.is_file() else None


def keep(upload: IO[bytes], organization_id: int) -> str:
    """Save the upload privately; returns its token."""
    folder = _folder(organization_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    path = folder / f"{token}.xlsx"
    upload.seek(0)
    with open(path, "xb") as out:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        for chunk in chunks:
            out.write(chunk)
    path.chmod(0o600)
    upload.seek(0)
    return token


def discard(organization_id: int, token: str) -> None:
    path = path_for(organization_id, token)
    if path is not None:
        path.unlink(missing_ok=True)
