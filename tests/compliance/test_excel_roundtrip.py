"""The checklist round trip: export (protected, drop-down, formula-safe), upload → preview → atomic apply."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from compliance import services
from compliance.models import Answer
from tests.compliance.webtools import assessment_with, english_client, requirement

HEADERS = ["Reference", "Section", "Requirement", "Weight", "Critical (knock-out)", "Response", "N/A reason",
           "Comment"]


@pytest.fixture
def as_user():
    return english_client


@pytest.fixture
def assessment(world):
    return assessment_with(world.firm_a, 3, critical=("W-C3",))


def answers(assessment):
    return {a.requirement.ref: (a.response, a.na_reason, a.comment)
            for a in Answer.objects.for_org(assessment.organization).filter(assessment=assessment)
            .select_related("requirement")}


def export(client, assessment) -> bytes:
    response = client.get(reverse("compliance:checklist_export", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content


def filled(content: bytes, rows: dict[str, tuple]) -> io.BytesIO:
    """The downloaded workbook with response / reason / comment filled in per reference."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value in rows:
            for cell, value in zip(row[5:8], rows[row[0].value], strict=True):
                cell.value = value
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "checklist.xlsx"
    return out


def upload(client, assessment, file):
    return client.post(reverse("compliance:checklist_import", args=[assessment.pk]), {"file": file})


def test_the_export_locks_reference_columns_and_offers_a_response_drop_down(world, as_user, assessment):
    services.save_answer(assessment=assessment, requirement=requirement(assessment, "W-A1"), response="partial",
                         comment="=HYPERLINK(\"http://evil\")", expected_version=None, user=world.a_officer)
    wb = load_workbook(io.BytesIO(export(as_user(world.a_viewer), assessment)))
    ws = wb.active
    assert [c.value for c in ws[1]] == HEADERS
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == ["W-A1", "W-B2", "W-C3"]
    assert ws.protection.sheet is True
    assert ws["A2"].protection.locked and ws["C2"].protection.locked
    assert not ws["F2"].protection.locked and not ws["G2"].protection.locked and not ws["H2"].protection.locked
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list" and "Partially compliant" in validation.formula1
    assert "F2:F4" in str(validation.sqref)
    assert ws["F2"].value == "Partially compliant"
    assert ws["H2"].value == "=HYPERLINK(\"http://evil\")" and ws["H2"].data_type == "s" and ws["H2"].quotePrefix
    assert ws["E4"].value == "Yes"


def test_a_filled_in_checklist_is_previewed_then_applied_and_uploading_it_again_changes_nothing(world, as_user,
                                                                                                 assessment):
    client = as_user(world.a_officer)
    file = filled(export(client, assessment), {
        "W-A1": ("Compliant", None, "Policy approved 2025-03"),
        "W-B2": ("Not applicable", "No such service", None),
        "W-C3": ("미준수", None, "'=1+1 is just text"),
    })
    preview = upload(client, assessment, file)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert body.count('data-testid="import-change"') == 3 and "— → <strong>Compliant</strong>" in body
    assert answers(assessment) == {}  # nothing written before the confirmation

    confirm = client.post(reverse("compliance:checklist_import_confirm", args=[assessment.pk]))
    assert confirm.status_code == 302
    assert answers(assessment) == {
        "W-A1": ("compliant", "", "Policy approved 2025-03"),
        "W-B2": ("not_applicable", "No such service", ""),
        "W-C3": ("non_compliant", "", "=1+1 is just text"),
    }
    assessment.refresh_from_db()
    assert assessment.rating == "D"

    # The same file, or a fresh export of what is saved, changes nothing.
    file.seek(0)
    again = upload(client, assessment, file).content.decode()
    assert 'data-testid="import-no-changes"' in again
    fresh = io.BytesIO(export(client, assessment))
    fresh.name = "fresh.xlsx"
    assert 'data-testid="import-no-changes"' in upload(client, assessment, fresh).content.decode()


def test_an_existing_answer_shows_old_and_new_values_in_the_preview(world, as_user, assessment):
    services.save_answer(assessment=assessment, requirement=requirement(assessment, "W-A1"), response="partial",
                         comment="old note", expected_version=None, user=world.a_officer)
    client = as_user(world.a_officer)
    body = upload(client, assessment, filled(export(client, assessment), {
        "W-A1": ("Compliant", None, "new note")})).content.decode()
    assert "Partially compliant → <strong>Compliant</strong>" in body and "old note → <strong>new note</strong>" in body


