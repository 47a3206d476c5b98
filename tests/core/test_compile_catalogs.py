"""The catalogues compile to the same .mo polib writes, replaced in one step (.ci/run compiles while the
other suite is reading them)."""

import polib
from django.core.management import call_command

from core.management.commands.compile_catalogs import write_atomically


def test_compiling_writes_the_catalogue_and_leaves_no_temporary_file(settings, tmp_path):
    messages = tmp_path / "ko" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Vendors", msgstr="공급업체"))
    po.save(str(messages / "django.po"))
    (messages / "django.mo").write_bytes(b"an old catalogue")
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_catalogs", stdout=open("/dev/null", "w"))

    compiled = polib.mofile(str(messages / "django.mo"))
    assert {e.msgid: e.msgstr for e in compiled} == {"Vendors": "공급업체"}
    assert sorted(p.name for p in messages.iterdir()) == ["django.mo", "django.po"]
    assert (messages / "django.mo").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "django.mo"
    target.write_bytes(b"old")

    try:
        write_atomically(target, None)  # type: ignore[arg-type]  # writing None fails mid-way
    except TypeError:
        pass
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
