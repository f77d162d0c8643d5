"""Benchmark: statistics roll-up of the whole synthetic country vs a bare GROUP BY (issue 6).

On a database loaded by ``kiemdiem synth`` (or, without ``--reuse``, a throwaway one loaded here),
times in the same run:

- **baseline**: ``SELECT cell_id, level, COUNT(*) … GROUP BY`` over the same subject and decision rows
  (no roll-up up the tree, no not-reviewed reasons, no discipline, no organization types);
- **statistics**: ``kiemdiem.reports.statistics.statistics(root, plans)`` for every plan of the year,
  rolled up to every organization of the country (one root above the provinces, as a national
  dashboard would ask): the real function the pages and exports call.

The two alternate (baseline, statistics, baseline, …) and the best of ``--repeats`` of each is kept,
so that both see the same moments of a shared machine. Also printed: the time to read every row's
``Counts`` afterwards (what the XLSX export does; they are built by ``statistics``, so it is small).
Both results are checked against each other: the classified total, and every organization without
children against the baseline's groups of that cell.

Targets: statistics within 2× of the baseline and under 30 s.

    # on a loaded database (see docs/performance.md for the synth command)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_synth_p .venv/bin/python bench/bench_rollup.py --reuse
    # throwaway database, 20,000 members (CI, seconds)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_rollup.py --smoke
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any


def timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="use DATABASE_URL as loaded by kiemdiem synth")
    parser.add_argument("--members", type=int, default=200_000, help="without --reuse: members to load")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="20,000 members in a throwaway database (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.members, args.repeats, args.reuse = 20_000, 2, False
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.setdefault("KIEMDIEM_DATA_DIR", tempfile.mkdtemp(prefix="kd-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    if args.reuse:
        return run(args)
    import psycopg

    name = f"kd_bench_rollup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    try:
        return run(args, load_members=args.members)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run(args: argparse.Namespace, load_members: int = 0) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kiemdiem.organizations.models import Organization
    from kiemdiem.plans.models import Plan
    from kiemdiem.reports.statistics import statistics

    if load_members:
        from django.core.management import call_command

        from kiemdiem.synth.load import load

        call_command("migrate", verbosity=0)
        load(load_members, 1)
    year = Plan.objects.order_by("-year").values_list("year", flat=True).first()
    plans = list(Plan.objects.filter(year=year))
    # The country: the root above the provinces (synth creates one, Trung ương).
    country = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    assert country is not None
    provinces = Organization.objects.filter(parent=country).count()
    plan_ids = [p.pk for p in plans]
    baseline_sql = (
        "SELECT s.cell_id, d.level, COUNT(*) FROM plans_plansubject s "
        "LEFT JOIN decisions_decisionentry d ON d.subject_id = s.id "
        "WHERE s.plan_id = ANY(%s) AND s.member_id IS NOT NULL GROUP BY s.cell_id, d.level"
    )

    def baseline() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, [plan_ids])
            return cursor.fetchall()

    def read_every_row(stats: Any) -> int:
        """What a full export does next: every row's counts."""
        return sum(r.members.total + sum(c.total for c in r.organizations.values()) for r in stats.rows)

    baseline()  # warm the cache for both
    with CaptureQueriesContext(connection) as ctx:
        statistics(country, plans, year=year)
    # Interleaved, so that both see the same moments of a shared machine; best of the repeats.
    t_base = t_stats = t_read = float("inf")
    for i in range(args.repeats):
        t, groups = timed(baseline)
        t_base = min(t_base, t)
        t, stats = timed(statistics, country, plans, year=year)
        t_stats = min(t_stats, t)
        t_read = min(t_read, timed(read_every_row, stats)[0])
        if i < args.repeats - 1:
            del stats  # freed before the next baseline, not while it runs
    total = stats.total.members
    counted = sum(n for _, level, n in groups if level)
    assert counted == total.classified, (counted, total.classified)
    # Both agree on every organization without children too (the baseline's groups are its own levels).
    by_cell: dict[int, dict[str, int]] = {}
    for cell_id, level, n in groups:
        if level:
            by_cell.setdefault(cell_id, dict.fromkeys(total.levels, 0))[level] = n
    parents = {r.organization.parent_id for r in stats.rows}
    for row in stats.rows:
        if row.organization.pk not in parents:
            own = by_cell.get(row.organization.pk, dict.fromkeys(total.levels, 0))
            assert row.members.levels == own, row.organization
    sql_time = sum(float(q["time"]) for q in ctx.captured_queries)
    print(
        f"database: {connection.vendor}; year {year}; provinces: {provinces}; plans: {len(plans):,}; "
        f"organizations (rows): {len(stats.rows):,}; member subjects: {total.total:,}"
    )
    print(f"classified: {total.classified:,} ({', '.join(f'{lv} {n:,}' for lv, n in total.levels.items())})")
    print(f"baseline   (bare GROUP BY cell, level): {t_base:8.3f} s  ({len(groups):,} groups)")
    print(
        f"statistics (roll-up to every subtree):  {t_stats:8.3f} s  ({len(ctx.captured_queries)} queries; "
        f"{sql_time:.3f} s in the database in the first call)"
    )
    print(f"then reading every row's Counts:        {t_read:8.3f} s  (as the XLSX export does)")
    ratio = t_stats / t_base
    print(f"statistics ÷ baseline: {ratio:.2f}×  (best of {args.repeats}; targets ≤ 2× and < 30 s)")
    print(f"(statistics + reading every row) ÷ baseline: {(t_stats + t_read) / t_base:.2f}×")
    if ratio > 2 or t_stats > 30:
        print("below target", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
