from __future__ import annotations

from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "kiemdiem.synth"
    verbose_name = "Dữ liệu tổng hợp"
    default_auto_field = "django.db.models.BigAutoField"
