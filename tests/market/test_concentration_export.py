import io

from openpyxl import load_workbook

from reports.exports.jobs import request_export
from reports.models import ExportJob
from tests.factories.vendors import make_provider
from tests.market.helpers import dep, submit_register


def test_a_supervisor_exports_market_concentration_as_a_workbook(world, django_capture_on_commit_callbacks):
    cdn = make_provider("export-cdn", legal_name="Export CDN Inc.", brand="=Export CDN", category="cdn_security")
    submit_register(world.firm_a, [dep(cdn, service="S1"), dep(cdn, service="S2", tested=True, best=10)])
    submit_register(world.firm_b, [dep(cdn, service="S9")])
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(organization=world.regulator, user=world.supervisor, kind="market_concentration",
                             language="en")
    job = ExportJob.objects.for_org(world.regulator).get(pk=job.pk)
    assert job.status == "done", job.error
    with job.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    assert wb.sheetnames == ["Providers", "Ultimate parents", "Jurisdictions", "Data locations", "Categories (HHI)",
                             "Nth parties", "As of"]
    providers = list(wb["Providers"].iter_rows(values_only=True))
    assert providers[0][:4] == ("Provider", "Category", "Country", "Firms")
    row = next(r for r in providers[1:] if r[0] == "Export CDN Inc.")
    assert row[3] == 2 and row[6] == 3  # two firms, three dependencies
    assert not any(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


def test_the_korean_concentration_workbook_names_bands_and_firms_in_korean(world, django_capture_on_commit_callbacks):
    cdn = make_provider("export-cdn", legal_name="Export CDN Inc.", brand="Export CDN", category="cdn_security")
    submit_register(world.firm_a, [dep(cdn, service="S1")])
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(organization=world.regulator, user=world.supervisor, kind="market_concentration",
                             language="ko")
    job = ExportJob.objects.for_org(world.regulator).get(pk=job.pk)
    with job.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    bands = [r[2] for r in list(wb.worksheets[4].iter_rows(values_only=True))[1:]]
    assert bands == ["고도 집중"]  # one provider: HHI 10,000, not the code "high"
    firms = [r[0] for r in list(wb.worksheets[6].iter_rows(values_only=True))[1:]]
    assert firms == [world.firm_a.name_ko]

    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(organization=world.regulator, user=world.supervisor, kind="market_concentration",
                             language="en")
    job = ExportJob.objects.for_org(world.regulator).get(pk=job.pk)
    with job.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    assert [r[0] for r in list(wb["As of"].iter_rows(values_only=True))[1:]] == [world.firm_a.name]
    assert [r[2] for r in list(wb["Categories (HHI)"].iter_rows(values_only=True))[1:]] == ["highly concentrated"]
