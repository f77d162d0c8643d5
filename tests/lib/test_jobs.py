"""``kiemdiem.lib.jobs`` without a queue (``JOB_QUEUE_URL`` empty: the demo, one process): tasks run in
a thread, their state in a JSON file; the queue itself is tested in ``test_queue.py``."""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kiemdiem.documents import catalog
from kiemdiem.lib import jobs
from kiemdiem.lib.jobs import FileJob, Progress
from kiemdiem.web import views_documents as document_views

from ..decisions.conftest import cycle, plan  # noqa: F401  (fixtures)

RELEASE = threading.Event()


def two_steps(job: FileJob, progress: Progress, total: int) -> int:
    progress("Đang tạo bản kiểm điểm", 1, total)
    RELEASE.wait(5)
    progress("Đang tạo bản kiểm điểm", total, total)
    return total


def fails(job: FileJob, progress: Progress) -> None:
    raise RuntimeError("hỏng")


@pytest.fixture(autouse=True)
def _no_queue(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    settings.JOB_QUEUE_URL = ""


def test_a_background_job_reports_progress_then_its_result() -> None:
    RELEASE.clear()
    job = FileJob.create("van-ban", user=1)
    thread = job.start(two_steps, total=2)
    assert thread is not None and thread.name == f"van-ban-{job.id}"
    assert job.public_state()["status"] == "running"
    RELEASE.set()
    thread.join(5)
    assert job.load()["status"] == "done" and job.load()["result"] == 2
    assert job.public_state() == {"status": "done", "stage": "Đang tạo bản kiểm điểm", "done": 2, "total": 2}
    assert job.load()["user"] == 1


def test_a_failing_task_leaves_the_job_failed() -> None:
    job = FileJob.create("van-ban")
    with pytest.raises(RuntimeError):
        job.run(fails)
    assert job.load()["status"] == "failed"


def test_a_task_must_be_importable_by_its_dotted_path() -> None:
    """The queue finds a task by its dotted path: closures and lambdas are refused in both modes."""
    assert jobs.task_path(two_steps) == "tests.lib.test_jobs.two_steps"
    assert jobs.task_path(catalog.batch_task) == "kiemdiem.documents.catalog.batch_task"

    def local(job: FileJob, progress: Progress) -> None:
        pass

    job = FileJob.create("van-ban")
    for task in (local, lambda job, progress: None):
        with pytest.raises(ValueError, match="module-level function"):
            job.start(task)
    assert job.load()["status"] == "queued"  # nothing was started


@pytest.mark.parametrize(("status", "age", "seen"), [
    ("running", jobs.STALE_SECONDS - 10, "running"),
    ("running", jobs.STALE_SECONDS + 10, "stale"),
    ("queued", jobs.STALE_SECONDS + 10, "queued"),
    ("queued", jobs.QUEUED_STALE_SECONDS + 10, "stale"),
    ("done", jobs.QUEUED_STALE_SECONDS + 10, "done"),
])  # fmt: skip
def test_a_job_left_too_long_is_stale(status: str, age: int, seen: str) -> None:
    job = FileJob.create("van-ban", status=status)
    then = time.time() - age
    os.utime(job.state_path, (then, then))
    assert job.load()["status"] == seen


def test_files_of_jobs_older_than_a_week_go_when_the_next_job_is_created() -> None:
    old = FileJob.create("van-ban", status="done")
    old.path(".zip").write_bytes(b"PK")
    recent = FileJob.create("van-ban", status="done")
    recent.path(".zip").write_bytes(b"PK")
    other_kind = FileJob.create("nhap-du-lieu", status="done")
    week_ago = time.time() - jobs.KEEP_SECONDS - 60
    for path in (old.state_path, old.path(".zip"), other_kind.state_path):
        os.utime(path, (week_ago, week_ago))
    FileJob.create("van-ban")
    assert not old.state_path.exists() and not old.path(".zip").exists()
    assert recent.load()["status"] == "done" and recent.path(".zip").exists()
    assert other_kind.state_path.exists()  # purged only when a job of its own kind is created
    assert jobs.purge("nhap-du-lieu") == 1 and not other_kind.state_path.exists()


def test_a_queued_job_whose_files_were_deleted_is_skipped() -> None:
    """What the queue's worker runs (``execute``) does nothing for a job deleted or given up on."""
    RELEASE.set()
    job = FileJob.create("van-ban")
    job.delete()
    jobs.execute("van-ban", job.id, "tests.lib.test_jobs.two_steps", {"total": 2})
    assert job.load() == {}
    job = FileJob.create("van-ban", status="running")
    jobs.execute("van-ban", job.id, "tests.lib.test_jobs.two_steps", {"total": 2})
    assert job.load()["status"] == "running" and job.load()["result"] is None


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_of_documents_runs_in_a_thread(ward, cycle, login, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    monkeypatch.setattr(document_views, "INLINE_MAX", 0)
    client = login("office")
    before = set(threading.enumerate())
    assert client.post(reverse("document_batch", args=[cycle.pk]), {"dinh_dang": "docx"}).status_code == 302
    started = [t for t in threading.enumerate() if t not in before and t.name.startswith("van-ban-")]
    assert len(started) == 1
    started[0].join(60)
    state: dict[str, Any] = client.get(reverse("document_batch_progress", args=[cycle.pk])).json()
    assert state == {"status": "done", "stage": "Đang tạo bản kiểm điểm", "done": 4, "total": 4}
    response = client.get(reverse("document_batch_download", args=[cycle.pk]))
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 4


def test_an_unreachable_queue_fails_the_job_loudly(settings) -> None:  # type: ignore[no-untyped-def]
    import redis

    settings.JOB_QUEUE_URL = "redis://127.0.0.1:1/0"
    job = FileJob.create("van-ban")
    with pytest.raises(redis.exceptions.ConnectionError):
        job.start(fails)
    assert job.load()["status"] == "failed"


def test_the_worker_needs_the_queue_url() -> None:
    with pytest.raises(CommandError, match="KIEMDIEM_JOB_QUEUE_URL"):
        call_command("worker", "--burst")
