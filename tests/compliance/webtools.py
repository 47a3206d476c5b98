"""Helpers of the compliance web tests: a checklist whose every requirement applies, and htmx posts."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from compliance.models import Assessment, Requirement
from tests.factories.compliance import make_assessment, make_framework

HTMX = {"HTTP_HX_REQUEST": "true"}


def plain_requirements(n: int, critical: tuple[str, ...] = ()) -> list[tuple]:
    """n requirements without applicability tags (they always apply), spread over sections A, B, C."""
    rows = []
    for i in range(n):
        section = "ABC"[i % 3]
        ref = f"W-{section}{i + 1}"
        rows.append((ref, section, 1 + i % 5, ref in critical, {}, False))
    return rows


def assessment_with(org, n: int = 3, critical: tuple[str, ...] = (), **extra) -> Assessment:
    framework = make_framework(requirements=plain_requirements(n, critical))
    # Published rows refuse save(); a queryset update adds the texts the factory leaves empty.
    Requirement.objects.filter(framework=framework).update(
        guidance_en="Check the board minutes.", guidance_ko="이사회 의사록을 확인합니다.", evidence=["DOC", "MIN"],
        legal_basis_en="EFSR Art. 14-2", legal_basis_ko="전자금융감독규정 제14조의2",
    )
    return make_assessment(org, framework=framework, **extra)


def english(client: Client) -> Client:
    """The pages in English (the default language is Korean), so assertions can read the wording."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def requirement(assessment: Assessment, ref: str) -> Requirement:
    return Requirement.objects.get(framework=assessment.framework, ref=ref)


def answer_url(assessment: Assessment, ref: str) -> str:
    return reverse("compliance:answer_save", args=[assessment.pk, requirement(assessment, ref).pk])


def answer_data(assessment: Assessment, ref: str, response: str, *, comment: str = "", na_reason: str = "",
                version: int | None = None) -> dict[str, str]:
    prefix = f"r{requirement(assessment, ref).pk}"
    return {
        f"{prefix}-response": response, f"{prefix}-comment": comment, f"{prefix}-na_reason": na_reason,
        f"{prefix}-version": "" if version is None else str(version),
    }


def english_client(user) -> Client:
    from tests.conftest import client_for

    return english(client_for(user))


def state_not_applicable_condition(assessment: Assessment, ref: str, en: str, ko: str = "") -> None:
    """Give a knock-out the condition under which its checklist lets it be N/A (published rows refuse save())."""
    Requirement.objects.filter(framework=assessment.framework, ref=ref).update(
        not_applicable_if_en=en, not_applicable_if_ko=ko or f"{en} (ko)",
    )


# Two versions of one checklist: U-A1 and U-B1 (a knock-out) unchanged, U-A2 reweighted, U-B2 reworded,
# U-C1 dropped, U-C2 added. Every requirement applies (no tags).
VERSION_1 = [("U-A1", "A", 3, False, {}, False), ("U-A2", "A", 2, False, {}, False),
             ("U-B1", "B", 4, True, {}, False), ("U-B2", "B", 1, False, {}, False),
             ("U-C1", "C", 2, False, {}, False)]
VERSION_2 = [("U-A1", "A", 3, False, {}, False), ("U-A2", "A", 3, False, {}, False),
             ("U-B1", "B", 4, True, {}, False), ("U-B2", "B", 1, False, {}, False),
             ("U-C2", "C", 2, False, {}, False)]


def two_versions(code: str = "UPG", newer: str = "2025.2"):
    """(older, newer) published versions of ``code`` as described above."""
    from tests.factories.compliance import make_framework

    old = make_framework(code, version="2025.1", requirements=VERSION_1)
    new = make_framework(code, version=newer, requirements=VERSION_2)
    Requirement.objects.filter(framework=new, ref="U-B2").update(text_en="U-B2 requirement, now with a deadline")
    return old, new
