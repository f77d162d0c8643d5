"""Leniency warnings: everyone at one level, HTXSNV share far above the ward's, the cap filled."""

from __future__ import annotations

from kiemdiem.reports.leniency import compare_cells, flags
from kiemdiem.reports.statistics import Counts, history, statistics
from tests.factories import make_member

from .conftest import decided_year


def counts(top: int = 0, good: int = 0, ok: int = 0, bad: int = 0) -> Counts:
    c = Counts()
    c.levels.update({"HTXSNV": top, "HTTNV": good, "HTNV": ok, "KHTNV": bad})
    c.total = top + good + ok + bad
    return c


WARD = counts(top=10, good=80, ok=8, bad=2)  # 10% HTXSNV


def codes(cell: Counts, cap: int, earlier=()) -> set[str]:
    return {f.code for f in flags(cell.levels, WARD.levels, cap, list(earlier))}


def test_everyone_at_the_same_level():
    assert "same_level" in codes(counts(good=9), cap=1)
    assert "same_level" in codes(counts(top=4), cap=0)
    assert "same_level" not in codes(counts(good=8, ok=1), cap=1)


def test_too_small_a_cell_is_not_judged():
    assert codes(counts(top=2), cap=0) == set()


def test_share_far_above_the_ward():
    assert "share_high" in codes(counts(top=2, good=8), cap=1)  # 20% against 10%
    assert "share_high" not in codes(counts(top=1, good=9), cap=1)  # 10%: same as the ward


def test_cap_exactly_filled_and_over():
    assert "cap_filled" in codes(counts(top=2, good=10, ok=3), cap=2)
    assert "over_cap" in codes(counts(top=3, good=10, ok=3), cap=2)
    assert codes(counts(top=1, good=10, ok=3), cap=2).isdisjoint({"cap_filled", "over_cap"})


def test_cap_filled_every_year_needs_every_earlier_year_filled():
    cell = counts(top=2, good=10, ok=3)
    assert "cap_filled_every_year" in codes(cell, 2, [(2018, 2, 2), (2019, 1, 1)])
    assert "cap_filled_every_year" not in codes(cell, 2, [(2018, 2, 2), (2019, 1, 2)])
    assert "cap_filled_every_year" not in codes(cell, 2, [])


def test_cells_of_the_ward_compared_over_the_years(ward):
    # Cell A: 5 HTTNV and 1 HTXSNV each year (cap of 5 HTTNV at 20% = 1): filled in 2019 and 2020.
    # Cell B: everyone HTTNV.
    a = [make_member(ward.cell_a, f"A {i}") for i in range(6)]
    b = [make_member(ward.cell_b, f"B {i}") for i in range(4)]
    levels = {m: ("HTXSNV" if i == 0 else "HTTNV") for i, m in enumerate(a)} | dict.fromkeys(b, "HTTNV")
    plans = [decided_year(ward.ward, y, levels) for y in (2019, 2020)]
    stats = statistics(ward.ward, [plans[1]])
    cap = plans[1].framework().quota.cap
    result = {c.organization.pk: c for c in compare_cells(stats, cap, history(ward.ward, plans))}
    assert result[ward.cell_a.pk].codes == {"cap_filled", "cap_filled_every_year"}
    assert result[ward.cell_a.pk].years == [(2019, 1, 1)]
    assert result[ward.cell_b.pk].codes == {"same_level"}
    assert result[ward.cell_a.pk].reference_name == ward.ward.name
