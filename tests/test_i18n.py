"""Korean is the default for Korean users; English is one click away; both catalogues are complete."""

from pathlib import Path

import polib
import pytest

from config import settings as configured

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def korean_default(settings):
    settings.LANGUAGE_CODE = configured.LANGUAGE_CODE


def test_the_configured_default_language_is_korean():
    assert configured.LANGUAGE_CODE == "ko"


def test_a_browser_without_a_language_preference_gets_korean(world, korean_default, client):
    client.force_login(world.a_officer)
    body = client.get("/").content.decode()
    assert '<html lang="ko">' in body and "대시보드" in body


def test_a_korean_browser_gets_korean_and_an_english_one_gets_english(world, korean_default, client):
    client.force_login(world.a_officer)
    assert "대시보드" in client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").content.decode()
    assert "Dashboard" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


def test_the_language_switch_sticks(world, korean_default, client):
    client.force_login(world.a_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in client.get("/").content.decode()


def test_every_ui_string_has_a_korean_translation():
    catalogue = polib.pofile(str(ROOT / "locale/ko/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()] + [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings without Korean: {missing[:10]}"
