"""Related managers and joins only inherit a firm's scope from a firm-owned row.

A provider, a checklist requirement or a framework is shared by every firm: reaching firm data
through one of them (a related manager, a prefetch, a join in ``values`` or an annotation) must
fail closed instead of returning every firm's rows.
"""

import pytest
from django.db.models import Count, Exists, OuterRef, Prefetch

from accounts.tenancy import UnscopedQueryError
from compliance.models import Answer, Assessment, Framework, Requirement
from tests.factories.compliance import make_answer, make_assessment, make_framework
from tests.factories.vendors import make_dependency, make_provider, make_service, make_vendor
from vendors.models import Dependency, ProviderCatalog, Vendor


@pytest.fixture
def shared_provider(world):
    provider = make_provider("shared-cloud")
    make_vendor(world.firm_a, catalog=provider, name="A cloud contract")
    make_vendor(world.firm_b, catalog=provider, name="B-SECRET cloud contract")
    return provider


def test_a_providers_vendors_are_not_in_any_firms_scope(shared_provider):
    with pytest.raises(UnscopedQueryError):
        list(shared_provider.vendors.all())


def test_a_providers_vendors_can_be_narrowed_to_one_firm(world, shared_provider):
    names = list(shared_provider.vendors.for_org(world.firm_a).values_list("name", flat=True))
    assert names == ["A cloud contract"]


def test_a_providers_subcontracting_vendors_are_not_in_any_firms_scope(world, shared_provider):
    vendor = make_vendor(world.firm_b, name="B-SECRET user of a subcontractor")
    vendor.subcontractors.add(shared_provider)
    with pytest.raises(UnscopedQueryError):
        list(shared_provider.subcontracted_by.all())


def test_prefetching_vendors_from_the_catalog_fails_closed(shared_provider):
    with pytest.raises(UnscopedQueryError):
        list(ProviderCatalog.objects.filter(pk=shared_provider.pk).prefetch_related("vendors"))


def test_prefetching_vendors_from_the_catalog_with_a_scoped_queryset_works(world, shared_provider):
    [provider] = ProviderCatalog.objects.filter(pk=shared_provider.pk).prefetch_related(
        Prefetch("vendors", queryset=Vendor.objects.for_org(world.firm_a))
    )
    assert [v.name for v in provider.vendors.all()] == ["A cloud contract"]


def test_a_requirements_answers_are_not_in_any_firms_scope(world):
    answer = make_answer(world.firm_b, comment="B-SECRET comment")
    requirement = Requirement.objects.get(pk=answer.requirement_id)
    with pytest.raises(UnscopedQueryError):
        list(requirement.answers.all())


def test_a_frameworks_assessments_are_not_in_any_firms_scope(world):
    framework = make_framework()
    make_assessment(world.firm_b, framework=framework, title="B-SECRET assessment")
    framework = Framework.objects.get(pk=framework.pk)
    with pytest.raises(UnscopedQueryError):
        list(framework.assessments.all())
    with pytest.raises(UnscopedQueryError):
        framework.assessments.count()


def test_values_across_a_join_into_firm_data_fails_closed(shared_provider):
    with pytest.raises(UnscopedQueryError):
        list(ProviderCatalog.objects.filter(pk=shared_provider.pk).values("vendors__name"))


def test_counting_firm_rows_from_the_catalog_fails_closed(shared_provider):
    with pytest.raises(UnscopedQueryError):
        list(ProviderCatalog.objects.annotate(n=Count("vendors")))
    with pytest.raises(UnscopedQueryError):
        Framework.objects.aggregate(n=Count("assessments"))


def test_filtering_the_catalog_on_firm_data_fails_closed(shared_provider):
    with pytest.raises(UnscopedQueryError):
        ProviderCatalog.objects.filter(vendors__name__startswith="B-SECRET").exists()


def test_a_subquery_into_firm_data_from_the_catalog_fails_closed(shared_provider):
    used = Vendor.objects.filter(catalog=OuterRef("pk"))
    with pytest.raises(UnscopedQueryError):
        list(ProviderCatalog.objects.annotate(used=Exists(used)).filter(used=True))


def test_a_join_into_firm_data_narrowed_to_one_firm_is_allowed(world, shared_provider):
    rows = list(
        ProviderCatalog.objects.filter(vendors__organization=world.firm_a).values_list("key", "vendors__name")
    )
    assert rows == [("shared-cloud", "A cloud contract")]


def test_a_supervisor_may_count_across_firms_from_the_catalog(world, shared_provider):
    counts = ProviderCatalog.objects.across_firms(world.supervisor).annotate(n=Count("vendors"))
    assert counts.get(pk=shared_provider.pk).n == 2


def test_the_catalog_cross_firm_path_is_refused_to_firm_users(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ProviderCatalog.objects.across_firms(world.a_admin)


def test_global_reads_without_firm_data_still_work(shared_provider):
    assert ProviderCatalog.objects.filter(upstreams__isnull=True, pk=shared_provider.pk).count() == 1
    assert list(ProviderCatalog.objects.filter(pk=shared_provider.pk).values_list("key", flat=True)) == ["shared-cloud"]


def test_a_firm_owned_row_passes_its_scope_to_its_related_rows(world):
    service = make_service(world.firm_a)
    make_dependency(world.firm_a, service=service)
    assert service.dependencies.count() == 1
    [loaded] = Vendor.objects.for_org(world.firm_a).prefetch_related("dependencies")
    assert len(loaded.dependencies.all()) == 1


def test_a_related_manager_keeps_to_the_parents_firm(world):
    """A row of firm B wrongly linked to firm A's service (data corruption) stays invisible from A."""
    service = make_service(world.firm_a)
    stray = make_dependency(world.firm_b)
    Dependency._base_manager.filter(pk=stray.pk).update(service=service)
    assert list(service.dependencies.all()) == []


def test_prefetching_across_firms_keeps_every_firms_related_rows(world):
    a = make_assessment(world.firm_a)
    b = make_assessment(world.firm_b)
    make_answer(world.firm_a, assessment=a)
    make_answer(world.firm_b, assessment=b)
    rows = Assessment.objects.across_firms(world.supervisor).filter(pk__in=[a.pk, b.pk]).prefetch_related("answers")
    assert {x.pk: len(x.answers.all()) for x in rows} == {a.pk: 1, b.pk: 1}
    assert Answer.objects.across_firms(world.supervisor).filter(assessment__in=[a, b]).count() == 2
