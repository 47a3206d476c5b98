"""Downloaded files are named by what they are, whose, which and when."""

import datetime

from django.urls import reverse

from core.filenames import export_filename
from tests.compliance.webtools import english_client
from tests.factories.compliance import make_assessment


class Firm:
    name = "Dalbit Exchange Co., Ltd."


def test_a_name_says_what_whose_which_and_when():
    name = export_filename("audit-log", Firm(), "assessment-7", on=datetime.date(2026, 12, 3))
    assert name == "backstop-audit-log-dalbit-exchange-co-ltd-assessment-7-20261203.xlsx"


def test_the_checklist_download_is_named_by_firm_assessment_and_date(world):
    assessment = make_assessment(world.firm_a)
    response = english_client(world.a_officer).get(reverse("compliance:checklist_export", args=[assessment.pk]))
    assert f"backstop-checklist-alpha-bank-assessment-{assessment.pk}-" in response["Content-Disposition"]