@pytest.mark.parametrize(("rows", "column", "message"), [
    ({"W-A1": ("Sort of", None, None)}, "Response", "&#x27;Sort of&#x27; is not a response"),
    ({"W-B2": ("Not applicable", None, "no reason given")}, "N/A reason", "Say why this requirement does not apply."),
    ({"W-A1": ("=IF(1,\"Compliant\")", None, None)}, "Response", "contains a formula"),
])
def test_row_errors_name_the_row_and_column_and_nothing_is_written(rows, column, message, world, as_user, assessment):
    client = as_user(world.a_officer)
    rows = {**rows, "W-C3": ("Compliant", None, "valid row")}
    response = upload(client, assessment, filled(export(client, assessment), rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="import-error"' in body and message in body and f"<td>{column}</td>" in body
    assert client.post(reverse("compliance:checklist_import_confirm", args=[assessment.pk])).status_code == 302
    assert answers(assessment) == {}


def workbook(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "hand-made.xlsx"
    return out


def test_unknown_references_and_wrong_headers_are_errors(world, as_user, assessment):
    client = as_user(world.a_officer)
    body = upload(client, assessment, workbook([HEADERS, ["KR-ZZ9", "", "", "", "", "Compliant", "", ""]])
                  ).content.decode()
    assert "Unknown reference &#x27;KR-ZZ9&#x27;" in body and "<td>2</td>" in body
    body = upload(client, assessment, workbook([["Ref no", "Answer"], ["W-A1", "Compliant"]])).content.decode()
    assert "Unknown column &#x27;Ref no&#x27;" in body and "Missing column &#x27;Response&#x27;" in body
    assert answers(assessment) == {}


def test_a_file_that_is_not_an_xlsx_is_refused(world, as_user, assessment):
    fake = io.BytesIO(b"name,response\nW-A1,Compliant\n")
    fake.name = "checklist.xlsx"
    response = upload(as_user(world.a_officer), assessment, fake)
    assert response.status_code == 400 and "not an Excel .xlsx file" in response.content.decode()
    assert answers(assessment) == {}


def test_an_answer_changed_after_the_preview_aborts_the_whole_import(world, as_user, assessment):
    client = as_user(world.a_officer)
    file = filled(export(client, assessment), {"W-A1": ("Compliant", None, "mine"), "W-B2": ("Partially compliant",
                                                                                          None, "mine too")})
    assert upload(client, assessment, file).status_code == 200
    services.save_answer(assessment=assessment, requirement=requirement(assessment, "W-B2"), response="non_compliant",
                         comment="admin was faster", expected_version=None, user=world.a_admin)
    response = client.post(reverse("compliance:checklist_import_confirm", args=[assessment.pk]))
    assert response.status_code == 409 and "admin@a.test" in response.content.decode()
    assert answers(assessment) == {"W-B2": ("non_compliant", "", "admin was faster")}


def test_viewers_export_but_cannot_import(world, as_user, assessment):
    client = as_user(world.a_viewer)
    export(client, assessment)
    assert client.get(reverse("compliance:checklist_import", args=[assessment.pk])).status_code == 403
    assert client.post(reverse("compliance:checklist_import_confirm", args=[assessment.pk])).status_code == 403


def test_another_firms_officer_cannot_export_or_import(world, as_user, assessment):
    client = as_user(world.b_officer)
    assert client.get(reverse("compliance:checklist_export", args=[assessment.pk])).status_code == 404
    assert client.post(reverse("compliance:checklist_import", args=[assessment.pk])).status_code == 404


def test_a_knock_out_answered_not_applicable_without_a_stated_condition_is_a_row_error(world, as_user, assessment):
    client = as_user(world.a_officer)
    rows = {"W-A1": ("Compliant", None, None), "W-C3": ("Not applicable", "We think it does not apply", None)}
    response = upload(client, assessment, filled(export(client, assessment), rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="import-error"' in body and "W-C3 is a knock-out requirement" in body
    assert "<td>4</td>" in body and "<td>Response</td>" in body
    assert client.post(reverse("compliance:checklist_import_confirm", args=[assessment.pk])).status_code == 302
    assert answers(assessment) == {}
