"""Sealed ballots (docs/security.md): ballots no longer hold their level in the clear.

Ballots of boxes already counted are replaced by their counted receipts. An open box that has no
ballot yet is removed (the subject can be voted again); an open box with ballots stops the upgrade,
since those ballots cannot be sealed after the fact: count or cancel it with the old version first.
"""

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def seal_existing(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    BallotBox = apps.get_model("reviews", "BallotBox")
    Ballot = apps.get_model("reviews", "Ballot")
    CountedReceipt = apps.get_model("reviews", "CountedReceipt")
    MeetingItem = apps.get_model("reviews", "MeetingItem")
    open_boxes = BallotBox.objects.filter(closed_at__isnull=True)
    if Ballot.objects.filter(box__in=open_boxes).exists():
        raise RuntimeError(
            "Còn hòm phiếu kín đang mở có phiếu đã bỏ. Hãy kiểm phiếu hoặc hủy các hòm phiếu đó bằng "
            "phiên bản cũ rồi nâng cấp lại."
        )
    empty_items = list(open_boxes.values_list("item_id", flat=True))
    open_boxes.delete()
    MeetingItem.objects.filter(pk__in=empty_items).update(vote_mode="")
    receipts = sorted(Ballot.objects.values_list("box_id", "receipt_hash"), key=lambda r: r[1])
    CountedReceipt.objects.bulk_create([CountedReceipt(box_id=b, receipt_hash=h) for b, h in receipts])
    Ballot.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountingKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_key", models.BinaryField()),
                ("salt", models.BinaryField()),
                ("locked_private_key", models.BinaryField()),
                (
                    "meeting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counting_key",
                        to="reviews.meeting",
                    ),
                ),
            ],
            options={"verbose_name": "khóa kiểm phiếu"},
        ),
        migrations.CreateModel(
            name="CountedReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("receipt_hash", models.CharField(max_length=64)),
                (
                    "box",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counted_receipts",
                        to="reviews.ballotbox",
                    ),
                ),
            ],
            options={
                "verbose_name": "phiếu đã được tính",
                "constraints": [
                    models.UniqueConstraint(fields=("box", "receipt_hash"), name="counted_receipt_unique")
                ],
            },
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
