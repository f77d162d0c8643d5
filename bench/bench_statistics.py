"""Benchmark: statistics of a 30,000-member district rolled up the tree, next to a bare GROUP BY (issue 5).

Builds a synthetic district (one higher-level committee, wards, cells, members) with one decided
year, then times in the same run:

- **baseline**: a bare ``SELECT cell, level, COUNT(*) … GROUP BY`` over the same subject and decision
  rows (no roll-up, no reasons, no discipline);
- **statistics**: ``kiemdiem.reports.statistics.statistics`` for the district: every organization's
  subtree totals, not-classified reasons, levels, discipline in the year, organizations by type;
- **history**: ``kiemdiem.reports.statistics.history`` (the year-over-year aggregate with merges).

Run it on a throwaway database (it migrates it and adds rows):

    createdb -h 127.0.0.1 -U postgres kd_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_bench .venv/bin/python bench/bench_statistics.py
    dropdb -h 127.0.0.1 -U postgres kd_bench

Without ``DATABASE_URL`` it uses a fresh SQLite file in a temporary folder. ``--smoke``: 2,000 members.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

D = dt.date


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["KIEMDIEM_DATA_DIR"] = tempfile.mkdtemp(prefix="kd-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(members: int, wards: int, cells_per_ward: int, seed: int = 2025) -> tuple[Any, list[Any]]:
    """The district, its wards' plans for 2025 and every subject decided (except a few pending)."""
    from django.db import transaction

    from kiemdiem.decisions.models import Decision, DecisionEntry
    from kiemdiem.members.models import Discipline, Member
    from kiemdiem.organizations.models import LeadershipCollective, Organization
    from kiemdiem.plans.models import Plan, PlanStatus, PlanSubject

    rng = random.Random(seed)
    tag = f"B{int(time.time()) % 100000:05d}{rng.randint(0, 99):02d}"
    with transaction.atomic():
        district = Organization(code=f"{tag}-Q", name=f"Đảng bộ quận thử {tag}", kind="cap_tren")
        district.save()
        wards_: list[Organization] = []
        cells: list[Organization] = []
        for w in range(wards):
            ward = Organization(
                code=f"{tag}-P{w:03d}", name=f"Đảng bộ phường {w + 1}", kind="dang_bo_co_so", parent=district
            )
            ward.save()
            wards_.append(ward)
            for c in range(cells_per_ward):
                cell = Organization(
                    code=f"{tag}-P{w:03d}-C{c:03d}",
                    name=f"Chi bộ {c + 1} phường {w + 1}",
                    kind="chi_bo_truc_thuoc",
                    category="khu_dan_cu",
                    parent=ward,
                )
                cell.save()
                cells.append(cell)
        # Card numbers after any left by an earlier run on the same database.
        last = Member.objects.order_by("-card_number").values_list("card_number", flat=True).first()
        base_card = int(last) + 1 if last and last.isdigit() else 10_000_000
        rows = [
            Member(
                card_number=f"{base_card + i:08d}",
                full_name=f"Đảng viên {i}",
                gender="nam" if i % 2 else "nu",
                date_of_birth=D(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                admitted_on=D(1990 + i % 30, 1 + i % 12, 1),
                cell=cells[i % len(cells)],
            )
            for i in range(members)
        ]
        Member.objects.bulk_create(rows, batch_size=5000)
        people = list(
            Member.objects.filter(cell__path__startswith=district.path).values_list("pk", "cell_id")
        )
        Discipline.objects.bulk_create(
            [
                Discipline(member_id=pk, form="khien_trach", decided_on=D(2025, 1 + pk % 12, 1))
                for pk, _ in people
                if rng.random() < 0.01
            ],
            batch_size=5000,
        )
        plans = []
        ward_of = {c.pk: c.parent_id for c in cells}
        for ward in wards_:
            plan = Plan.objects.create(
                organization=ward,
                number="12-KH/ĐU",
                issued_on=D(2025, 11, 12),
                year=2025,
                framework_id="qd366-2025",
                reference_date=D(2025, 11, 12),
                title="Kế hoạch kiểm điểm năm 2025",
                status=PlanStatus.PUBLISHED,
            )
            plans.append(plan)
            LeadershipCollective.objects.create(organization=ward, kind="btv", name="Ban Thường vụ")
        plan_of = {p.organization_id: p for p in plans}
        subjects = [
            PlanSubject(plan=plan_of[w.pk], kind="grassroots_org", organization=w, name=w.name)
            for w in wards_
        ]
        subjects += [
            PlanSubject(plan=plan_of[c.parent_id], kind="cell", organization=c, cell=c, name=c.name)
            for c in cells
        ]
        for pk, cell_id in people:
            r = rng.random()
            reason = (
                "exempt"
                if r < 0.02
                else "suspended"
                if r < 0.025
                else "admitted_under_6_months"
                if r < 0.03
                else ""
            )
            subjects.append(
                PlanSubject(
                    plan=plan_of[ward_of[cell_id]],
                    kind="member" if rng.random() < 0.8 else "member_outside",
                    member_id=pk,
                    cell_id=cell_id,
                    name=f"Đảng viên {pk}",
                    reviewed=not reason,
                    not_reviewed_reason=reason,
                )
            )
        PlanSubject.objects.bulk_create(subjects, batch_size=5000)
        decisions = {
            p.pk: Decision.objects.create(plan=p, number="15-QĐ/ĐU", date=D(2025, 12, 20)) for p in plans
        }
        weights = (("HTXSNV", 0.12), ("HTTNV", 0.78), ("HTNV", 0.09), ("KHTNV", 0.01))
        entries = []
        for sid, plan_id in PlanSubject.objects.filter(plan__in=plans, reviewed=True).values_list(
            "pk", "plan_id"
        ):
            if rng.random() < 0.01:
                continue  # pending
            x, acc, level = rng.random(), 0.0, "HTTNV"
            for lv, w in weights:
                acc += w
                if x < acc:
                    level = lv
                    break
            entries.append(DecisionEntry(decision=decisions[plan_id], subject_id=sid, level=level))
        DecisionEntry.objects.bulk_create(entries, batch_size=5000)
    return district, plans


def best_of(repeats: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--wards", type=int, default=25)
    parser.add_argument("--cells", type=int, default=30, help="cells per ward")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="2,000 members, 4 wards of 10 cells (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.members, args.wards, args.cells, args.repeats = 2_000, 4, 10, 3
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kiemdiem.reports.statistics import history, statistics

    start = time.perf_counter()
    district, plans = build(args.members, args.wards, args.cells)
    built = time.perf_counter() - start
    plan_ids = [p.pk for p in plans]
    marks = ", ".join(["%s"] * len(plan_ids))
    baseline_sql = (
        "SELECT s.cell_id, d.level, COUNT(*) FROM plans_plansubject s "
        "LEFT JOIN decisions_decisionentry d ON d.subject_id = s.id "
        f"WHERE s.plan_id IN ({marks}) AND s.member_id IS NOT NULL GROUP BY s.cell_id, d.level"
    )

    def baseline() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, plan_ids)
            return cursor.fetchall()

    baseline()  # warm the cache for both
    t_base, groups = best_of(args.repeats, baseline)
    with CaptureQueriesContext(connection) as ctx:
        stats = statistics(district, plans)
    t_stats, stats = best_of(args.repeats, lambda: statistics(district, plans))
    t_hist, _ = best_of(args.repeats, lambda: history(district, plans))
    total = stats.total.members
    counted = sum(n for _, level, n in groups if level)
    assert counted == total.classified, (counted, total.classified)
    vendor = connection.vendor
    print(
        f"database: {vendor}; members: {total.total:,}; organizations: {len(stats.rows):,}; "
        f"plans: {len(plans)}; built in {built:.1f} s"
    )
    print(f"classified: {total.classified:,} ({', '.join(f'{lv} {n:,}' for lv, n in total.levels.items())})")
    print(f"baseline  (bare GROUP BY cell, level): {t_base * 1000:8.1f} ms  ({len(groups):,} groups)")
    print(
        f"statistics (roll-up, every subtree):   {t_stats * 1000:8.1f} ms  ({len(ctx.captured_queries)} queries)"
    )
    print(f"history    (years, merges):            {t_hist * 1000:8.1f} ms")
    print(f"statistics ÷ baseline: {t_stats / t_base:.2f}×  (best of {args.repeats})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
