import os
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po message catalogues to .mo in pure Python (no GNU gettext needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                write_atomically(po_path.with_suffix(".mo"), polib.pofile(str(po_path)).to_binary())
                count += 1
        self.stdout.write(f"Compiled {count} message catalogue(s).")


def write_atomically(path: Path, content: bytes) -> None:
    """Replace the file in one step: .ci/run compiles again while the other suite's processes read the
    catalogue, and a reader must see the old file or the new one, never a half-written one."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the catalogue is read by the app's own user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
