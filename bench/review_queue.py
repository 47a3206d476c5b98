"""Review queue with 1,000 submissions from 200 firms: page and endpoint time and query counts.

python bench/review_queue.py                      # embedded SQLite
DATABASE_URL=postgres://postgres@127.0.0.1:5432/backstop_bench python bench/review_queue.py
"""

from _setup import measured, start

start("review_queue")

import datetime  # noqa: E402

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from audit.context import acting_as  # noqa: E402
from compliance.models import Assessment, Framework  # noqa: E402
from review.models import Submission  # noqa: E402

FIRMS, PER_FIRM = 200, 5

with acting_as(None):
    regulator, _ = Organization.objects.get_or_create(
        business_registration_number="999-99-99999",
        defaults={"name": "Bench FSS", "name_ko": "벤치 감독원", "kind": "regulator"},
    )
    supervisor = User.objects.filter(email="bench-supervisor@fss.test").first() or User.objects.create_user(
        "bench-supervisor@fss.test", "bench-password-1"
    )
    Membership.objects.get_or_create(organization=regulator, user=supervisor, defaults={"role": Role.SUPERVISOR})
    framework, _ = Framework.objects.get_or_create(
        code="BENCH",
        version="1",
        defaults={
            "scope": "firm",
            "name_ko": "벤치",
            "name_en": "Bench",
            "checksum": "0" * 64,
            "published_at": timezone.now(),
        },
    )
    if not Submission.objects.across_firms(supervisor).exists():
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Bench Firm {i}",
                    name_ko=f"벤치 {i}",
                    kind="fintech",
                    business_registration_number=f"{300 + i // 100:03d}-{i % 100:02d}-{i:05d}",
                )
                for i in range(FIRMS)
            ]
        )
        officer = supervisor
        now = timezone.now()
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    organization=o,
                    framework=framework,
                    title=f"Assessment {j}",
                    period_start=datetime.date(2025, 1, 1),
                    period_end=datetime.date(2025, 12, 31),
                    status="submitted",
                )
                for o in orgs
                for j in range(PER_FIRM)
            ]
        )
        Submission.objects.bulk_create(
            [
                Submission(
                    organization=a.organization,
                    assessment=a,
                    number=1,
                    submitted_by=officer,
                    submitted_at=now - datetime.timedelta(hours=k),
                    snapshot_json="{}",
                    snapshot_sha256=Submission.hash_of("{}"),
                    firm_kind="fintech",
                    framework_label="BENCH 1",
                    critical_gaps=k % 4,
                    review_deadline=(now + datetime.timedelta(days=k % 20 - 5)).date(),
                )
                for k, a in enumerate(assessments)
            ],
            batch_size=500,
        )

client = Client()
client.force_login(supervisor)
print(f"submissions: {Submission.objects.across_firms(supervisor).count()} from {FIRMS} firms")
for label, url in (
    ("queue page (first page, 50 rows)", "/review/queue/"),
    ("queue page, overdue filter", "/review/queue/?overdue=1"),
    ("queue endpoint (first page, 50 rows)", "/api/v1/review/queue/"),
    ("queue endpoint, page 10", "/api/v1/review/queue/?page=10"),
):
    client.get(url)  # warm
    with measured(label):
        assert client.get(url).status_code == 200
