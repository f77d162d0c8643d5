"""The remediation plan's model moved to plans (plans.0003); its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
        ("plans", "0003_remediationitem"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RemediationItem")],
            database_operations=[],
        ),
    ]
