"""The answering page of the demo assessments: bytes, wall and CPU time of single test-client
requests (issue 16); the queries are counted by tests/compliance/test_views_assessments.py and bench/load.py.

python bench/assessment_page.py [--repeat 15]        # embedded SQLite, seeds the demo into a throwaway database

Two pages: the assessment bench/load.py measures (the officer of Hanbit on its largest assessment, accepted, so
read-only) and Haneul's draft (the officer can answer, about a third unanswered). Each is requested once to warm
up, then ``--repeat`` times; the medians are printed. The section view is measured for one lazy section.
"""

import argparse
import statistics
import time
from io import StringIO

from _setup import start

start("assessment_page")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from compliance.models import Assessment, Requirement  # noqa: E402


def client_for(email: str) -> Client:
    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    return client


def largest_assessment(email: str) -> Assessment:
    org = User.objects.get(email=email).memberships_list()[0].organization
    return (Assessment.objects.for_org(org).annotate(n=Count("framework__requirements"))
            .order_by("-n", "id").first())


def measure(client: Client, url: str, repeat: int, headers: dict | None = None) -> dict:
    headers = headers or {}
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        client.get(url, **headers)
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return {"bytes": len(response.content), "wall": statistics.median(walls), "cpu": statistics.median(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=StringIO())
    print(f"{'page':<58} {'bytes':>8} {'wall ms':>8} {'cpu ms':>7}")
    for email, label in (("officer@hanbit.demo", "Hanbit, accepted (read-only)"),
                         ("officer@haneul.demo", "Haneul, draft (officer answers)")):
        assessment = largest_assessment(email)
        n = len(assessment.applicable_requirement_ids())
        client = client_for(email)
        url = reverse("compliance:assessment_detail", args=[assessment.pk])
        row = measure(client, url, args.repeat)
        print(f"{label + f', {n} applicable':<58} {row['bytes']:>8} {row['wall']:>8.1f} {row['cpu']:>7.1f}")
        try:
            last = Requirement.objects.filter(pk__in=assessment.applicable_requirement_ids()).order_by("-order")[0]
            section_url = reverse("compliance:assessment_section", args=[assessment.pk, last.section_id])
        except NoReverseMatch:
            continue  # before the lazy sections
        row = measure(client, section_url, args.repeat, {"HTTP_HX_REQUEST": "true"})
        print(f"{'  its last section (section view, htmx)':<58} {row['bytes']:>8} {row['wall']:>8.1f} "
              f"{row['cpu']:>7.1f}")


main()
