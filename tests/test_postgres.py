"""The demo loads on PostgreSQL (skipped with a reason where no server is reachable)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

PG = os.environ.get("KIEMDIEM_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _connect():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL không truy cập được tại {PG}: {exc}".splitlines()[0])


@pytest.mark.postgres
def test_demo_loads_on_postgresql(tmp_path):
    conn = _connect()
    name = f"kiemdiem_demo_{uuid.uuid4().hex[:8]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG.rsplit("/", 1)[0] + f"/{name}"
        env = {**os.environ, "DATABASE_URL": url, "KIEMDIEM_DATA_DIR": str(tmp_path)}
        cmd = [sys.executable, "-m", "kiemdiem", "demo", "--no-serve"]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert "postgresql" in out.stdout
        import psycopg

        with psycopg.connect(url) as db:
            (count,) = db.execute("select count(*) from members_member").fetchone()
        assert 1100 <= count <= 1300
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0 and "đã có sẵn" in again.stdout
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
