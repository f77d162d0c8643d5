"""Ballots hold a sealed level (the data were moved by 0002, in a transaction of its own)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_sealed_ballots"),
    ]

    operations = [
        migrations.RemoveField(model_name="ballot", name="level"),
        migrations.AddField(
            model_name="ballot",
            name="sealed",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
    ]
