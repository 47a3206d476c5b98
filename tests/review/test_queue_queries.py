"""The queue page and endpoint cost the same number of queries for 1 or many submissions."""

from accounts.models import OrganizationKind
from tests.factories.accounts import make_org
from tests.factories.review import submission_for


def _queries(django_assert_max_num_queries, client, url, bound):
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_the_queue_page_is_constant_in_the_number_of_submissions(world, as_user, django_assert_max_num_queries):
    client = as_user(world.supervisor)
    submission_for(world.firm_b)
    # 11: one of them loads the second factor that verified the supervisor's session (django-otp).
    _queries(django_assert_max_num_queries, client, "/review/queue/", 11)
    for i in range(12):
        submission_for(make_org(f"Queue Firm {i}", OrganizationKind.FINTECH))
    _queries(django_assert_max_num_queries, client, "/review/queue/", 11)


def test_the_queue_endpoint_is_constant_in_the_number_of_submissions(world, api_for, django_assert_max_num_queries):
    client = api_for(world.supervisor)
    submission_for(world.firm_b)
    _queries(django_assert_max_num_queries, client, "/api/v1/review/queue/", 5)
    for i in range(12):
        submission_for(make_org(f"Queue Firm {i}", OrganizationKind.FINTECH))
    _queries(django_assert_max_num_queries, client, "/api/v1/review/queue/", 5)
    assert client.get("/api/v1/review/queue/").json()["count"] == 13
