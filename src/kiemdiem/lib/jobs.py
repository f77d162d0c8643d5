"""Background jobs with their state in a small JSON file under ``DATA_DIR``.

A long task started from a web request (an import, a batch of documents) runs in a thread of the
worker that received the request; its state (status, stage, done/total, result) is written to a file so
that every worker process sees the same progress without extra infrastructure, and a page polls it.
A job whose state file has not been touched for ``STALE_SECONDS`` while "running" died with its worker.

The import/export page (``web/views_data.py``) keeps its own copy of this pattern; it could use this
module instead.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

STALE_SECONDS = 300
# Progress is written at most this often (seconds), and always at the end of a stage.
PROGRESS_INTERVAL = 0.5

Progress = Callable[[str, int, int], None]


def jobs_dir(kind: str) -> Path:
    path = Path(settings.DATA_DIR) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    def create(cls, kind: str, **state: Any) -> FileJob:
        job = cls(kind, secrets.token_hex(16))
        job.save({"status": "queued", "stage": "", "done": 0, "total": 0, "result": None, **state})
        return job

    def path(self, suffix: str) -> Path:
        """A file belonging to the job, e.g. ``job.path(".zip")``."""
        return self.dir / f"{self.id}{suffix}"

    def load(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if state.get("status") == "running" and time.time() - self.state_path.stat().st_mtime > STALE_SECONDS:
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

    def run(self, task: Callable[[Progress], Any]) -> Any:
        """Run ``task(progress)`` now, recording "running", then "done" with its result or "failed"."""
        self.update(status="running")
        try:
            result = task(self.progress())
        except Exception:
            self.update(status="failed")
            raise
        self.update(status="done", result=result)
        return result

    def start(self, task: Callable[[Progress], Any]) -> threading.Thread:
        """Run the task in a background thread with its own database connection."""
        self.update(status="running")

        def target() -> None:
            close_old_connections()
            try:
                self.run(task)
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
