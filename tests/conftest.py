"""The small world every test starts from.

Firm A and firm B (a bank and a VASP), each with an admin, an officer and a viewer; the regulator
with a supervisor and a lead supervisor; a stranger with no membership at all.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role
from audit import privileges
from tests.factories.accounts import make_member, make_org, make_user, pass_second_factor

# Hypothesis's per-example deadline (200 ms) and its too-slow health check are timings: CI runs two suites side
# by side on two cores, and a correct property test failed there on a busy moment. Tests assert results and
# query counts, never seconds; speed is for bench/.
hypothesis_settings.register_profile("backstop", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("backstop")


@dataclass
class World:
    firm_a: Organization
    firm_b: Organization
    regulator: Organization
    a_admin: User
    a_officer: User
    a_viewer: User
    b_admin: User
    b_officer: User
    b_viewer: User
    supervisor: User
    lead: User
    stranger: User

    def users_of_a(self) -> dict[str, User]:
        return {"firm_admin": self.a_admin, "officer": self.a_officer, "viewer": self.a_viewer}

    def regulator_users(self) -> dict[str, User]:
        return {"supervisor": self.supervisor, "lead_supervisor": self.lead}


@pytest.fixture
def world(db) -> World:
    firm_a = make_org("Alpha Bank", OrganizationKind.BANK)
    firm_b = make_org("Beta Exchange", OrganizationKind.VASP)
    regulator = make_org("Supervisory Service", OrganizationKind.REGULATOR)
    return World(
        firm_a=firm_a,
        firm_b=firm_b,
        regulator=regulator,
        a_admin=make_member(firm_a, Role.FIRM_ADMIN, "admin@a.test"),
        a_officer=make_member(firm_a, Role.OFFICER, "officer@a.test"),
        a_viewer=make_member(firm_a, Role.VIEWER, "viewer@a.test"),
        b_admin=make_member(firm_b, Role.FIRM_ADMIN, "admin@b.test"),
        b_officer=make_member(firm_b, Role.OFFICER, "officer@b.test"),
        b_viewer=make_member(firm_b, Role.VIEWER, "viewer@b.test"),
        supervisor=make_member(regulator, Role.SUPERVISOR, "supervisor@reg.test"),
        lead=make_member(regulator, Role.LEAD_SUPERVISOR, "lead@reg.test"),
        stranger=make_user("stranger@nowhere.test"),
    )


def client_for(user: User | None) -> Client:
    """A client signed in as the user, fully: supervisors and firm admins have passed their second factor."""
    from accounts.second_factor import is_required_for

    client = Client()
    if user is not None:
        client.force_login(user)
        if is_required_for(user):
            pass_second_factor(client, user)
    return client


@pytest.fixture
def as_user():
    """as_user(user) -> a logged-in Django test client."""
    return client_for


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF APIClient authenticated as the user."""
    from rest_framework.test import APIClient

    def make(user: User | None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Fast password hashing; a private media folder per test; no lockouts leaking between tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Each test's own audit anchors: none until a test anchors.
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    # No test is slowed by the request throttles; tests/security/test_throttling.py sets real rates.
    settings.THROTTLE_RATES = {scope: "1000000/min" for scope in settings.THROTTLE_RATES}
    # Export jobs run within the test that asks for them (tests/reports/test_export_thread.py runs the thread).
    settings.EXPORT_IN_THREAD = False


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Tests read English messages; the product's Korean default is tested explicitly in tests/test_i18n.py
    (which restores LANGUAGE_CODE = "ko" from config.settings)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_run_eagerly_unless_on_the_real_worker(request):
    # Outside the services tests a task runs in-process, so no test waits on a worker that isn't there.
    from config.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    browser = [r for r in skipped if "BROWSER TESTS SKIPPED" in str(r.longrepr)]
    if browser:
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS SKIPPED ({len(browser)}): no Chromium found", red=True, bold=True
        )
        terminalreporter.write_line("Install Debian's chromium (apt-get install chromium) or set BACKSTOP_CHROMIUM.")


APP_ROLE = django_settings.DATABASE_APP_ROLE
# Tamper tests play someone with direct write access to the audit table (tests/audit/tampering.py): the
# application role may SET ROLE to this one, but does not inherit its privileges (NOINHERIT).
TAMPER_ROLE = "backstop_test_tamper"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the tests connect as the application's role, which row-level security binds.

    Migrations ran as the owner (the DATABASE_URL user); from here on every connection, the Celery
    worker's included, is ``backstop_app`` (NOSUPERUSER, NOBYPASSRLS). The tests' own fixtures create
    rows of many firms, so a new connection starts in maintenance scope; every request, task and
    command then sets its own firm, exactly as in production, and hands maintenance back after.
    """
    from django.db import connection, connections

    from accounts import rls

    if connection.vendor != "postgresql":
        yield
        return
    owner = connection.settings_dict["USER"]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        grant_app_role(cursor, connection.settings_dict["NAME"])
    connections.close_all()
    for conn in connections.all():
        conn.settings_dict["USER"] = APP_ROLE
    rls.set_connection_default(rls.DbScope(maintenance=True))
    yield
    connections.close_all()
    rls.set_connection_default(rls.NOTHING)
    for conn in connections.all():
        conn.settings_dict["USER"] = owner


def grant_app_role(cursor, database: str) -> None:
    """What docs/security.md asks of a deployment, plus TRUNCATE: the test runner flushes tables."""
    cursor.execute(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {APP_ROLE}')
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    # As a deployment does after its grants: the application may only append to the audit log. TRUNCATE
    # stays, because the test runner's flush empties every table, the audit log included.
    privileges.revoke(cursor, APP_ROLE, ("UPDATE", "DELETE"))
    cursor.execute(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{TAMPER_ROLE}') THEN CREATE ROLE {TAMPER_ROLE} NOLOGIN; "
        "END IF; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    cursor.execute(f"GRANT SELECT, UPDATE, DELETE ON {privileges.TABLE} TO {TAMPER_ROLE}")
    cursor.execute(f"GRANT {TAMPER_ROLE} TO {APP_ROLE}")
    cursor.execute(f"ALTER ROLE {APP_ROLE} NOINHERIT")


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """On PostgreSQL, end what test threads and worker processes left connected (a live server's request
    thread, a killed worker's child) so that the test database can be dropped at the end of the session."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
