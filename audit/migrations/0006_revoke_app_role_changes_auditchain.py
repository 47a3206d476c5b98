"""The application role may only append to the audit log: no UPDATE, DELETE or TRUNCATE (PostgreSQL).

Skipped when the role (settings.DATABASE_APP_ROLE) does not exist yet; the deployment's SQL and the
post_migrate check (audit.privileges.ensure_append_only) revoke then. Backwards grants UPDATE and
DELETE back (never TRUNCATE, which docs/security.md never granted).
"""

from django.conf import settings
from django.db import migrations

from audit import privileges


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        privileges.revoke(cursor, settings.DATABASE_APP_ROLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    role = settings.DATABASE_APP_ROLE
    with schema_editor.connection.cursor() as cursor:
        if privileges.role_exists(cursor, role):
            cursor.execute(f'GRANT UPDATE, DELETE ON "{privileges.TABLE}" TO "{role}"')


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_seq_required_auditchain"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
