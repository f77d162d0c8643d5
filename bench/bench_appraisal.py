"""Benchmark: appraisal (classification and quota check) of a whole province vs a bare SQL aggregate (issue 6).

On a database loaded by ``kiemdiem synth`` (``--reuse``) or a throwaway one loaded here, for the
largest province (every plan of the year under it), times in the same run:

- **baseline**: one SQL statement over the same rows: per plan and quota group, the count of each
  proposed level (meeting vote, else self-assessed level) and the cap ``floor(20% × HTTNV)``;
  It is also timed with the planner setting the service uses for its reads (hash joins off, see
  ``decisions.facts.index_joins``), which makes it faster too;
- **appraise**: ``kiemdiem.decisions.appraisal.appraise_plans(plans)`` for every plan of the province —
  the service the appraisal page calls (``appraise(plan)`` is ``appraise_plans([plan])``): it reads the
  facts (reviews, votes, discipline, state ratings, last year's results, remediation, positions) with
  one query per table, builds the rules engine's typed facts, runs ``kiemdiem.rules.classify`` (every
  rule, the quota per plan and group, suggested demotions) and lists the conflicts per subject.
  ``--with-subjects`` also attaches the ``PlanSubject``/``DecisionEntry`` model objects a page shows.

Targets: appraise within 3× of the baseline and under 10 s for 500,000 members. ``--profile`` prints
the top of a cProfile of the appraisal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_synth_p .venv/bin/python bench/bench_appraisal.py --reuse
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_appraisal.py --smoke
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from typing import Any

BASELINE_SQL = """
WITH s AS (
  SELECT s.plan_id,
         CASE WHEN s.kind IN ('member', 'member_outside') THEN 'dang-vien' ELSE s.kind END AS grp,
         COALESCE(NULLIF(mi.proposed_level, ''), r.self_level) AS level
  FROM plans_plansubject s
  LEFT JOIN reviews_meetingitem mi ON mi.subject_id = s.id
  LEFT JOIN reviews_review r ON r.subject_id = s.id AND r.place = 'chi_bo'
  WHERE s.plan_id = ANY(%s) AND s.reviewed
)
SELECT plan_id, grp,
       COUNT(*) FILTER (WHERE level = 'HTXSNV') AS htxsnv,
       COUNT(*) FILTER (WHERE level = 'HTTNV') AS httnv,
       COUNT(*) FILTER (WHERE level = 'HTNV') AS htnv,
       COUNT(*) FILTER (WHERE level = 'KHTNV') AS khtnv,
       FLOOR(0.2 * COUNT(*) FILTER (WHERE level = 'HTTNV')) AS cap,
       COUNT(*) AS subjects
