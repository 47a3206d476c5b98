"""The demo seed: realistic assessments, Dalbit's knock-out on KR-G3, and idempotence."""

from compliance import demo
from compliance.models import Answer, Assessment, Finding
from core.demo import seed_people


def seed_all():
    # Only the register and this app's seed: later seeders (review) answer what this one leaves open.
    from vendors import demo as vendors_demo

    world = seed_people()
    vendors_demo.seed(world)
    demo.seed(world)
    return world


def test_the_demo_gives_every_firm_an_assessment_and_dalbit_a_knock_out(db):
    world = seed_all()
    dalbit, pado = world.orgs["dalbit"], world.orgs["pado"]
    firm_wide = Assessment.objects.for_org(dalbit).get(framework__code="KR-TPRM")
    assert firm_wide.rating == "D"
    assert any(r["code"] == "capped_d_critical_non_compliant" and r["ref"] == "KR-G3"
               for r in firm_wide.rating_reasons)
    assert firm_wide.score_details["unanswered"]  # partly answered, like a real one in progress
    assert Assessment.objects.for_org(dalbit).filter(framework__code="EC-PROVIDER", vendor__isnull=False).exists()
    assert Assessment.objects.for_org(pado).filter(framework__code="EC-PROVIDER").exists()
    assert Assessment.objects.for_org(pado).get(framework__code="KR-TPRM").rating != "D"
    assert Finding.objects.for_org(dalbit).filter(requirement__ref="KR-G3", severity="critical").exists()
    for slug, org in world.orgs.items():
        if not org.is_regulator:
            assert Assessment.objects.for_org(org).filter(framework__code="KR-TPRM").count() == 1, slug

    open_findings = Finding.objects.for_org(dalbit).exclude(status__in=["resolved", "risk_accepted"])
    assert open_findings.exists()
    assert not open_findings.filter(owner__isnull=True).exists()
    assert not open_findings.filter(due_date__isnull=True).exists()
    assert open_findings.filter(status="in_progress", remediation_plan__gt="").exists()

    counts = (Assessment.objects.for_org(dalbit).count(), Answer.objects.for_org(dalbit).count(),
              Finding.objects.for_org(dalbit).count())
    seed_all()
    assert counts == (Assessment.objects.for_org(dalbit).count(), Answer.objects.for_org(dalbit).count(),
                      Finding.objects.for_org(dalbit).count())


def test_new_demo_assessments_use_the_newest_published_version_compared_as_numbers(db, tmp_path):
    from compliance.loader import FRAMEWORKS_DIR, load_all

    shipped = (FRAMEWORKS_DIR / "kr-tprm" / "2025.1.yaml").read_text(encoding="utf-8")
    (tmp_path / "kr-tprm").mkdir()
    for version in ("2025.9", "2025.10"):  # as text "2025.9" sorts after "2025.10"
        text = shipped.replace('version: "2025.1"', f'version: "{version}"', 1)
        (tmp_path / "kr-tprm" / f"{version}.yaml").write_text(text, encoding="utf-8")
    load_all(tmp_path)
    world = seed_all()
    dalbit = world.orgs["dalbit"]
    firm_wide = Assessment.objects.for_org(dalbit).select_related("framework").get(framework__code="KR-TPRM")
    assert firm_wide.framework.version == "2025.10" and "KR-TPRM 2025.10" in firm_wide.title
    assert firm_wide.rating == "D"
    seed_all()
    assert Assessment.objects.for_org(dalbit).filter(framework__code="KR-TPRM").count() == 1
