"""Supervisors start the review-queue and market-concentration workbooks from the pages that show them,
with the page's filters, and follow the job's progress beside the button; /exports/ offers them the form."""

import pytest
from django.urls import reverse

from reports.models import ExportJob, ExportStatus
from tests.compliance.webtools import HTMX, english

pytestmark = pytest.mark.django_db


def _jobs(world):
    return ExportJob.objects.for_org(world.regulator)


def test_the_exports_page_offers_supervisors_their_kinds_of_export(world, as_user):
    page = english(as_user(world.supervisor)).get(reverse("exports:list")).content.decode()
    assert 'data-testid="export-form"' in page
    assert 'value="review_queue"' in page and 'value="market_concentration"' in page
    assert 'value="register_workbook"' not in page and 'name="assessment"' not in page


@pytest.mark.parametrize(("url", "kind"), [("/review/queue/", "review_queue"),
                                           ("/market/concentration/", "market_concentration")])
def test_the_queue_and_concentration_pages_have_an_export_button_with_their_filters(world, as_user, url, kind):
    query = "?status=in_review&assignee=me" if kind == "review_queue" else "?kind=bank"
    page = as_user(world.supervisor).get(url + query).content.decode()
    assert f'data-testid="export-{kind}"' in page and f'name="kind" value="{kind}"' in page
    if kind == "review_queue":
        assert 'name="param_status" value="in_review"' in page and 'name="param_assignee" value="me"' in page
    else:
        assert 'name="param_kind" value="bank"' in page
    assert f'hx-target="#export-slot-{kind}"' in page


def test_the_button_starts_a_job_with_the_filters_and_answers_its_progress(world, as_user,
                                                                           django_capture_on_commit_callbacks):
    client = as_user(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:create"), {
            "kind": "review_queue", "language": "en", "param_status": "in_review", "param_page": "3",
        }, **HTMX)
    assert response.status_code == 200
    job = _jobs(world).get()
    assert job.parameters == {"status": "in_review"} and job.requested_by == world.supervisor
    body = response.content.decode()
    assert 'data-testid="export-progress"' in body and 'hx-trigger="every 1s"' in body  # it polls its progress
    assert job.status == ExportStatus.DONE
    polled = client.get(reverse("exports:progress", args=[job.pk]), **HTMX).content.decode()
    assert 'data-status="done"' in polled and reverse("exports:download", args=[job.pk]) in polled


def test_the_concentration_export_keeps_the_firm_kind(world, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.supervisor).post(reverse("exports:create"), {
            "kind": "market_concentration", "language": "en", "param_kind": "vasp",
        }, **HTMX)
    assert _jobs(world).get().parameters == {"kind": "vasp"}


def test_a_refused_export_from_a_button_says_why_in_place(world, as_user):
    response = english(as_user(world.supervisor)).post(
        reverse("exports:create"), {"kind": "register_workbook", "language": "en"}, **HTMX)
    assert response.status_code == 422 and 'data-testid="export-errors"' in response.content.decode()
    assert not _jobs(world).exists()


def test_a_firm_user_gets_no_supervisor_export(world, as_user):
    response = as_user(world.a_officer).post(reverse("exports:create"), {"kind": "review_queue", "language": "en"},
                                             **HTMX)
    assert response.status_code == 422
    assert not ExportJob.objects.for_org(world.firm_a).exists()


def _simulation(org, user, shared=False):
    from market.models import SavedSimulation

    return SavedSimulation.objects.create(
        organization=org, created_by=user, name="=CDN day", scope="market" if org.is_regulator else "firm",
        duration_minutes=190, shared=shared,
        results={"failed": [{"id": 1, "name": "CDN"}], "duration_minutes": 190, "totals": {}, "breaching": [],
                 "services": []},
    )


def test_a_saved_simulation_exports_as_a_job_from_its_page(world, as_user, django_capture_on_commit_callbacks):
    sim = _simulation(world.regulator, world.supervisor)
    client = as_user(world.supervisor)
    page = client.get(reverse("market:simulation_detail", args=[sim.pk])).content.decode()
    assert 'data-testid="export-market_simulation"' in page and f'name="param_simulation" value="{sim.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:create"), {
            "kind": "market_simulation", "language": "en", "param_simulation": sim.pk}, **HTMX)
    assert response.status_code == 200 and 'data-testid="export-progress"' in response.content.decode()
    job = _jobs(world).get()
    assert job.status == ExportStatus.DONE and job.parameters == {"simulation": sim.pk}
    from openpyxl import load_workbook

    from reports.exports.jobs import export_dir

    workbook = load_workbook(export_dir(world.regulator.pk) / job.download_name)
    assert workbook.worksheets[0]["B1"].value == "=CDN day" and workbook.worksheets[0]["B1"].data_type == "s"


def test_a_colleagues_unshared_simulation_cannot_be_exported(world, as_user):
    sim = _simulation(world.regulator, world.supervisor)
    response = as_user(world.lead).post(reverse("exports:create"), {
        "kind": "market_simulation", "language": "en", "param_simulation": sim.pk}, **HTMX)
    assert response.status_code == 422 and not _jobs(world).exists()


def test_a_firm_exports_its_own_saved_simulation_too(world, as_user, django_capture_on_commit_callbacks):
    sim = _simulation(world.firm_a, world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.a_officer).post(reverse("exports:create"), {
            "kind": "market_simulation", "language": "en", "param_simulation": sim.pk}, **HTMX)
    assert response.status_code == 200
    assert ExportJob.objects.for_org(world.firm_a).get().status == ExportStatus.DONE
    other = _simulation(world.firm_b, world.b_admin, shared=True)
    refused = as_user(world.a_officer).post(reverse("exports:create"), {
        "kind": "market_simulation", "language": "en", "param_simulation": other.pk}, **HTMX)
    assert refused.status_code == 422  # another firm's simulation is not found


def test_the_simulation_kind_is_not_listed_on_the_exports_form(world, as_user):
    page = as_user(world.supervisor).get(reverse("exports:list")).content.decode()
    assert 'value="market_simulation"' not in page
