"""``kiemdiem worker [--burst]``: run the background jobs (imports, batches of documents) queued on the RQ
queue ``kiemdiem`` at ``KIEMDIEM_JOB_QUEUE_URL`` (``kiemdiem.lib.jobs``; docs/deployment.md).

Each job runs in a forked child process (RQ's ``Worker``), so a job that crashes or runs past its
timeout does not take the worker down. The worker must see the same ``KIEMDIEM_DATA_DIR`` and
``DATABASE_URL`` as the web processes: the job's state and output files are written there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kiemdiem.lib.jobs import QUEUE_NAME, queue


class Command(BaseCommand):
    help = "Chạy các việc nền (nhập dữ liệu, tạo văn bản hàng loạt) trong hàng đợi Redis."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--burst", action="store_true", help="làm hết các việc đang chờ trong hàng đợi rồi thoát"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from rq import Worker

        url = settings.JOB_QUEUE_URL
        if not url:
            raise CommandError(
                "Chưa đặt KIEMDIEM_JOB_QUEUE_URL (ví dụ redis://127.0.0.1:6379/3): "
                "không có hàng đợi nào để chạy."
            )
        # A forked job must not share the parent's database connection: it opens its own.
        connections.close_all()
        worker = Worker([queue(url)], connection=queue(url).connection)
        self.stdout.write(f"Hàng đợi {QUEUE_NAME} tại {_redacted(url)}")
        worker.work(burst=options["burst"], logging_level="INFO")


def _redacted(url: str) -> str:
    """The URL without a password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"