FROM s GROUP BY plan_id, grp
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="use DATABASE_URL as loaded by kiemdiem synth")
    parser.add_argument("--members", type=int, default=100_000, help="without --reuse: members to load")
    parser.add_argument("--profile", action="store_true", help="cProfile the appraisal (top 25 by own time)")
    parser.add_argument(
        "--with-subjects", action="store_true", help="also attach the model objects the pages display"
    )
    parser.add_argument(
        "--phases", action="store_true", help="CPU time of this process per phase (read, facts, rules, rows)"
    )
    parser.add_argument("--smoke", action="store_true", help="5,000 members in a throwaway database (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.members, args.reuse = 5_000, False
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.setdefault("KIEMDIEM_DATA_DIR", tempfile.mkdtemp(prefix="kd-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    if args.reuse:
        return run(args)
    import psycopg

    name = f"kd_bench_appraisal_{uuid.uuid4().hex[:8]}"
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
    from django.db.models import Count

    from kiemdiem.decisions.appraisal import appraise_plans
    from kiemdiem.organizations.models import Organization, OrgKind
    from kiemdiem.plans.models import Plan

    if load_members:
        from django.core.management import call_command

        from kiemdiem.synth.load import load

        call_command("migrate", verbosity=0)
        load(load_members, 1, provinces=1)
    year = Plan.objects.order_by("-year").values_list("year", flat=True).first()
    # The largest province: the higher-level committee directly above the most members' committees.
    provinces = Organization.objects.filter(kind=OrgKind.HIGHER, children__kind=OrgKind.GRASSROOTS_COMMITTEE)
    province = (
        provinces.annotate(n=Count("children__children__members")).order_by("-n").first()
        if provinces.count() > 1
        else provinces.first()
    )
    assert province is not None
    plans = list(Plan.objects.filter(year=year, organization__path__startswith=province.path).order_by("pk"))
    plan_ids = [p.pk for p in plans]

    def baseline() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [plan_ids])
            return cursor.fetchall()

    baseline()  # warm the cache for both
    start = time.perf_counter()
    groups = baseline()
    t_base = time.perf_counter() - start
    # The same aggregate with the planner setting the service uses for its reads (index joins).
    from kiemdiem.decisions.facts import index_joins

    with index_joins():
        start = time.perf_counter()
        baseline()
        t_base_index = time.perf_counter() - start

    def appraise_all() -> tuple[int, int, int]:
        subjects = conflicts = over = 0
        for a in appraise_plans(plans, with_subjects=args.with_subjects):
            subjects += len(a.rows)
            conflicts += sum(len(r.conflicts) for r in a.rows)
            over += sum(1 for q in a.quota if not q["ok"])
        return subjects, conflicts, over

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    start = time.perf_counter()
    subjects, conflicts, over = appraise_all()
    t_app = time.perf_counter() - start
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(30)
    from kiemdiem.decisions.facts import read_facts, review_dates

    start = time.perf_counter()
    read_facts(plans, review_dates(plans))
    t_read = time.perf_counter() - start
    if args.phases:
        phases(plans)
    base_subjects = sum(g[-1] for g in groups)
    assert base_subjects == subjects, (base_subjects, subjects)
    base_over = sum(1 for g in groups if g[2] > g[6])
    print(
        f"database: {connection.vendor}; province: {province.name}; plans: {len(plans):,}; "
        f"reviewed subjects: {subjects:,}; conflicts listed: {conflicts:,}"
    )
    print(
        f"baseline (one SQL aggregate, counts and caps): {t_base:8.3f} s  ({base_over:,} groups over the cap)"
    )
    print(f"baseline with hash joins off, as the service reads: {t_base_index:8.3f} s")
    print(f"appraise (decisions.services.appraise_plans):  {t_app:8.3f} s  ({over:,} groups over the cap)")
    print(f"  of which reading the facts (one query per table):  {t_read:8.3f} s (timed separately)")
    ratio = t_app / t_base
    print(f"appraise ÷ baseline: {ratio:.1f}×  (targets ≤ 3× and < 10 s)")
    print(f"appraise ÷ baseline with the same planner setting: {t_app / t_base_index:.1f}×")
    if ratio > 3 or t_app > 10:
        print("below target", file=sys.stderr)
    return 0


def phases(plans: list[Any]) -> None:
    """Where the appraisal's own CPU goes: process time per phase (PostgreSQL's time is the wall minus it)."""
    import gc
    from collections import defaultdict

    from kiemdiem.decisions import appraisal
    from kiemdiem.decisions import facts as services
    from kiemdiem.rules import classify

    gc.disable()
    c0, w0 = time.process_time(), time.perf_counter()
    days = services.review_dates(plans)
    facts = services.read_facts(plans, days)
    c1, w1 = time.process_time(), time.perf_counter()
    by_plan: dict[int, list[Any]] = defaultdict(list)
    for row in facts.subjects:
        by_plan[row[1]].append(row)
    framework, subjects, groups = plans[0].framework(), [], {}
    for plan in plans:
        s, g = services.subjects_of_plan(plan, framework, days[plan.pk], by_plan[plan.pk], facts, False)
        subjects += s
        groups.update(g)
    c2 = time.process_time()
    classify(framework, subjects, days[plans[0].pk], groups)
    c3 = time.process_time()
    gc.enable()
    c4, w4 = time.process_time(), time.perf_counter()
    appraisal.appraise_plans(plans, with_subjects=False)
    c5, w5 = time.process_time(), time.perf_counter()
    n = len(facts.subjects)
    print(
        f"phases (CPU of this process; single framework and date assumed): reading {c1 - c0:.2f} s "
        f"(wall {w1 - w0:.2f} s), facts {c2 - c1:.2f} s ({(c2 - c1) / n * 1e6:.1f} µs/subject), "
        f"rules {c3 - c2:.2f} s; whole appraise_plans CPU {c5 - c4:.2f} s of {w5 - w4:.2f} s wall"
    )


if __name__ == "__main__":
    sys.exit(main())
