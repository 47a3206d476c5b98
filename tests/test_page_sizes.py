"""The main pages stay under 100 KB of HTML with the demo-sized data (issue 16): a page that grows past it needs
pagination or lazy sections. Sizes only; times are measured by bench/load.py, never asserted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from tests.conftest import client_for

LIMIT = 100 * 1024


@pytest.fixture
def demo(db, settings):
    from accounts.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=StringIO())
    return {role: User.objects.get(email=email)
            for role, email in {"officer": "officer@hanbit.demo", "supervisor": "supervisor@fss.demo"}.items()}


def _size(user, url: str) -> int:
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    return len(response.content)


MAIN_PAGES = [
    ("officer", "dashboard"),
    ("officer", "vendors:vendor_list"),
    ("officer", "compliance:assessment_list"),
    ("supervisor", "review:queue"),
    ("supervisor", "market:concentration"),
]


def test_main_pages_stay_under_100_kb(demo):
    # One test for all of them: seeding the demo is most of the cost.
    sizes = {name: _size(demo[role], reverse(name)) for role, name in MAIN_PAGES}
    assert {name: size for name, size in sizes.items() if size >= LIMIT} == {}


@pytest.mark.xfail(strict=True, reason="issue 16: the 94-requirement demo assessment renders every section at once "
                                       "(~144 KB); lazy sections are still to do")
def test_the_largest_demo_assessment_page_stays_under_100_kb(demo):
    from compliance.models import Assessment

    org = demo["officer"].memberships_list()[0].organization
    assessment = (Assessment.objects.for_org(org).annotate(n=Count("framework__requirements"))
                  .order_by("-n", "id").first())
    assert _size(demo["officer"], reverse("compliance:assessment_detail", args=[assessment.pk])) < LIMIT
