"""Scoring: one 300-requirement assessment, 1,000 rescorings, and the cost of saving one answer.

python bench/scoring.py
"""

import random
import time

from _setup import measured, start

start("scoring")

from compliance import scoring  # noqa: E402

random.seed(7)
RESPONSES = ["compliant", "partial", "non_compliant", "not_applicable", None]


def assessment(n: int) -> list[scoring.Item]:
    return [
        scoring.Item(
            ref=f"R-{i}",
            section=f"S{i % 13}",
            weight=random.randint(1, 5),
            critical=i % 17 == 0,
            response=random.choice(RESPONSES),
        )
        for i in range(n)
    ]


one = assessment(300)
t0 = time.perf_counter()
result = scoring.score(one)
print(
    f"{'score one 300-requirement assessment':<48} {(time.perf_counter() - t0) * 1000:9.2f} ms  rating {result.rating}"
)

batch = [assessment(300) for _ in range(1000)]
t0 = time.perf_counter()
for items in batch:
    scoring.score(items)
print(f"{'rescore 1,000 assessments of 300 requirements':<48} {(time.perf_counter() - t0) * 1000:9.1f} ms")

# Saving one answer through the service: the same number of queries at 20 and at 300 requirements.
from django.utils import timezone  # noqa: E402

from accounts.models import Organization  # noqa: E402
from audit.context import acting_as  # noqa: E402
from compliance import services  # noqa: E402
from compliance.models import Framework, Requirement, Section  # noqa: E402

with acting_as(None):
    org = Organization.objects.create(
        name="Bench Bank", name_ko="벤치은행", kind="bank", business_registration_number="777-77-77777"
    )
    for size in (20, 300):
        fw = Framework.objects.create(
            code=f"BENCH-{size}", version="1", scope="firm", name_ko="벤치", name_en="Bench", checksum="0" * 64
        )
        sections = [
            Section.objects.create(framework=fw, code=f"S{k}", name_ko="섹션", name_en="Section", order=k)
            for k in range(13)
        ]
        Requirement.objects.bulk_create(
            [
                Requirement(
                    framework=fw,
                    section=sections[i % 13],
                    ref=f"B-{i}",
                    text_ko="요건",
                    text_en="Requirement",
                    weight=1 + i % 5,
                    critical=i % 17 == 0,
                    order=i,
                )
                for i in range(size)
            ]
        )
        fw.published_at = timezone.now()
        fw.save()
        a = services.create_assessment(
            organization=org,
            framework=fw,
            title=f"Bench {size}",
            period_start=timezone.localdate(),
            period_end=timezone.localdate(),
        )
        reqs = list(Requirement.objects.filter(framework=fw).order_by("order"))
        for req in reqs[:-1]:
            services.save_answer(assessment=a, requirement=req, response="compliant", expected_version=None, user=None)
        with measured(f"save one answer ({size} requirements)"):
            services.save_answer(
                assessment=a, requirement=reqs[-1], response="partial", expected_version=None, user=None
            )
