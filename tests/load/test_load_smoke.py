"""The deadline rush in miniature (``bench/load/run.py --smoke``): gunicorn on PostgreSQL, 20 locust
users for 12 s, then the no-lost-writes check. Zero failed requests, every acknowledged write present
exactly once, and the throwaway database dropped."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "load" / "run.py"
PG = os.environ.get("KIEMDIEM_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _databases() -> set[str]:
    import psycopg

    with psycopg.connect(PG) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kiemdiem_load_%'").fetchall()
    return {r[0] for r in rows}


@pytest.mark.postgres
def test_deadline_rush_smoke(tmp_path: Path) -> None:
    if not _reachable():
        pytest.skip(f"PostgreSQL not reachable at {PG} (set KIEMDIEM_TEST_PG)")
    # Only look for locust: importing it here would monkey-patch this process with gevent.
    if importlib.util.find_spec("locust") is None:
        pytest.skip("locust is not installed: pip install -e '.[test,load]'")
    before = _databases()
    env = {**os.environ, "LOAD_PG_ADMIN_URL": PG}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--out", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    summary, check = result["summary"], result["check"]
    assert summary["all"]["failures"] == 0, summary
    assert summary["all"]["requests"] > 50, summary
    assert check["ok"], check["failures"]
    # The smoke run really wrote: autosaves, submissions and ballots, all acknowledged.
    for kind in ("autosave", "submit", "vote"):
        assert check["counts"].get(kind, 0) > 0, check["counts"]
    assert result["prelogin"]["failures"] == 0
    assert result["redis"], "the workers share Redis for cache and sessions"
    assert result["database"] not in _databases() - before
