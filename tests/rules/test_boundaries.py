"""Boundary tests at every threshold (issue 3, item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from kiemdiem.rules import add_months, months_completed
from kiemdiem.rules.dates import latest_start_completing

from .helpers import member, one, quota, run, tasks

C = "qd366-2025"


@pytest.mark.parametrize(
    ("general", "group_ii", "level"),
    [
        (29.99, 60, "HTTNV"),  # 89.99
        (30, 60, "HTXSNV"),  # 90
        (29.99, 40, "HTNV"),  # 69.99
        (30, 40, "HTTNV"),  # 70
        (19.99, 30, "KHTNV"),  # 49.99
        (20, 30, "HTNV"),  # 50
    ],
)
def test_c_lv_score_bands_at_90_70_50(general, group_ii, level):
    r = one(C, score={"general": general, "tasks": group_ii}, tasks=tasks(10, exceeded=3))
    assert r["level"] == level


@pytest.mark.parametrize(
    ("total", "exceeded", "level"),
    [
        (10, 3, "HTXSNV"),
        (10, 2, "HTTNV"),
        (100, 29, "HTTNV"),
        (100, 30, "HTXSNV"),
        (3, 1, "HTXSNV"),
        (7, 2, "HTTNV"),
    ],
)
def test_c_lv_02_thirty_percent_exceeded_boundary(total, exceeded, level):
    assert one(C, score={"general": 30, "tasks": 65}, tasks=tasks(total, exceeded=exceeded))["level"] == level


@pytest.mark.parametrize(
    ("total", "late", "level"), [(10, 2, "HTNV"), (10, 3, "HTNV*"), (5, 1, "HTNV"), (4, 1, "HTNV*")]
)
def test_c_lv_07_twenty_percent_late_boundary(total, late, level):
    r = one(C, score={"general": 25, "tasks": 35}, tasks=tasks(total, late=late))
    assert r["level"] == "HTNV"
    assert ("C-LV-09" in r["needs_decision"]) == level.endswith("*")


@pytest.mark.parametrize(("done", "level"), [(5, "HTNV"), (4, "KHTNV"), (6, "HTNV")])
def test_c_kht_02_fifty_percent_not_completed_boundary(done, level):
    r = one(C, score={"general": 25, "tasks": 35}, tasks=tasks(10, done=done))
    assert r["level"] == level


def test_a_kht_01_fifty_percent_done_boundary_under_132():
    grades = {"key": "tot", "other": "tot"}
    assert one("qd132-2020", "2020-12-15", grades=grades, tasks=tasks(10, done=5))["level"] == "HTTNV"
    assert one("qd132-2020", "2020-12-15", grades=grades, tasks=tasks(10, done=4))["level"] == "KHTNV"


def test_c_ex_03_six_months_counted_by_calendar_date():
    facts = {"score": {"general": 28, "tasks": 55}, "tasks": tasks(2), "admitted_on": "2025-06-15"}
    assert one(C, "2025-12-15", **facts)["classified"] is True
    assert one(C, "2025-12-14", **facts)["classified"] is False


def test_c_ex_03_month_end_admission_is_clamped_to_the_last_day_of_the_month():
    facts = {"score": {"general": 28, "tasks": 55}, "admitted_on": "2025-08-31"}
    assert one(C, "2026-02-28", **facts)["classified"] is True
    assert one(C, "2026-02-27", **facts)["classified"] is False
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


def test_latest_start_completing_is_equivalent_to_months_completed():
    for end in (date(2026, 2, 28), date(2025, 12, 15), date(2024, 2, 29), date(2025, 3, 31)):
        cutoff = latest_start_completing(end, 6)
        for delta in range(-3, 4):
            start = date.fromordinal(cutoff.toordinal() + delta)
            assert (start <= cutoff) == months_completed(start, end, 6), (end, start)


def _members(n_xs: int, n_tt: int) -> list[dict]:
    xs = [
        member(f"x{i}", group="g", score={"general": 30, "tasks": 62}, tasks=tasks(10, exceeded=3))
        for i in range(n_xs)
    ]
    tt = [
        member(f"t{i}", group="g", score={"general": 25, "tasks": 55}, tasks=tasks(10)) for i in range(n_tt)
    ]
    return xs + tt


@pytest.mark.parametrize(
    ("n_xs", "n_tt", "outstanding", "cap", "ok"),
    [
        (4, 24, False, 4, True),  # 4.8 → 4
        (5, 24, False, 4, False),
        (5, 25, False, 5, True),
        (0, 4, False, 0, True),  # 0.8 → 0
        (1, 4, False, 0, False),
        (5, 23, True, 5, True),  # 5.75 → 5
        (6, 23, True, 5, False),
        (6, 24, True, 6, True),
    ],
)
def test_c_q_01_c_q_02_caps_round_down(n_xs, n_tt, outstanding, cap, ok):
    groups = {"g": {"outstanding_unit": outstanding}}
    q = quota(run(C, _members(n_xs, n_tt), groups=groups), "g")
    assert (q["HTXSNV"], q["HTTNV"], q["cap"], q["ok"]) == (n_xs, n_tt, cap, ok)


def test_c_q_03_httnv_is_the_denominator_not_all_members():
    others = [
        member(f"h{i}", group="g", score={"general": 20, "tasks": 35}, tasks=tasks(10)) for i in range(50)
    ]
    q = quota(run(C, _members(2, 9) + others), "g")
    assert (q["HTTNV"], q["HTNV"], q["cap"], q["ok"]) == (9, 50, 1, False)
