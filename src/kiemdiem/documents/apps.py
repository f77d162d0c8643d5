from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "kiemdiem.documents"
    verbose_name = "Văn bản, biểu mẫu"
