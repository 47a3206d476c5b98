"""One chain per organisation, step 3 (schema): the position is required and unique per chain."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_rechain_per_organisation_auditchain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="sequence"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(organization__isnull=False),
                fields=("organization", "seq"),
                name="audit_event_one_per_firm_chain_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(organization__isnull=True),
                fields=("seq",),
                name="audit_event_one_per_platform_position",
            ),
        ),
    ]
