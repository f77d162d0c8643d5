"""The statistics table against numbers computed by hand on a small ward."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiemdiem.plans.models import Plan
from kiemdiem.reports.statistics import COLLECTIVE, consecutive_khtnv, history, statistics

from .conftest import decided_year


def test_numbers_match_hand_computed(ward, year2020):
    stats = statistics(ward.ward, [year2020])
    m = stats.total.members
    # 12 members: 1 exempt, 1 suspended, 1 admitted < 6 months, 1 reviewed but not decided, 8 decided.
    assert (m.total, m.exempt, m.suspended, m.new, m.pending, m.classified) == (12, 1, 1, 1, 1, 8)
    assert m.levels == {"HTXSNV": 1, "HTTNV": 5, "HTNV": 1, "KHTNV": 1}
    assert m.percent("HTXSNV") == 12.5 and m.percent("HTTNV") == 62.5
    assert m.top_of_good == 20.0  # 1 HTXSNV for 5 HTTNV
    assert m.disciplined == 1  # Cường in 2020; Dung's discipline is of 2019

    a = stats.row(ward.cell_a).members
    assert (a.total, a.exempt, a.pending, a.classified) == (7, 1, 1, 5)
    assert a.levels == {"HTXSNV": 1, "HTTNV": 3, "HTNV": 1, "KHTNV": 0}
    assert a.percent("HTXSNV") == 20.0 and a.top_of_good == 33.33
    b = stats.row(ward.cell_b).members
    assert (b.total, b.suspended, b.new, b.classified, b.disciplined) == (5, 1, 1, 3, 1)

    orgs = stats.total.organizations
    assert orgs["chi_bo_truc_thuoc"].total == 2
    assert orgs["chi_bo_truc_thuoc"].levels == {"HTXSNV": 1, "HTTNV": 1, "HTNV": 0, "KHTNV": 0}
    assert orgs["dang_bo_co_so"].levels["HTTNV"] == 1
    assert (orgs[COLLECTIVE].total, orgs[COLLECTIVE].pending) == (1, 1)
    # A cell's own row counts the cell itself, not the ward.
    assert stats.row(ward.cell_a).organizations["chi_bo_truc_thuoc"].levels["HTXSNV"] == 1
    assert stats.row(ward.cell_a).organizations["dang_bo_co_so"].total == 0


def test_other_wards_never_count(ward, year2020):
    stats = statistics(ward.ward, Plan.objects.filter(year=2020))
    assert stats.total.members.total == 12
    assert stats.row(ward.other_cell) is None
    assert stats.total.members.levels["HTXSNV"] == 1


def test_scope_of_one_cell(ward, year2020):
    stats = statistics(ward.cell_a, [year2020])
    assert [r.organization for r in stats.rows] == [ward.cell_a]
    assert stats.total.members.total == 7


def test_the_higher_level_sums_its_wards(ward, year2020):
    stats = statistics(ward.city, Plan.objects.filter(year=2020))
    assert stats.total.members.total == 13
    assert stats.total.members.levels["HTXSNV"] == 2
    assert stats.row(ward.other_ward).members.levels["HTXSNV"] == 1


def test_reclassification_counts_the_new_level(ward, year2020):
    from kiemdiem.decisions.models import DecisionEntry

    DecisionEntry.objects.filter(subject__member=ward.members["an"]).update(level="HTTNV")
    m = statistics(ward.ward, [year2020]).total.members
    assert m.levels["HTXSNV"] == 0 and m.levels["HTTNV"] == 6


def test_two_consecutive_khtnv(ward, people, year2020):
    m = people
    decided_year(ward.ward, 2019, {m["cuong"]: "KHTNV", m["an"]: "KHTNV", m["dung"]: "HTNV"})
    found = consecutive_khtnv(ward.ward, [year2020])
    # Cường: KHTNV in 2019 and 2020. An: KHTNV in 2019 only. Dung: HTTNV in 2020.
    assert [e.subject.member for e in found] == [m["cuong"]]
    assert consecutive_khtnv(ward.cell_a, [year2020]) == []


def test_history_per_year(ward, people, year2020):
    m = people
    p2019 = decided_year(ward.ward, 2019, {m["an"]: "HTXSNV", m["binh"]: "HTXSNV", m["cuong"]: "HTTNV"})
    past = history(ward.ward, [p2019, year2020])
    assert past.years == [2019, 2020]
    assert past.totals[2019].levels == {"HTXSNV": 2, "HTTNV": 1, "HTNV": 0, "KHTNV": 0}
    assert past.totals[2020].classified == 8


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [(1, 2), (6, 15)])
def test_a_constant_number_of_queries(ward, grow, extra):
    small = grow(2, 3)
    big = grow(*extra)
    plans = [small, big]

    def run():
        stats = statistics(ward.ward, Plan.objects.filter(pk__in=[p.pk for p in plans]))
        history(ward.ward, plans)
        consecutive_khtnv(ward.ward, plans)
        return stats

    n = _queries(run)
    assert n == 8  # plans, organizations, 2 roll-ups; events (3) and organizations + 1 aggregate; KHTNV
    assert run().total.members.total == 2 * 3 + extra[0] * extra[1]
