"""The remediation plan's model moves to plans (state only: the table stays decisions_remediationitem)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_form_code_length"),
        ("decisions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RemediationItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("shortcoming", models.TextField(verbose_name="hạn chế, khuyết điểm")),
                        ("action", models.TextField(verbose_name="biện pháp khắc phục")),
                        ("owner", models.CharField(max_length=200, verbose_name="người, bộ phận thực hiện")),
                        ("due_date", models.DateField(verbose_name="thời hạn")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("chua_khac_phuc", "Chưa khắc phục"),
                                    ("dang_khac_phuc", "Đang khắc phục"),
                                    ("da_khac_phuc", "Đã khắc phục"),
                                ],
                                default="chua_khac_phuc",
                                max_length=20,
                                verbose_name="tình trạng",
                            ),
                        ),
                        ("progress_note", models.TextField(blank=True, default="", verbose_name="kết quả, mức độ khắc phục")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "subject",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="remediation_items",
                                to="plans.plansubject",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "nội dung khắc phục",
                        "verbose_name_plural": "kế hoạch khắc phục",
                        "ordering": ["due_date", "id"],
                        "db_table": "decisions_remediationitem",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
