"""The database is the second wall: whatever SQL gets past the ORM's guard sees one firm's rows only.

These run on PostgreSQL as the application's role (tests/conftest.py); SQLite has no second wall.
"""

import pytest
from django.conf import settings
from django.db import DatabaseError, ProgrammingError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.test import Client
from django.urls import reverse

from accounts import rls
from accounts.rls_schema import ensure_row_level_security, missing, protected_tables
from audit.context import acting_as
from audit.models import AuditEvent
from audit.recorder import record
from tests.factories.vendors import make_provider, make_vendor
from vendors.models import ProviderCatalog, Vendor

pytestmark = pytest.mark.services


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite keeps the ORM wall only")


@pytest.fixture
def register(world):
    only_b = make_provider("only-b-cloud")
    shared = make_provider("shared-cdn")
    make_vendor(world.firm_a, name="A CDN", catalog=shared)
    make_vendor(world.firm_b, name="B-SECRET CDN", catalog=shared)
    make_vendor(world.firm_b, name="B-SECRET cloud", catalog=only_b)
    return {"only_b": only_b, "shared": shared}


def nobody():
    return rls.scoped(rls.NOTHING)


def raw_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM vendors_vendor ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def test_the_tests_connect_as_a_role_that_row_level_security_binds(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_firm_table_has_row_level_security_enabled_forced_and_its_policies(db):
    tables = protected_tables()
    assert {"vendors_vendor", "audit_auditevent", "review_submission", "vendors_vendor_subcontractors"} <= {
        t.table for t in tables
    }
    with connection.cursor() as cursor:
        assert missing(cursor, tables) == []
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND c.relrowsecurity AND c.relforcerowsecurity",
            [[t.table for t in tables]],
        )
        assert len(cursor.fetchall()) == len(tables)


def test_the_post_migrate_check_is_idempotent_for_the_application_role(db):
    # Everything is in place, so it issues no DDL (which this role could not run).
    ensure_row_level_security()


def test_raw_sql_sees_only_the_active_firm(world, register):
    with rls.firm(world.firm_a):
        assert raw_names() == ["A CDN"]
    with rls.firm(world.firm_b):
        assert raw_names() == ["B-SECRET CDN", "B-SECRET cloud"]


def test_with_no_firm_set_the_database_shows_no_firm_rows(world, register):
    with nobody():
        assert raw_names() == []
        assert list(Vendor._base_manager.values_list("name", flat=True)) == []
        assert AuditEvent._base_manager.count() == 0


def test_the_base_manager_and_values_see_only_the_active_firm(world, register):
    with rls.firm(world.firm_a):
        assert list(Vendor._base_manager.values_list("name", flat=True)) == ["A CDN"]
        assert list(Vendor._base_manager.values("organization_id").distinct()) == [
            {"organization_id": world.firm_a.pk}
        ]


def test_aggregates_count_only_the_active_firms_rows(world, register):
    with rls.firm(world.firm_a):
        assert Vendor._base_manager.aggregate(n=Count("id"))["n"] == 1
        counts = dict(ProviderCatalog._base_manager.annotate(n=Count("vendors")).values_list("key", "n"))
        assert counts == {"only-b-cloud": 0, "shared-cdn": 1}


def test_exists_and_subqueries_see_only_the_active_firm(world, register):
    used = Vendor._base_manager.filter(catalog=OuterRef("pk"))
    with rls.firm(world.firm_a):
        flags = dict(ProviderCatalog._base_manager.annotate(used=Exists(used)).values_list("key", "used"))
        assert flags == {"only-b-cloud": False, "shared-cdn": True}
        names = ProviderCatalog._base_manager.annotate(name=Subquery(used.values("name")[:1]))
        assert dict(names.values_list("key", "name")) == {"only-b-cloud": None, "shared-cdn": "A CDN"}


def test_a_union_sees_only_the_active_firm(world, register):
    a = Vendor._base_manager.filter(name__startswith="A").values_list("name", flat=True)
    b = Vendor._base_manager.filter(name__startswith="B").values_list("name", flat=True)
    with rls.firm(world.firm_a):
        assert sorted(a.union(b)) == ["A CDN"]


def test_link_tables_follow_the_firm_row_they_hang_from(world, register):
    vendor_b = Vendor.objects.for_org(world.firm_b).get(name="B-SECRET CDN")
    vendor_b.subcontractors.add(register["only_b"])
    with rls.firm(world.firm_a), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM vendors_vendor_subcontractors")
        assert cursor.fetchone()[0] == 0
    with rls.firm(world.firm_b), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM vendors_vendor_subcontractors")
        assert cursor.fetchone()[0] == 1


def test_a_firm_cannot_write_another_firms_rows(world, register):
    with rls.firm(world.firm_a):
        assert Vendor._base_manager.filter(organization=world.firm_b).update(name="hijacked") == 0
        assert Vendor._base_manager.filter(organization=world.firm_b).delete()[0] == 0
        with pytest.raises(DatabaseError), transaction.atomic():
            make_vendor(world.firm_b, name="planted")
    assert Vendor.objects.for_org(world.firm_b).filter(name="hijacked").count() == 0


