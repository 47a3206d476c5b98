"""The main pages stay under 100 KB of HTML with the demo-sized data (issue 16): a page that grows past it needs
pagination or lazy sections. Sizes only; times are measured by bench/load.py and bench/assessment_page.py, never
asserted.

The demo assessment bench/load.py measures (Hanbit's largest, accepted, 80 applicable requirements) rendered every
section at once, about 144 KB; its sections now load when revealed (compliance/views/sections.py). Haneul's draft,
which its officer answers (unanswered items in almost every section, each card with its answer form), rendered every
section to answer at once, about 278 KB; now only the first of them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import client_for

LIMIT = 100 * 1024


@pytest.fixture
def demo(db, settings):
    from accounts.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=StringIO())
    return {role: User.objects.get(email=email)
            for role, email in {"officer": "officer@hanbit.demo", "supervisor": "supervisor@fss.demo",
                                "draft_officer": "officer@haneul.demo"}.items()}


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


def largest_assessment(user):
    from django.db.models import Count

    from compliance.models import Assessment

    org = user.memberships_list()[0].organization
    return Assessment.objects.for_org(org).annotate(n=Count("framework__requirements")).order_by("-n", "id").first()


def test_main_pages_stay_under_100_kb(demo):
    # One test for all of them: seeding the demo is most of the cost.
    sizes = {name: _size(demo[role], reverse(name)) for role, name in MAIN_PAGES}
    assessment = largest_assessment(demo["officer"])
    sizes["compliance:assessment_detail"] = _size(
        demo["officer"], reverse("compliance:assessment_detail", args=[assessment.pk]))
    draft = largest_assessment(demo["draft_officer"])
    assert draft.status == "draft"  # the officer can answer it: the answer forms are on the page
    sizes["compliance:assessment_detail (officer's draft)"] = _size(
        demo["draft_officer"], reverse("compliance:assessment_detail", args=[draft.pk]))
    assert {name: size for name, size in sizes.items() if size >= LIMIT} == {}
