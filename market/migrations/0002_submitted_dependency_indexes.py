"""Indexes for the market analytics on review's SubmittedDependency (a table market reads, not owns).

Plain CREATE INDEX IF NOT EXISTS / DROP INDEX IF EXISTS: the same SQL on SQLite and PostgreSQL.
* (organization_id, service_reference): a simulation page fetches the rows of the services it shows.
* (submission_id, provider_id): the latest submissions' rows for the failed providers.
"""

from django.db import migrations

INDEXES = {
    "market_sdep_org_service": "(organization_id, service_reference)",
    "market_sdep_submission_provider": "(submission_id, provider_id)",
}


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial"), ("review", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON review_submitteddependency {columns}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