def test_cross_firm_reads_work_only_inside_across_firms(world, register):
    with rls.firm(world.regulator):
        assert raw_names() == []
        names = sorted(Vendor.objects.across_firms(world.supervisor).values_list("name", flat=True))
        assert names == ["A CDN", "B-SECRET CDN", "B-SECRET cloud"]
        assert Vendor.objects.across_firms(world.supervisor).count() == 3
        assert sum(1 for _ in Vendor.objects.across_firms(world.supervisor).iterator(chunk_size=1)) == 3
        # The door closes behind the queryset.
        assert raw_names() == []


def test_cross_firm_reads_are_read_only(world, register):
    with rls.firm(world.regulator), rls.widened(cross_firm=True):
        assert Vendor._base_manager.update(name="changed by a supervisor") == 0


def test_the_audit_log_is_append_only_for_the_application(world, register):
    """Not only no UPDATE/DELETE policy: no privilege either, so raw SQL fails even in maintenance scope,
    where the operators' policy would otherwise let it through."""
    with acting_as(world.a_officer, world.firm_a):
        event = record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="1")
    for scope in (rls.for_firm(world.firm_a), rls.DbScope(maintenance=True)):
        for sql in ("UPDATE audit_auditevent SET object_repr = 'forged' WHERE id = %s",
                    "DELETE FROM audit_auditevent WHERE id = %s"):
            with rls.scoped(scope), pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.for_org(world.firm_a).get(pk=event.pk).object_repr == event.object_repr


def test_the_application_role_holds_no_update_or_delete_on_the_audit_table(db):
    from audit.privileges import still_granted

    with connection.cursor() as cursor:
        assert still_granted(cursor, settings.DATABASE_APP_ROLE, ("UPDATE", "DELETE")) == []
        assert still_granted(cursor, settings.DATABASE_APP_ROLE, ("SELECT", "INSERT")) == ["SELECT", "INSERT"]


def test_the_revoke_takes_update_delete_and_truncate_from_a_role_granted_everything(transactional_db):
    import os

    import dj_database_url
    import psycopg

    from audit import privileges

    owner = dj_database_url.parse(os.environ["DATABASE_URL"])
    db = connection.settings_dict
    role = f"backstop_test_revoke_{os.getpid()}"
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=owner["USER"], autocommit=True
    ) as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        try:
            cursor.execute(f"GRANT ALL ON audit_auditevent TO {role}")
            privileges.revoke(cursor, role)
            assert privileges.still_granted(cursor, role) == []
        finally:
            cursor.execute(f"REVOKE ALL ON audit_auditevent FROM {role}")
            cursor.execute(f"DROP ROLE {role}")


def test_each_firms_chain_verifies_when_written_from_its_own_scope(world, register):
    from audit.chain import verify_chain

    with acting_as(world.a_officer, world.firm_a):
        a = record(AuditEvent.Action.EXPORT, organization=world.firm_a, object_type="test", object_id="a")
    with acting_as(world.b_officer, world.firm_b):
        b = record(AuditEvent.Action.EXPORT, organization=world.firm_b, object_type="test", object_id="b")
    assert a.prev_hash == AuditEvent.objects.chain_of(world.firm_a.pk).get(seq=a.seq - 1).hash
    assert b.prev_hash == AuditEvent.objects.chain_of(world.firm_b.pk).get(seq=b.seq - 1).hash
    with nobody():
        assert verify_chain().ok


def test_two_firms_append_at_once_and_only_one_chain_waits(transactional_db, world):
    """Each chain has its own lock: firm B appends while firm A's transaction holds A's chain; a second
    writer of firm A waits for it, and both of A's events end up one after the other."""
    import threading

    holding, release = threading.Event(), threading.Event()
    done: dict[str, AuditEvent] = {}

    def write(name, org, hold=False):
        try:
            with transaction.atomic():
                done[name] = record(AuditEvent.Action.EXPORT, organization=org, object_type="test", object_id=name)
                if hold:
                    holding.set()
                    release.wait(20)
        finally:
            connection.close()

    first_a = threading.Thread(target=write, args=("a1", world.firm_a, True))
    first_a.start()
    assert holding.wait(10)
    other_firm = threading.Thread(target=write, args=("b", world.firm_b))
    other_firm.start()
    other_firm.join(10)
    second_a = threading.Thread(target=write, args=("a2", world.firm_a))
    second_a.start()
    second_a.join(1)
    try:
        assert not other_firm.is_alive() and "b" in done, "firm B waited for firm A's chain"
        assert second_a.is_alive() and "a2" not in done, "a second writer of firm A did not wait"
    finally:
        release.set()
        first_a.join(10)
        second_a.join(10)
    assert done["a2"].seq == done["a1"].seq + 1 and done["a2"].prev_hash == done["a1"].hash
    from audit.chain import verify_chain

    assert verify_chain().ok


