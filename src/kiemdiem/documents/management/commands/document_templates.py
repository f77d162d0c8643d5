"""``kiemdiem document_templates``: rebuild the DOCX templates in ``documents/templates/docx/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from kiemdiem.documents.docx_build import TEMPLATES_DIR, build_all


class Command(BaseCommand):
    help = "Tạo lại các mẫu DOCX (ghi đè lời văn đã sửa trong các tệp mẫu)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=str(TEMPLATES_DIR), help="thư mục ghi các tệp mẫu")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in build_all(Path(options["output"])):
            self.stdout.write(str(path))
