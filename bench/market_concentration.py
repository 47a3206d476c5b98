"""Market concentration and a one-provider outage simulation over 1,000 firms x 100 dependencies.

    python bench/market_concentration.py                      # embedded SQLite (throwaway)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/backstop_bench python bench/market_concentration.py

Writes 100,000 SubmittedDependency rows once (bulk_create), then times the concentration selectors,
the concentration page, the one-provider simulation (service and page) with their query counts.
The simulation classifies every reached service in SQL (market.simulation_sql) and fetches rows
only for the 300 services a page shows; saving (and so exporting) classifies every reached row.
"""

import os
import random

from _setup import measured, start

start("market_concentration")

import datetime  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from audit.context import acting_as  # noqa: E402
from compliance.models import Assessment, Framework  # noqa: E402
from market import selectors, services  # noqa: E402
from review.models import Submission, SubmittedDependency  # noqa: E402
from vendors.models import ProviderCatalog  # noqa: E402

# BENCH_MARKET_FIRMS=100 on another database shows the query counts do not grow with the firms.
FIRMS, PER_FIRM, PROVIDERS = int(os.environ.get("BENCH_MARKET_FIRMS", "1000")), 100, 60
KINDS = ["bank", "securities", "insurance", "card", "fintech", "vasp"]
CATEGORIES = ["cloud", "saas", "cdn_security", "dns", "payments", "kyc"]
rng = random.Random(8)

with acting_as(None):
    regulator, _ = Organization.objects.get_or_create(
        business_registration_number="999-99-99998",
        defaults={"name": "Bench FSS market", "name_ko": "벤치 감독원 시장", "kind": "regulator"})
    supervisor = User.objects.filter(email="bench-market@fss.test").first() or User.objects.create_user(
        "bench-market@fss.test", "bench-password-1")
    Membership.objects.get_or_create(organization=regulator, user=supervisor, defaults={"role": Role.SUPERVISOR})
    providers = []
    for i in range(PROVIDERS):
        p, _ = ProviderCatalog.objects.get_or_create(
            key=f"bench-provider-{i}", defaults={"legal_name": f"Bench Provider {i}", "brand": f"BP{i}",
                                                 "country": rng.choice(["US", "KR", "IE", "JP"]),
                                                 "category": CATEGORIES[i % len(CATEGORIES)],
                                                 "parent_group": f"Group {i // 4}"})
        providers.append(p)
    failed = providers[0]
    existing = SubmittedDependency.objects.across_firms(supervisor).filter(provider__key__startswith="bench-provider-")
    if existing.count() < FIRMS * PER_FIRM:
        framework, _ = Framework.objects.get_or_create(
            code="BENCH-M", version="1", defaults={"scope": "firm", "name_ko": "벤치", "name_en": "Bench",
                                                   "checksum": "0" * 64, "published_at": timezone.now()})
        orgs = Organization.objects.bulk_create([
            Organization(name=f"Bench Market Firm {i}", name_ko=f"벤치 시장 {i}", kind=KINDS[i % len(KINDS)],
                         business_registration_number=f"{500 + i // 100:03d}-{i % 100:02d}-{i:05d}")
            for i in range(FIRMS)
        ])
        assessments = Assessment.objects.bulk_create([
            Assessment(organization=o, framework=framework, title="Bench", period_start=datetime.date(2025, 1, 1),
                       period_end=datetime.date(2025, 12, 31), status="submitted") for o in orgs])
        now = timezone.now()
        subs = Submission.objects.bulk_create([
            Submission(organization=a.organization, assessment=a, number=1, submitted_by=supervisor,
                       submitted_at=now - datetime.timedelta(days=k % 90), snapshot_json="{}",
                       snapshot_sha256=Submission.hash_of("{}"), firm_kind=a.organization.kind,
                       framework_label="BENCH-M 1", review_deadline=now.date(), is_latest=True)
            for k, a in enumerate(assessments)], batch_size=500)
        rows = []
        for s in subs:
            for j in range(PER_FIRM):
                p = providers[min(int(rng.paretovariate(1.2)) - 1, PROVIDERS - 1)]
                tested = rng.random() < 0.3
                rows.append(SubmittedDependency(
                    organization_id=s.organization_id, submission=s, firm_kind=s.firm_kind,
                    service_reference=f"S{j // 4}", service_name=f"Service {j // 4}",
                    importance=rng.choice(["critical", "important", "other"]),
                    rto_minutes=rng.choice([30, 60, 120, 240]),
                    vendor_name=f"Vendor {p.pk}", provider=p, provider_parent=p.parent_group,
                    provider_category=p.category, provider_country=p.country,
                    data_location=rng.choice(["kr_only", "offshore"]), role="other",
                    strategy="active_passive" if tested else rng.choice(["none", "cold_standby"]),
                    alternate_provider=rng.choice(providers) if tested else None, tested_redundancy=tested,
                    best_recovery_minutes=rng.choice([5, 20, 90]) if tested else None,
                    last_pass_on=now.date() if tested else None,
                    subcontractor_ids=rng.sample([x.pk for x in providers[:10]], k=rng.randint(0, 3))))
        SubmittedDependency.objects.bulk_create(rows, batch_size=5000)

total = SubmittedDependency.objects.across_firms(supervisor).filter(submission__is_latest=True).count()
print(f"latest submitted dependencies: {total}")
with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE review_submitteddependency")
        cursor.execute("ANALYZE review_submission")
with measured("per_provider (all)"):
    selectors.per_provider(supervisor, limit=None)
with measured("per_parent + jurisdiction + data location"):
    selectors.per_parent(supervisor)
    selectors.per_field(supervisor, "provider_country")
    selectors.per_field(supervisor, "data_location")
with measured("category HHI + monthly trend"):
    selectors.category_hhi(supervisor)
with measured("nth-party concentration (JSON unnest)"):
    selectors.nth_party(supervisor)
with measured("as of per firm"):
    selectors.as_of_per_firm(supervisor)
client = Client()
client.force_login(supervisor)
with measured("GET /market/concentration/ (whole page)"):
    assert client.get("/market/concentration/").status_code == 200
with measured(f"simulate_market: {failed.key}, 174 min"):
    result = services.simulate_market(user=supervisor, failed=[failed.pk], duration_minutes=174)
print(f"  services hit: {result['services_total']} (detailed: {len(result['services'])}), "
      f"firms breaching RTO: {len(result['breaching'])}")
with measured("GET /market/simulate/ (one provider, 174 min)"):
    assert client.get(f"/market/simulate/?providers={failed.pk}&duration_minutes=174").status_code == 200
with measured(f"simulate_market: {failed.key}, 174 min, every service (save)"):
    services.simulate_market(user=supervisor, failed=[failed.pk], duration_minutes=174, detail_limit=None)
with measured("simulate_market: a small provider, 25 min"):
    services.simulate_market(user=supervisor, failed=[providers[-1].pk], duration_minutes=25)