def test_acting_as_sets_the_firm_and_restores_the_connection(world, register):
    before = rls.current()
    with acting_as(world.a_officer, world.firm_a):
        assert raw_names() == ["A CDN"]
    assert rls.current() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.current_org', true), current_setting('app.maintenance', true)")
        assert cursor.fetchone() == ("", "on")


def test_a_failed_transaction_leaves_the_connection_at_its_previous_firm(world, register):
    with rls.firm(world.firm_b):
        with pytest.raises(DatabaseError), transaction.atomic(), rls.firm(world.firm_a):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1/0")
        assert rls.current().org_id == world.firm_b.pk
        assert raw_names() == ["B-SECRET CDN", "B-SECRET cloud"]


def test_a_request_sets_its_firm_and_hands_the_pooled_connection_back_clean(world, register, as_user):
    client = as_user(world.a_officer)
    response = client.get(reverse("vendors:vendor_list"))
    assert response.status_code == 200
    assert "A CDN" in response.content.decode() and "B-SECRET" not in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.current_org', true)")
        assert cursor.fetchone()[0] == ""


def test_an_api_request_sets_its_firm_from_the_token(world, register, api_for):
    body = api_for(world.b_officer).get("/api/v1/vendors/").json()
    names = sorted(v["name"] for v in body["results"])
    assert names == ["B-SECRET CDN", "B-SECRET cloud"]


@pytest.fixture
def applied(monkeypatch):
    """Every scope set on the connection (one round trip each), from a connection at no firm, as in production."""
    scopes = []
    real = rls._apply

    def apply(conn, scope):
        scopes.append(scope)
        real(conn, scope)

    with nobody():
        monkeypatch.setattr(rls, "_apply", apply)
        yield scopes


def test_a_door_is_opened_once_per_read(world, applied):
    # list() looks at a queryset twice (its length, then its rows); only the first look runs SQL.
    assert [m.organization for m in world.a_officer.memberships_list()] == [world.firm_a]
    assert applied == [rls.DbScope(user_id=world.a_officer.pk), rls.NOTHING]


def test_an_api_request_sets_the_connection_three_times(world, register, applied):
    from tests.factories.accounts import make_api_token

    raw = make_api_token(world.a_officer)[1]
    applied.clear()
    response = Client().get("/api/v1/vendors/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert [v["name"] for v in response.json()["results"]] == ["A CDN"]
    # The person's own memberships, then their firm, then back to no firm for the pooled connection.
    officer = world.a_officer.pk
    assert applied == [rls.DbScope(user_id=officer), rls.DbScope(org_id=world.firm_a.pk, user_id=officer), rls.NOTHING]


def test_a_page_sets_the_connection_three_times(world, register, as_user, applied):
    client = as_user(world.a_officer)
    applied.clear()
    assert "A CDN" in client.get(reverse("vendors:vendor_list")).content.decode()
    officer = world.a_officer.pk
    assert applied == [rls.DbScope(user_id=officer), rls.DbScope(org_id=world.firm_a.pk, user_id=officer), rls.NOTHING]


# --- the ways in that have no request: a worker's connection starts with no firm at all -----------

def test_the_reminder_beat_task_works_firm_by_firm(world):
    import datetime

    from django.utils import timezone

    from review.models import Notification
    from review.reminders import run_all

    make_vendor(world.firm_a, contract_end=timezone.localdate() + datetime.timedelta(days=30))
    with nobody():
        counts = run_all()
    assert counts["contracts"] == 1
    assert Notification.objects.for_org(world.firm_a).filter(kind="contract_ending").count() == 3


def test_the_export_beat_tasks_work_firm_by_firm(world):
    import datetime

    from django.utils import timezone

    from reports.exports import jobs
    from tests.factories.reports import make_done_job

    make_done_job(world.firm_b, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with nobody():
        assert jobs.expire_exports() == 1


def test_the_notification_email_task_reads_its_firms_notification(world):
    from review.models import Notification
    from review.tasks import send_notification_email

    note = Notification.objects.create(organization=world.firm_a, recipient=world.a_officer, kind="t", message="m")
    with nobody():
        assert send_notification_email.run(world.firm_a.pk, note.pk) is True


def test_a_row_read_across_firms_passes_the_door_to_its_related_rows(world):
    from review.models import Submission
    from tests.factories.review import comment_for

    comment = comment_for(world.firm_b)
    with rls.firm(world.regulator):
        submission = Submission.objects.across_firms(world.supervisor).get(pk=comment.submission_id)
        assert [c.pk for c in submission.comments.all()] == [comment.pk]
        [prefetched] = Submission.objects.across_firms(world.supervisor).filter(pk=submission.pk).prefetch_related(
            "comments")
        assert [c.pk for c in prefetched.comments.all()] == [comment.pk]
        # A row the regulator's own scope read carries no door: nothing of firm B.
        assert raw_names() == []
