"""A national market of submitted dependencies, built fast by bulk insert, for the market benchmarks.

Shared by bench/market_concentration.py and bench/market_simulation.py so both measure the same shape of
market: FIRMS firms of six kinds, 60 providers with skewed (Pareto) shares, a third of dependencies with a
tested alternative. Import it after ``_setup.start()`` (it needs Django set up). Each script passes its own
label, so the two can share one database without colliding on names or registration numbers.

On PostgreSQL the submitted dependencies go in by ``COPY`` (the ORM's ``bulk_create`` took ~60 s per
100k rows, which kept 1M out of reach); elsewhere by ``bulk_create``. Both write the same values: the
rows' values come from the same random draws in the same order, ``bulk_create`` gets them as model
instances, and the COPY path sends them as they are, with what ``bulk_create`` would send for the
fields left to their defaults (see ``_copy_dependencies``). The market
aggregates are then filled by production's own ``refresh_market_aggregates_for``, per firm, as
``review.services.submit`` does (:meth:`MarketBuilder.refresh`); tests/market/test_bench_builder.py
checks that both paths give the same concentration figures.
"""

from __future__ import annotations

import datetime
import os
import random
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.roles import Role
from compliance.models import Assessment, Framework
from market.aggregates import refresh_market_aggregates_for
from market.models import MarketContribution, MarketTotal
from review.models import Submission, SubmittedDependency
from vendors.models import ProviderCatalog

FIRMS, PROVIDERS = int(os.environ.get("BENCH_MARKET_FIRMS", "1000")), 60
SIZES = [int(s) for s in os.environ.get("BENCH_MARKET_SIZES", "10000,100000,300000").split(",")]
KINDS = ["bank", "securities", "insurance", "card", "fintech", "vasp"]
CATEGORIES = ["cloud", "saas", "cdn_security", "dns", "payments", "kyc"]
INSERT_BATCH = 10_000
VACUUM_EVERY = 100


