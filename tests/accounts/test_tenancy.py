import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Membership
from accounts.tenancy import UnscopedQueryError, get_for_org_or_404
from audit.models import AuditEvent


def test_an_unscoped_read_of_firm_data_raises(world):
    with pytest.raises(UnscopedQueryError):
        list(Membership.objects.all())


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: list(qs.values("id")),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(n=__import__("django.db.models", fromlist=["Count"]).Count("id")),
        lambda qs: qs.update(role="viewer"),
        lambda qs: qs.delete(),
        lambda qs: qs.get(pk=1),
        lambda qs: qs.in_bulk([1]),
    ],
    ids=["count", "exists", "first", "values", "iterator", "aggregate", "update", "delete", "get", "in_bulk"],
)
def test_every_way_of_running_an_unscoped_query_raises(world, operation):
    with pytest.raises(UnscopedQueryError):
        operation(Membership.objects.filter(role="viewer"))


def test_excluding_a_firm_does_not_count_as_scoping(world):
    with pytest.raises(UnscopedQueryError):
        list(Membership.objects.exclude(organization=world.firm_b))


def test_scoping_to_a_firm_returns_only_its_rows(world):
    rows = list(Membership.objects.for_org(world.firm_a))
    assert {m.organization_id for m in rows} == {world.firm_a.pk}
    assert len(rows) == 3


def test_no_active_firm_means_no_rows_not_all_rows(world):
    assert list(Membership.objects.for_org(None)) == []


def test_the_scope_survives_chaining(world):
    qs = Membership.objects.for_org(world.firm_a).filter(role="viewer").order_by("id")
    assert [m.user for m in qs] == [world.a_viewer]


def test_the_cross_firm_path_works_for_supervisors(world):
    rows = Membership.objects.across_firms(world.supervisor)
    assert {m.organization_id for m in rows} >= {world.firm_a.pk, world.firm_b.pk}


@pytest.mark.parametrize("who", ["a_admin", "a_officer", "a_viewer", "stranger"])
def test_the_cross_firm_path_is_refused_to_everyone_else(world, who):
    with pytest.raises(PermissionDenied):
        Membership.objects.across_firms(getattr(world, who))


def test_another_firms_object_is_a_404(world):
    b_membership = Membership.objects.for_org(world.firm_b).first()
    with pytest.raises(Http404):
        get_for_org_or_404(Membership, world.firm_a, pk=b_membership.pk)
    assert get_for_org_or_404(Membership, world.firm_b, pk=b_membership.pk) == b_membership


def test_a_garbage_id_is_a_404_not_a_500(world):
    with pytest.raises(Http404):
        get_for_org_or_404(Membership, world.firm_a, pk="not-a-number")


def test_audit_events_are_firm_data_too(world):
    with pytest.raises(UnscopedQueryError):
        list(AuditEvent.objects.all())
