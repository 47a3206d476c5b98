"""Row-level security on every firm table (PostgreSQL; SQLite keeps the ORM wall only).

The tables are listed as they are at this migration; tables added later get their policies from
accounts.rls_schema.ensure_row_level_security (post_migrate).
"""

from django.db import migrations

from accounts import rls_schema as s

TABLES = [
    s.special("accounts_membership"),
    s.special("audit_auditevent"),
    *[s.firm_table(t) for t in [
        "compliance_answer", "compliance_assessment", "compliance_evidence", "compliance_finding",
        "market_savedsimulation", "reports_exportjob", "review_notification", "review_reviewcomment",
        "review_submission", "review_submitteddependency", "review_submittedincident",
        "vendors_businessservice", "vendors_dependency", "vendors_failovertest", "vendors_incident",
        "vendors_redundancymeasure", "vendors_vendor",
    ]],
    s.link_table("vendors_vendor_subcontractors", "vendor_id", "vendors_vendor"),
    s.link_table("vendors_incident_affected_services", "incident_id", "vendors_incident"),
    s.link_table("vendors_redundancymeasure_shared_upstreams", "redundancymeasure_id", "vendors_redundancymeasure"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        s.install(cursor, TABLES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for protected in TABLES:
            cursor.execute(f'ALTER TABLE "{protected.table}" NO FORCE ROW LEVEL SECURITY')
            cursor.execute(f'ALTER TABLE "{protected.table}" DISABLE ROW LEVEL SECURITY')
            for name in (*s.POLICY_NAMES, "backstop_maintenance"):
                cursor.execute(f'DROP POLICY IF EXISTS {name} ON "{protected.table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("vendors", "0001_initial"),
        ("compliance", "0002_requirement_not_applicable_if"),
        ("review", "0001_initial"),
        ("market", "0002_submitted_dependency_indexes"),
        ("reports", "0002_supervisor_export_kinds"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
