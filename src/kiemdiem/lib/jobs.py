"""Background jobs with their state in a small JSON file under ``DATA_DIR``.

A long task started from a web request (an import, a batch of documents) runs in the background; its
state (status, stage, done/total, result) is written to a file so that every process sees the same
progress, and a page polls it. Where the task runs:

- without ``settings.JOB_QUEUE_URL`` (the demo, one process): in a thread of the web worker that
  received the request;
- with it (several gunicorn workers, docs/deployment.md): on the RQ queue ``kiemdiem`` in Redis, run by
  ``kiemdiem worker``, which must see the same ``DATA_DIR`` and database as the web workers.

A task is a module-level function ``task(job, progress, **kwargs)``: RQ finds it by its dotted path, the
keyword arguments are pickled (ids and strings), and what it returns (JSON) becomes the state's result.

A job "running" whose state file has not been touched for ``STALE_SECONDS`` died with its worker; one
still "queued" after ``QUEUED_STALE_SECONDS`` was never picked up (no worker runs) and never will be.
A job's files (its state, an uploaded file, a finished batch) are deleted ``KEEP_SECONDS`` after its
state was last written, when the next job of the same kind is created: the data folder does not grow
without end, and a finished batch stays downloadable for a week.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from rq import Queue

STALE_SECONDS = 300
QUEUED_STALE_SECONDS = 3600
KEEP_SECONDS = 7 * 24 * 3600
# Progress is written at most this often (seconds), and always at the end of a stage.
PROGRESS_INTERVAL = 0.5
# The statuses of a job that is still to finish: its files are in use, it cannot be restarted.
ACTIVE = ("queued", "running")

QUEUE_NAME = "kiemdiem"
# RQ kills a job after this long (its default, 180 s, is too short for a ward's batch of documents).
QUEUE_JOB_TIMEOUT = 3 * 3600
# A failed RQ job stays inspectable (``rq info``) this long; the state file says "failed" anyway.
QUEUE_FAILURE_TTL = 7 * 24 * 3600

Progress = Callable[[str, int, int], None]
Task = Callable[..., Any]


def jobs_dir(kind: str) -> Path:
    path = Path(settings.DATA_DIR) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge(kind: str, now: float | None = None) -> int:
    """Delete the files of the jobs of ``kind`` whose state was last written over ``KEEP_SECONDS`` ago.

    A running job writes its state at least every ``STALE_SECONDS``, so only finished, failed or long
    dead jobs are old enough. Returns the number of jobs deleted.
    """
    limit = (time.time() if now is None else now) - KEEP_SECONDS
    folder = jobs_dir(kind)
    deleted = 0
    for state in folder.glob("*.json"):
        try:
            old = state.stat().st_mtime < limit
        except OSError:  # deleted meanwhile by another process
            continue
        if old and state.stem.isalnum():
            for path in folder.glob(f"{state.stem}*"):
                path.unlink(missing_ok=True)
            deleted += 1
    # Temporary files of interrupted saves.
    for tmp in folder.glob("*.tmp"):
        try:
            if tmp.stat().st_mtime < limit:
                tmp.unlink(missing_ok=True)
        except OSError:
            continue
    return deleted


def task_path(task: Task) -> str:
    """The dotted path of a module-level function; ``ValueError`` for a closure, lambda or method."""
    path = f"{task.__module__}.{task.__qualname__}"
    try:
        found = import_string(path)
    except ImportError:
        found = None
    if found is not task:
        raise ValueError(f"{path}: a job's task must be a module-level function")
    return path


@functools.cache
def queue(url: str) -> Queue:
    """The RQ queue ``kiemdiem`` in the Redis at ``url``."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(url, socket_connect_timeout=5))


