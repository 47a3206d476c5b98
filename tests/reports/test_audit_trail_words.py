"""The audit-trail sheet words each field, choice and object kind once per export, not once per event."""

import datetime

import pytest
from django.utils import translation

from reports.workbooks.audit_trail import _rows, _Words

pytestmark = pytest.mark.django_db


def _events(count: int) -> list[tuple]:
    at = datetime.datetime(2025, 11, 18, 11, 20, tzinfo=datetime.UTC)
    changes = {"before": {"response": "partial", "comment": "draft", "not_applicable": False},
               "after": {"response": "compliant", "comment": f"revision {count}", "not_applicable": True}}
    return [(at, "officer@a.test", "update", "compliance.Answer", "B-001: Compliant", changes)] * count \
        + [(at, "officer@a.test", "update", "review.Submission", "S-1", {"action": "accept"})] * count


def _translations(monkeypatch, world, count: int) -> tuple[int, list[tuple]]:
    calls = []
    real = translation._trans.gettext

    def counting(message):
        calls.append(message)
        return real(message)

    with translation.override("ko"):
        real("warm up")
        monkeypatch.setattr(translation._trans, "gettext", counting)
        rows = list(_rows(_events(count), world.firm_a, _Words()))
        monkeypatch.undo()
    return len(calls), rows


def test_words_are_translated_once_per_export_however_many_events(monkeypatch, world):
    few, few_rows = _translations(monkeypatch, world, 1)
    many, many_rows = _translations(monkeypatch, world, 60)
    assert many == few
    assert many_rows[0][3:5] == few_rows[0][3:5]
    assert many_rows[-1][5] == few_rows[-1][5]


def test_a_change_reads_in_the_workbook_language(world):
    with translation.override("en"):
        _at, _actor, _action, kind, _name, text = next(_rows(_events(1), world.firm_a, _Words()))
    assert kind == "Answer"
    assert "Partially compliant → Compliant" in text
    assert "draft → revision 1" in text
