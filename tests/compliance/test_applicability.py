"""Which requirements apply, and the reason shown for each (pure rules)."""

from compliance.applicability import Context, RequirementTags, decide, describe, highest_tier


def firm(kind="bank", tiers=(), categories=()):
    return Context(assessment_scope="firm", firm_kind=kind, tiers=frozenset(tiers),
                   vendor_categories=frozenset(categories))


def vendor(kind="bank", category="cdn_security", tiers=(), framework_scope="firm"):
    return Context(assessment_scope="vendor", firm_kind=kind, vendor_category=category, tiers=frozenset(tiers),
                   framework_scope=framework_scope)


def texts(decision):
    return [describe(r) for r in decision.reasons]


def test_an_untagged_requirement_applies_firm_wide():
    d = decide(RequirementTags("KR-A1"), firm())
    assert d.applies and texts(d) == ["applies: no applicability conditions"]


def test_a_vasp_requirement_applies_to_a_vasp_only(settings):
    settings.LANGUAGE_CODE = "en"
    tags = RequirementTags("KR-L1", firm_kinds=("vasp",))
    assert decide(tags, firm("vasp")).applies
    assert "applies: firm is a VASP" in texts(decide(tags, firm("vasp")))
    bank = decide(tags, firm("bank"))
    assert not bank.applies and texts(bank) == ["excluded: only for a VASP; firm is a bank"]


def test_a_t1_requirement_needs_a_t1_dependency_firm_wide():
    tags = RequirementTags("KR-G3", tiers=("T1",), vendor_scope=True)
    assert decide(tags, firm(tiers={"T1", "T3"})).applies
    assert "applies: firm has a T1 dependency" in texts(decide(tags, firm(tiers={"T1", "T3"})))
    d = decide(tags, firm(tiers={"T2"}))
    assert not d.applies and "excluded: firm has no T1 dependency" in texts(d)
    assert not decide(tags, firm()).applies


def test_a_t1_requirement_for_a_vendor_looks_at_that_vendors_dependencies():
    tags = RequirementTags("KR-G3", tiers=("T1",), vendor_scope=True)
    d = decide(tags, vendor(tiers={"T1"}))
    assert d.applies and "applies: vendor has a T1 dependency" in texts(d)
    assert not decide(tags, vendor(tiers={"T3"})).applies


def test_a_firm_level_requirement_is_left_out_of_a_vendor_assessment():
    d = decide(RequirementTags("KR-A1", vendor_scope=False), vendor())
    assert not d.applies
    assert texts(d) == ["excluded: a firm-level requirement, not assessed per vendor"]
    assert decide(RequirementTags("KR-C1", vendor_scope=True), vendor()).applies


def test_a_vendor_checklist_takes_its_items_whatever_their_vendor_scope_flag():
    assert decide(RequirementTags("EC-1", vendor_scope=False), vendor(framework_scope="vendor")).applies


def test_vendor_categories_match_the_vendor_or_the_firms_vendors():
    tags = RequirementTags("EC-C1", vendor_categories=("cdn_security",), vendor_scope=True)
    assert decide(tags, vendor(category="cdn_security")).applies
    assert not decide(tags, vendor(category="cloud")).applies
    assert decide(tags, firm(categories={"cloud", "cdn_security"})).applies
    assert not decide(tags, firm(categories={"cloud"})).applies


def test_every_tag_must_hold():
    tags = RequirementTags("KR-G2", tiers=("T1",), firm_kinds=("bank", "fintech"), vendor_scope=True)
    assert decide(tags, firm("bank", tiers={"T1"})).applies
    assert not decide(tags, firm("vasp", tiers={"T1"})).applies
    assert not decide(tags, firm("bank", tiers={"T2"})).applies


def test_highest_tier():
    assert highest_tier({"T3", "T1", "T2"}) == "T1"
    assert highest_tier(set()) is None
