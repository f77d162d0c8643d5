"""Benchmark: classify 1,000,000 synthetic members of 2,000 cells with quotas (issue 3).

Prints subjects per second for ``kiemdiem.rules.classify`` next to a baseline measured in the same run:
a plain loop that only reads the facts the classifier reads. Target: ≥ 500,000 subjects/s on one core
and within 3x of the baseline.

    .venv/bin/python bench/bench_classify.py            # 1,000,000 members, 2,000 cells
    .venv/bin/python bench/bench_classify.py --smoke    # 20,000 members, 40 cells, 3 repeats (CI)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from datetime import date, timedelta

from kiemdiem.rules import (
    Classification,
    Discipline,
    DisciplineForm,
    GroupSettings,
    Level,
    Subject,
    classify,
    get_framework,
)

REVIEW_DATE = date(2025, 12, 15)


def make_subjects(
    members: int, cells: int, seed: int = 2025
) -> tuple[list[Subject], dict[str, GroupSettings]]:
    """Synthetic members spread over ``cells`` cells; each cell is a quota group (some outstanding)."""
    rng = random.Random(seed)
    subjects: list[Subject] = []
    levels = (None, None, Level.HTXSNV, Level.HTTNV, Level.HTTNV, Level.HTNV)
    for i in range(members):
        cell = f"cb{i % cells:04d}"
        r = rng.random()
        status = "exempt" if r < 0.01 else "suspended" if r < 0.015 else "active"
        admitted = (
            date(2025, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.02 else date(1990, 1, 1)
        )
        total = rng.randint(5, 15)
        done = total if rng.random() < 0.95 else rng.randint(0, total)
        late = rng.randint(0, max(0, done // 4)) if rng.random() < 0.2 else 0
        general = rng.choice((20, 24, 26, 27, 28, 29, 30))
        tasks = rng.choice((30, 45, 55, 60, 62, 64, 66, 68, 70))
        discipline: tuple[Discipline, ...] = ()
        if rng.random() < 0.01:
            discipline = (
                Discipline(
                    DisciplineForm.KHIEN_TRACH,
                    REVIEW_DATE - timedelta(days=rng.randint(1, 300)),
                    None,
                    rng.random() < 0.7,
                    rng.random() < 0.2,
                ),
            )
        shortcomings = rng.randint(0, 3)
        subjects.append(
            Subject(
                id=f"dv{i:07d}",
                kind="member" if rng.random() < 0.7 else "member_outside",
                group=cell,
                cell=cell,
                status=status,
                admitted_on=admitted,
                score_general=general,
                score_tasks=tasks,
                tasks_total=total,
                tasks_done=done,
                tasks_on_time=done - late,
                tasks_exceeded=rng.randint(0, done),
                tasks_late=late,
                shortcomings_total=shortcomings,
                shortcomings_remedied=shortcomings if rng.random() < 0.9 else 0,
                discipline=discipline,
                civil_servant_level=Level.HTTNV if rng.random() < 0.05 else None,
                proposed_level=rng.choice(levels),
                previous_level=Level.KHTNV if rng.random() < 0.01 else None,
            )
        )
    groups = {f"cb{c:04d}": GroupSettings(outstanding_unit=(c % 10 == 0)) for c in range(cells)}
    return subjects, groups


def baseline(subjects: list[Subject]) -> int:
    """A plain loop reading the facts the classifier reads for a member, doing nothing with them."""
    n = 0
    for s in subjects:
        _ = (s.status, s.admitted_on, s.kind, s.discipline, s.degradation_concluded, s.prohibition_violated)
        _ = (s.sick_or_maternity_leave_months, s.tasks_total, s.units_led, s.score_general, s.score_tasks)
        _ = (s.tasks_done, s.tasks_on_time, s.tasks_exceeded, s.tasks_late, s.shortcomings_total)
        _ = (
            s.shortcomings_remedied,
            s.civil_servant_level,
            s.proposed_level,
            s.previous_level,
            s.group,
            s.heads,
        )
        n += 1
    return n


def measure(repeats: int, subjects: list[Subject], run) -> tuple[float, float, object]:
    """Best times of the baseline and of ``run()``, the two alternating so that both see the same load.

    Garbage collection stays enabled for the baseline (it allocates nothing that survives) and is
    disabled while classifying (a million outcomes references would otherwise trigger full collections).
    """
    base = best = float("inf")
    result = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        baseline(subjects)
        base = min(base, time.perf_counter() - start)
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return base, best, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--cells", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--framework", default="qd366-2025")
    parser.add_argument("--smoke", action="store_true", help="20,000 members in 40 cells, three repeats (CI)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    if args.smoke:
        args.members, args.cells, args.repeats = 20_000, 40, 3
    framework = get_framework(args.framework)
    t0 = time.perf_counter()
    subjects, groups = make_subjects(args.members, args.cells)
    setup = time.perf_counter() - t0

    base_time, run_time, result = measure(
        args.repeats, subjects, lambda: classify(framework, subjects, REVIEW_DATE, groups)
    )
    assert isinstance(result, Classification)
    load = os.getloadavg()[0]
    n = len(subjects)
    over = sum(1 for q in result.quota if not q.ok)
    numbers = {
        "framework": framework.id,
        "subjects": n,
        "cells": args.cells,
        "setup_seconds": round(setup, 2),
        "baseline_seconds": round(base_time, 4),
        "classify_seconds": round(run_time, 4),
        "baseline_subjects_per_second": round(n / base_time),
        "classify_subjects_per_second": round(n / run_time),
        "ratio_to_baseline": round(run_time / base_time, 2),
        "groups_over_cap": over,
        "distinct_outcomes": len({id(o) for o in result.outcomes}),
        "load_average": round(load, 2),
    }
    if args.json:
        print(json.dumps(numbers, indent=2))
    else:
        print(
            f"framework {numbers['framework']}: {n:,} subjects in {args.cells:,} cells (setup {setup:.1f} s)"
        )
        print(
            f"baseline (read facts only): {base_time:.3f} s  → {numbers['baseline_subjects_per_second']:,} subjects/s"
        )
        print(
            f"classify (rules + quotas):  {run_time:.3f} s  → {numbers['classify_subjects_per_second']:,} subjects/s"
        )
        print(f"ratio classify/baseline: {numbers['ratio_to_baseline']}x; groups over cap: {over}")
        print(f"load average (1 min) at the end: {load:.2f}")
    ok = n / run_time >= 500_000 and run_time / base_time <= 3
    if not ok:
        print("below target (≥ 500,000 subjects/s and ≤ 3x baseline)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