@dataclass
class MarketBuilder:
    label: str  # "Market", "Sim": in names, e-mails, provider keys and the framework code
    label_ko: str
    registration_block: int  # first three digits of the firms' business registration numbers
    seed: int
    firms: int = FIRMS
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def code(self) -> str:
        return f"BENCH-{self.label[0].upper()}"

    def setup(self) -> tuple[User, list[ProviderCatalog], Framework]:
        """The supervisor, the catalogue's providers and a framework, created once per database."""
        slug = self.label.lower()
        regulator, _ = Organization.objects.get_or_create(
            business_registration_number=f"999-99-{99999 - self.registration_block // 100:05d}",
            defaults={"name": f"Bench FSS {slug}", "name_ko": f"벤치 감독원 {self.label_ko}", "kind": "regulator"})
        email = f"bench-{slug}@fss.test"
        supervisor = User.objects.filter(email=email).first() or User.objects.create_user(email, "bench-password-1")
        Membership.objects.get_or_create(organization=regulator, user=supervisor, defaults={"role": Role.SUPERVISOR})
        providers = []
        for i in range(PROVIDERS):
            provider, _ = ProviderCatalog.objects.get_or_create(
                key=f"bench-{slug}-provider-{i}",
                defaults={"legal_name": f"Bench {self.label} Provider {i}", "brand": f"B{self.label[0]}{i}",
                          "country": self.rng.choice(["US", "KR", "IE", "JP"]),
                          "category": CATEGORIES[i % len(CATEGORIES)], "parent_group": f"Group {i // 4}"})
            providers.append(provider)
        framework, _ = Framework.objects.get_or_create(
            code=self.code, version="1", defaults={"scope": "firm", "name_ko": "벤치", "name_en": "Bench",
                                                   "checksum": "0" * 64, "published_at": timezone.now()})
        return supervisor, providers, framework

    def write_market(self, step: int, size: int, supervisor: User, providers: list[ProviderCatalog],
                     framework: Framework, *, now: datetime.datetime | None = None,
                     use_copy: bool | None = None) -> list[Organization]:
        """``self.firms`` new firms with one latest submission each and size/firms submitted dependencies
        apiece; by COPY on PostgreSQL unless ``use_copy`` says otherwise. The aggregates are not touched:
        call :meth:`refresh` (the submission's own work, which the benches time on its own)."""
        use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        rng, firms = self.rng, self.firms
        per_firm, base = max(1, size // firms), step * firms
        orgs = Organization.objects.bulk_create([
            Organization(name=f"Bench {self.label} Firm {size}-{i}", name_ko=f"벤치 {self.label_ko} {size}-{i}",
                         kind=KINDS[i % len(KINDS)],
                         business_registration_number=f"{self.registration_block + (base + i) // 100:03d}"
                                                      f"-{i % 100:02d}-{base + i:05d}")
            for i in range(firms)])
        assessments = Assessment.objects.bulk_create([
            Assessment(organization=o, framework=framework, title="Bench", period_start=datetime.date(2025, 1, 1),
                       period_end=datetime.date(2025, 12, 31), status="submitted") for o in orgs])
        now = now or timezone.now()
        subs = Submission.objects.bulk_create([
            Submission(organization=a.organization, assessment=a, number=1, submitted_by=supervisor,
                       submitted_at=now - datetime.timedelta(days=k % 90), snapshot_json="{}",
                       snapshot_sha256=Submission.hash_of("{}"), firm_kind=a.organization.kind,
                       framework_label=f"{self.code} 1", review_deadline=now.date(), is_latest=True)
            for k, a in enumerate(assessments)], batch_size=500)
        insert = _copy_dependencies if use_copy else _bulk_create_dependencies
        ids = [p.pk for p in providers]
        rows: list[dict] = []
        for s in subs:
            for j in range(per_firm):
                p = providers[min(int(rng.paretovariate(1.2)) - 1, PROVIDERS - 1)]
                tested = rng.random() < 0.3
                rows.append(dict(
                    organization_id=s.organization_id, submission_id=s.pk, firm_kind=s.firm_kind,
                    service_reference=f"S{j // 4}", service_name=f"Service {j // 4}",
                    importance=rng.choice(["critical", "important", "other"]), tier=rng.choice(["T1", "T2", "T3"]),
                    rto_minutes=rng.choice([30, 60, 120, 240]),
                    vendor_name=f"Vendor {p.pk}", provider_id=p.pk, provider_parent=p.parent_group,
                    provider_category=p.category, provider_country=p.country,
                    data_location=rng.choice(["kr_only", "offshore"]), role="other",
                    strategy="active_passive" if tested else rng.choice(["none", "cold_standby"]),
                    alternate_provider_id=rng.choice(ids) if tested else None, tested_redundancy=tested,
                    best_recovery_minutes=rng.choice([5, 20, 90]) if tested else None,
                    last_pass_on=now.date() if tested else None,
                    subcontractor_ids=rng.sample(ids[:10], k=rng.randint(0, 3))))
            if len(rows) >= 5 * INSERT_BATCH:
                insert(rows)
                rows = []
        insert(rows)
        return orgs

    @staticmethod
    def refresh(orgs: list[Organization]) -> None:
        """Each firm's market aggregates, by production's own function, as its submission would.

        Every VACUUM_EVERY firms the aggregate tables are vacuumed, as autovacuum would (it is off on
        this project's shared database server): each refresh rewrites a few hundred ``MarketTotal``
        rows, and 4,000 refreshes unvacuumed left 53 MB of dead rows around 5,700 live ones, which the
        page's reads then scanned. Not inside a transaction (the test's), where VACUUM cannot run.
        """
        for n, org in enumerate(orgs, 1):
            refresh_market_aggregates_for(org)
            if n % VACUUM_EVERY == 0:
                _vacuum_aggregates()
        _vacuum_aggregates()

    @classmethod
    def withdraw(cls, orgs: list[Organization]) -> None:
        """The firms' submissions withdrawn and taken off the aggregates, as ``review.services.withdraw``."""
        for org in orgs:
            Submission.objects.for_org(org).filter(is_latest=True).update(decision="withdrawn")
        cls.refresh(orgs)


def _vacuum_aggregates() -> None:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (MarketTotal, MarketContribution):
            cursor.execute(f"VACUUM {model._meta.db_table}")


def _bulk_create_dependencies(rows: list[dict]) -> None:
    SubmittedDependency.objects.bulk_create([SubmittedDependency(**r) for r in rows], batch_size=INSERT_BATCH)


_STAGE = "bench_submitteddependency_copy"


@transaction.atomic
def _copy_dependencies(rows: list[dict]) -> None:
    """The rows ``bulk_create`` would insert, by COPY into a temporary table, then one INSERT ... SELECT.

    Not straight into the table: PostgreSQL refuses COPY FROM into a table under row-level security
    for a role that does not bypass it (the tests' application role), and the INSERT keeps the
    policies' checks. The temporary table goes with the transaction.

    No model instance per row (building them and asking 30 fields for their values was most of the
    build's time): the fields the builder leaves out take their database value once, from an instance
    built with their defaults (``pre_save`` then ``get_db_prep_save``, as ``bulk_create`` does; the
    timestamps are the batch's); of the builder's own values, which are already of the column's type,
    only the JSON lists need the field's conversion.
    """
    if not rows:
        return
    fields = [f for f in SubmittedDependency._meta.concrete_fields if not f.primary_key]
    # The wrapper itself, not the thread-local ``connection`` proxy, asked for its attributes per call
    # through asgiref's Local.
    conn = connections[DEFAULT_DB_ALIAS]
    given = rows[0].keys()
    template = SubmittedDependency()
    fixed = {f.attname: f.get_db_prep_save(f.pre_save(template, True), conn) for f in fields
             if f.attname not in given}
    json = {f.attname: f for f in fields if f.attname in given and f.get_internal_type() == "JSONField"}
    table = SubmittedDependency._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE} ON COMMIT DROP AS "
                       f"SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
            for r in rows:
                values = {**fixed, **r}
                for name, f in json.items():
                    values[name] = f.get_db_prep_save(values[name], conn)
                copy.write_row([values[n] for n in names])
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE}")
        cursor.execute(f"DROP TABLE {_STAGE}")
