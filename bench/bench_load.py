"""Benchmark: bulk load of the synthetic data set by ``kiemdiem synth`` vs PostgreSQL's own COPY (issue 6).

In one run, on a throwaway PostgreSQL database:

- **synth**: ``kiemdiem.synth.load.load`` — Python generates every row (members, periods,
  positions, plans, subjects, reviews, feedback, meetings, votes, decisions) in one process per core
  (``--workers``), each streaming its rows with ``COPY … FROM STDIN`` on its own connection; the
  indexes and foreign keys are set aside and rebuilt, the sequences moved, ``ANALYZE``;
- **baseline**: the same rows written to files (``COPY … TO``), the tables emptied, and PostgreSQL
  reading them back with ``COPY … FROM 'file'`` (server-side, no client at all) with the same indexes
  set aside and rebuilt the same way, then ``ANALYZE``: the physical limit of this machine.

Members per second of each, and the ratio (target: synth within 2× of the baseline).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_load.py --members 500000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_load.py --smoke

``DATABASE_URL`` names the server (its database is only used to create and drop ``kd_bench_load_*``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=None, help="synth's generating processes (default: one per core)"
    )
    parser.add_argument("--smoke", action="store_true", help="5,000 members (CI, seconds)")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its name)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.members = 5_000
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        print("bench_load needs PostgreSQL (DATABASE_URL=postgres://…)", file=sys.stderr)
        return 2
    import psycopg

    name = f"kd_bench_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + f"/{name}"
    os.environ.setdefault("KIEMDIEM_DATA_DIR", tempfile.mkdtemp(prefix="kd-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            print(f"database kept: {name}")


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kiemdiem.synth import schema
    from kiemdiem.synth.load import load, tables

    call_command("migrate", verbosity=0)
    from kiemdiem.synth.load import default_workers

    workers = args.workers or max(default_workers(50_000), 1)
    result = load(args.members, args.seed, set_indexes_aside=True, workers=workers)
    synth_s = result.seconds

    names = tables()
    folder = tempfile.mkdtemp(prefix="kd-copy-")
    os.chmod(folder, 0o777)  # the server process writes and reads the files
    with connection.cursor() as cur:
        for t in names:
            cur.execute(f"COPY \"{t}\" TO '{folder}/{t}.copy'")
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in names) + " CASCADE")
    size = sum(os.path.getsize(f"{folder}/{t}.copy") for t in names)
    start = time.perf_counter()
    aside = schema.set_aside(names)
    with connection.cursor() as cur:
        for t in names:
            cur.execute(f"COPY \"{t}\" FROM '{folder}/{t}.copy'")
    copied = time.perf_counter()
    schema.restore(aside)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    base_s = time.perf_counter() - start
    for t in names:
        os.remove(f"{folder}/{t}.copy")
    os.rmdir(folder)

    ratio = synth_s / base_s
    print(
        f"database: postgresql; members: {result.members:,}; rows: {result.rows:,} in {len(names)} tables "
        f"({size / 1e6:,.0f} MB as COPY text); organizations: {result.organizations:,}"
    )
    print(
        f"baseline (COPY FROM file + rebuild): {base_s:8.2f} s  {result.members / base_s:10,.0f} members/s "
        f"(copy {copied - start:.2f} s, indexes {base_s - (copied - start):.2f} s)"
    )
    print(
        f"synth    ({workers} × generate + COPY STDIN): {synth_s:8.2f} s  {result.members / synth_s:10,.0f} members/s "
        f"(rows {result.seconds_rows:.2f} s, indexes {result.seconds_indexes:.2f} s)"
    )
    print(f"synth ÷ baseline: {ratio:.2f}×  (target ≤ 2×)")
    if ratio > 2:
        print("below target: synth is more than 2× the physical COPY limit", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
