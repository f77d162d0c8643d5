"""Background jobs on the RQ queue (``KIEMDIEM_JOB_QUEUE_URL``, ``kiemdiem worker``) with a real Redis.

The queue lives in database 14 of the Redis of ``REDIS_URL`` (else 127.0.0.1:6379), flushed at the
start and the end of each test. Skipped when Redis is not reachable, a failure with
``KIEMDIEM_REQUIRE_REDIS=1`` (CI).

The worker: on PostgreSQL a separate process, ``python -m kiemdiem worker --burst``, on the test
database; on SQLite (the test database is in memory, out of reach of another process) the same command
in-process, where RQ still forks one child per job, which inherits the database.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import docx
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from kiemdiem.lib import jobs
from kiemdiem.lib.jobs import FileJob, Progress
from kiemdiem.lib.spreadsheets import STAGE_CHECK, STAGE_WRITE
from kiemdiem.members.models import Member
from kiemdiem.web import views_data
from kiemdiem.web import views_documents as document_views

from ..data.helpers import member_row, xlsx
from ..decisions.conftest import cycle, plan  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

QUEUE_URL = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")._replace(path="/14").geturl()


def fails(job: FileJob, progress: Progress) -> None:
    raise RuntimeError("hỏng giữa chừng")


@pytest.fixture
def redis_queue(settings, tmp_path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The queue ``kiemdiem`` in an emptied Redis database, set as ``JOB_QUEUE_URL``."""
    import redis

    client = redis.Redis.from_url(QUEUE_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {QUEUE_URL}: {exc}")
    client.flushdb()
    settings.JOB_QUEUE_URL = QUEUE_URL
    settings.DATA_DIR = tmp_path / "data"
    yield jobs.queue(QUEUE_URL)
    client.flushdb()
    client.close()


def _no_job_thread_started(before: set[threading.Thread]) -> bool:
    return not [t for t in threading.enumerate() if t not in before]


def _run_worker() -> str:
    """``kiemdiem worker --burst``: process what is queued, then exit. Its output."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "KIEMDIEM_DATA_DIR": str(settings.DATA_DIR),
            "KIEMDIEM_JOB_QUEUE_URL": settings.JOB_QUEUE_URL,
        }
        cmd = [sys.executable, "-m", "kiemdiem", "worker", "--burst"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout + proc.stderr
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    out = io.StringIO()
    try:
        call_command("worker", "--burst", stdout=out)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    return out.getvalue()


def test_a_batch_is_queued_then_built_by_the_worker(ward, cycle, login, redis_queue, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    monkeypatch.setattr(document_views, "INLINE_MAX", 0)
    client: Client = login("office")
    progress_url = reverse("document_batch_progress", args=[cycle.pk])
    before = set(threading.enumerate())
    assert client.post(reverse("document_batch", args=[cycle.pk]), {"dinh_dang": "docx"}).status_code == 302
    assert _no_job_thread_started(before)
    assert client.get(progress_url).json() == {"status": "queued", "stage": "", "done": 0, "total": 0}
    assert "data-progress-url" in client.get(reverse("plan_documents", args=[cycle.pk])).content.decode()
    assert redis_queue.count == 1
    assert redis_queue.jobs[0].func_name == "kiemdiem.lib.jobs.execute"
    # Asking again while it waits does not queue a second batch.
    client.post(reverse("document_batch", args=[cycle.pk]), {"dinh_dang": "docx"})
    assert redis_queue.count == 1

    output = _run_worker()

    assert f"Hàng đợi kiemdiem tại {QUEUE_URL}" in output
    assert redis_queue.count == 0 and redis_queue.failed_job_registry.count == 0
    assert client.get(progress_url).json() == {
        "status": "done", "stage": "Đang tạo bản kiểm điểm", "done": 4, "total": 4,
    }  # fmt: skip
    assert (
        "Đã tạo xong 4 bản kiểm điểm"
        in client.get(reverse("plan_documents", args=[cycle.pk])).content.decode()
    )
    response = client.get(reverse("document_batch_download", args=[cycle.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == 4 and all(n.endswith(".docx") for n in names)
    # Each entry is a DOCX that opens, one member's form.
    heads = []
    for name in names:
        paragraphs = [p.text for p in docx.Document(io.BytesIO(archive.read(name))).paragraphs]
        heads += [p for p in paragraphs if p.startswith("Họ và tên: ")]
    assert len(heads) == 4
    assert any("Nguyễn Văn An" in h for h in heads) and any("Lê Văn Cường" in h for h in heads)


def test_a_large_import_is_checked_then_imported_on_the_queue(ward, login, redis_queue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rq import SimpleWorker

    monkeypatch.setattr(views_data, "BACKGROUND_BYTES", 0)
    client: Client = login("office")
    rows = [member_row(**{"Số thẻ đảng viên": f"0{1234567 + i:07d}", "Số CCCD": ""}) for i in range(120)]
    upload = io.BytesIO(xlsx(rows).getvalue())
    upload.name = "dang_vien.xlsx"
    client.post(reverse("import_check"), {"loai": "members", "tep": upload})
    assert client.get(reverse("import_progress")).json()["status"] == "queued"
    # The import cannot start while the check waits in the queue.
    page = client.post(reverse("import_commit"), {"nhap": "1"}).content.decode()
    assert "Tệp đang được xử lý, hãy chờ xong." in page
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)

    assert worker.work(burst=True)

    assert client.get(reverse("import_progress")).json() == {
        "status": "done", "stage": STAGE_CHECK, "done": 120, "total": 120,
    }  # fmt: skip
    assert "Không có lỗi trong 120 dòng" in client.get(reverse("import_export")).content.decode()
    assert not Member.objects.filter(card_number__startswith="01").exists()
    client.post(reverse("import_commit"), {"nhap": "1"})
    assert client.get(reverse("import_progress")).json()["status"] == "queued"
    assert worker.work(burst=True)
    assert client.get(reverse("import_progress")).json() == {
        "status": "done", "stage": STAGE_WRITE, "done": 120, "total": 120,
    }  # fmt: skip
    assert Member.objects.filter(card_number__startswith="01").count() == 120
    assert "Đã nhập xong 120 dòng" in client.get(reverse("import_export")).content.decode()


def test_a_failing_job_is_marked_failed_and_kept_by_rq(redis_queue) -> None:  # type: ignore[no-untyped-def]
    from rq import SimpleWorker

    job = FileJob.create("van-ban", user=1)
    assert job.start(fails) is None
    assert job.load()["status"] == "queued"
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    assert job.load()["status"] == "failed"
    assert redis_queue.failed_job_registry.count == 1
