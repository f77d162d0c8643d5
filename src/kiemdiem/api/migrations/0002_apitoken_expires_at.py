"""API tokens expire: existing tokens get DEFAULT_DAYS from the migration (not from their creation),
so that no client stops working the day this is deployed."""

import datetime as dt

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone


def give_existing_tokens_a_term(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + dt.timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="hết hạn lúc"),
        ),
        migrations.RunPython(give_existing_tokens_a_term, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, verbose_name="hết hạn lúc"),
        ),
    ]