class FileJob:
    """One job of ``kind`` (a folder under DATA_DIR) with id ``job_id``; files of the job share its id."""

    def __init__(self, kind: str, job_id: str) -> None:
        if not job_id.isalnum() or not kind.replace("-", "").isalnum():
            raise ValueError(job_id)
        self.kind = kind
        self.id = job_id
        self.dir = jobs_dir(kind)
        self.state_path = self.dir / f"{job_id}.json"

    @classmethod
    def create(cls, kind: str, /, **state: Any) -> FileJob:
        purge(kind)
        job = cls(kind, secrets.token_hex(16))
        job.save({"status": "queued", "stage": "", "done": 0, "total": 0, "result": None, **state})
        return job

    def path(self, suffix: str) -> Path:
        """A file belonging to the job, e.g. ``job.path(".zip")``."""
        return self.dir / f"{self.id}{suffix}"

    def load(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(loaded, dict):  # valid JSON but not a job's state
            return {}
        state: dict[str, Any] = loaded  # a JSON object: its keys are strings
        limit = {"running": STALE_SECONDS, "queued": QUEUED_STALE_SECONDS}.get(state.get("status", ""))
        if limit is not None and time.time() - self.state_path.stat().st_mtime > limit:
            state["status"] = "stale"
        return state

    def save(self, state: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False)
        os.replace(tmp, self.state_path)

    def update(self, **changes: Any) -> None:
        state = self.load()
        state.update(changes)
        self.save(state)

    def delete(self) -> None:
        for path in self.dir.glob(f"{self.id}*"):
            path.unlink(missing_ok=True)

    def progress(self) -> Progress:
        """A ``progress(stage, done, total)`` callback writing to the state file at most twice a second."""
        last = 0.0

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done == total:
                last = now
                self.update(stage=stage, done=done, total=total)

        return report

    def run(self, task: Task, **kwargs: Any) -> Any:
        """Run ``task(job, progress, **kwargs)`` now, recording "running", then "done" with its result or
        "failed"."""
        self.update(status="running")
        try:
            result = task(self, self.progress(), **kwargs)
        except Exception:
            self.update(status="failed")
            raise
        self.update(status="done", result=result)
        return result

    def start(self, task: Task, **kwargs: Any) -> threading.Thread | None:
        """Run ``task(job, progress, **kwargs)`` in the background: on the queue when
        ``settings.JOB_QUEUE_URL`` is set (returns None), else in a thread with its own database
        connection (returned)."""
        path = task_path(task)
        url = settings.JOB_QUEUE_URL
        if url:
            self.update(status="queued")
            try:
                queue(url).enqueue_call(
                    "kiemdiem.lib.jobs.execute",
                    kwargs={"kind": self.kind, "job_id": self.id, "task": path, "kwargs": kwargs},
                    timeout=QUEUE_JOB_TIMEOUT,
                    result_ttl=0,
                    failure_ttl=QUEUE_FAILURE_TTL,
                    description=f"{self.kind}/{self.id} {path}",
                )
            except Exception:
                self.update(status="failed")
                raise
            return None
        self.update(status="running")

        def target() -> None:
            close_old_connections()
            try:
                self.run(task, **kwargs)
            finally:
                connection.close()

        thread = threading.Thread(target=target, name=f"{self.kind}-{self.id}", daemon=True)
        thread.start()
        return thread

    def public_state(self) -> dict[str, Any]:
        state = self.load()
        return {
            "status": state.get("status", "none"),
            "stage": state.get("stage", ""),
            "done": state.get("done", 0),
            "total": state.get("total", 0),
        }


def execute(kind: str, job_id: str, task: str, kwargs: dict[str, Any]) -> None:
    """What the RQ worker runs for a queued job: the task, unless the job was deleted (a new upload
    replaced it) or given up on (stale) meanwhile. Exceptions reach RQ, which keeps the failed job."""
    job = FileJob(kind, job_id)
    if job.load().get("status") != "queued":
        return
    close_old_connections()
    try:
        job.run(import_string(task), **kwargs)
    finally:
        connection.close()
