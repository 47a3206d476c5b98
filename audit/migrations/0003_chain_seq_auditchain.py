"""One chain per organisation, step 1 (schema): each event gets its position in its chain.

Nullable here; 0004 fills it for the events already written, 0005 makes it required and unique.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_security_event_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="sequence"),
        ),
    ]
