"""The import pages and the API endpoint: upload → preview → confirm, for editors only."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from reports.imports import limits
from tests.reports.conftest import valid_rows, xlsx
from vendors.models import BusinessService, Vendor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(data=None, name="register.xlsx"):
    return SimpleUploadedFile(name, (data or xlsx()).getvalue(), content_type=XLSX)


def _kept_files() -> list[Path]:
    return list((Path(settings.MEDIA_ROOT) / "imports").glob("*/*.xlsx"))


def test_officer_uploads_previews_and_confirms(world, catalog, as_user):
    client = as_user(world.a_officer)
    page = client.get(reverse("reports:register_import"))
    assert page.status_code == 200 and reverse("reports:register_template") in page.content.decode()

    preview = client.post(reverse("reports:register_import"), {"file": _upload()})
    assert preview.status_code == 200
    assert preview.context["totals"] == {"create": 10, "update": 0, "unchanged": 0}
    token = preview.context["token"]
    assert token and 'data-testid="confirm-import"' in preview.content.decode()
    assert Vendor.objects.for_org(world.firm_a).count() == 0  # a preview writes nothing
    [kept] = _kept_files()
    assert kept.parent.name == str(world.firm_a.pk) and token in kept.name
    assert Path(settings.MEDIA_ROOT) in kept.parents  # private media, never under static

    done = client.post(reverse("reports:register_import_confirm"), {"token": token}, follow=True)
    assert done.status_code == 200
    assert Vendor.objects.for_org(world.firm_a).count() == 2
    assert BusinessService.objects.for_org(world.firm_a).count() == 2
    assert AuditEvent.objects.for_org(world.firm_a).filter(object_type="register_import").count() == 1
    assert _kept_files() == []  # the temporary file is gone

    again = client.post(reverse("reports:register_import_confirm"), {"token": token})
    assert again.status_code == 302  # a token works once
    assert AuditEvent.objects.for_org(world.firm_a).filter(object_type="register_import").count() == 1


def test_preview_shows_the_error_table_and_no_confirm_button(world, catalog, as_user):
    rows = valid_rows()
    rows["Services"][0]["importance"] = "vital"
    response = as_user(world.a_officer).post(reverse("reports:register_import"), {"file": _upload(xlsx(rows))})
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body and "vital" in body
    assert 'data-testid="confirm-import"' not in body and _kept_files() == []


def test_a_refused_file_is_a_field_error_on_the_upload_form(world, catalog, as_user):
    bad = SimpleUploadedFile("register.xlsx", b"just text", content_type=XLSX)
    response = as_user(world.a_officer).post(reverse("reports:register_import"), {"file": bad})
    assert response.status_code == 400
    assert ".xlsx" in response.content.decode()


def test_another_firms_token_cannot_be_confirmed(world, catalog, as_user):
    b_client = as_user(world.b_officer)
    token = b_client.post(reverse("reports:register_import"), {"file": _upload()}).context["token"]
    response = as_user(world.a_officer).post(reverse("reports:register_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Vendor.objects.for_org(world.firm_a).count() == 0
    assert Vendor.objects.for_org(world.firm_b).count() == 0


@pytest.mark.parametrize("name", ["register_import", "register_template"])
def test_viewers_and_supervisors_get_403(world, catalog, as_user, name):
    for user in (world.a_viewer, world.supervisor):
        assert as_user(user).get(reverse(f"reports:{name}")).status_code == 403
    confirm = as_user(world.a_viewer).post(reverse("reports:register_import_confirm"), {"token": "x" * 30})
    assert confirm.status_code == 403


def test_the_template_downloads_in_the_active_language(world, catalog, as_user):
    client = as_user(world.a_admin)
    response = client.get(reverse("reports:register_template"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert response.content[:4] == b"PK\x03\x04"


def test_the_nav_offers_excel_import_to_editors_only(world, as_user):
    url = reverse("reports:register_import")
    assert url in as_user(world.a_officer).get("/").content.decode()
    assert url not in as_user(world.a_viewer).get("/").content.decode()


# --- API -------------------------------------------------------------------------------------------

API = "/api/v1/register-import/"


def test_api_dry_run_returns_the_plan_and_writes_nothing(world, catalog, api_for):
    response = api_for(world.a_officer).post(API, {"file": _upload(), "dry_run": "true"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["totals"] == {"create": 10, "update": 0, "unchanged": 0}
    assert response.json()["applied"] is False
    assert Vendor.objects.for_org(world.firm_a).count() == 0


def test_api_apply_then_reapply_is_a_no_op(world, catalog, api_for):
    client = api_for(world.a_officer)
    first = client.post(API, {"file": _upload(), "dry_run": "false"}, format="multipart")
    assert first.status_code == 200 and first.json()["applied"] is True
    assert Vendor.objects.for_org(world.firm_a).count() == 2
    second = client.post(API, {"file": _upload(), "dry_run": "false"}, format="multipart")
    assert second.json()["totals"] == {"create": 0, "update": 0, "unchanged": 10}


def test_api_row_errors_are_a_400_with_the_error_list(world, catalog, api_for):
    rows = valid_rows()
    rows["Vendors"][0]["jurisdiction"] = "USA"
    response = api_for(world.a_officer).post(API, {"file": _upload(xlsx(rows)), "dry_run": "false"}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rows"
    cells = [(e["sheet"], e["row"], e["column"]) for e in error["errors"]]
    assert cells == [("Vendors", 3, "관할 국가 / Jurisdiction")]
    assert Vendor.objects.for_org(world.firm_a).count() == 0


def test_api_refused_file_is_a_400_naming_the_reason(world, catalog, api_for, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    response = api_for(world.a_officer).post(API, {"file": _upload()}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_large"


def test_api_viewers_are_refused(world, catalog, api_for):
    response = api_for(world.a_viewer).post(API, {"file": _upload()}, format="multipart")
    assert response.status_code == 403
    assert api_for(None).post(API, {"file": _upload()}, format="multipart").status_code == 401


def test_an_invalid_preview_is_a_400_on_the_page_as_in_the_api(world, catalog, as_user, api_for):
    rows = valid_rows()
    rows["Services"][0]["importance"] = "vital"
    page = as_user(world.a_officer).post(reverse("reports:register_import"), {"file": _upload(xlsx(rows))})
    api = api_for(world.a_officer).post(API, {"file": _upload(xlsx(rows))}, format="multipart")
    assert (page.status_code, api.status_code) == (400, 400)


def test_the_api_error_body_is_in_the_users_language_throughout(world, catalog, api_for):
    from django.utils import translation

    rows = valid_rows()
    rows["Vendors"][0]["jurisdiction"] = "USA"
    with translation.override("ko"):
        response = api_for(world.a_officer).post(API, {"file": _upload(xlsx(rows))}, format="multipart",
                                                 HTTP_ACCEPT_LANGUAGE="ko")
        invalid = api_for(world.a_officer).post("/api/v1/assessments/", {"scope": "nonsense"}, format="json",
                                                HTTP_ACCEPT_LANGUAGE="ko")
    assert response.json()["error"]["message"].startswith("가져오지")
    assert invalid.json()["error"]["message"] == "입력값이 올바르지 않은 항목이 있습니다."


def test_a_confirmed_import_that_changes_nothing_records_no_audit_event(world, catalog, api_for):
    client = api_for(world.a_officer)
    client.post(API, {"file": _upload(), "dry_run": "false"}, format="multipart")
    before = AuditEvent.objects.for_org(world.firm_a).filter(object_type="register_import").count()
    again = client.post(API, {"file": _upload(), "dry_run": "false"}, format="multipart")
    assert again.json()["totals"]["unchanged"] == 10
    assert AuditEvent.objects.for_org(world.firm_a).filter(object_type="register_import").count() == before == 1
