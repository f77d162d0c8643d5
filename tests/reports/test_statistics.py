"""The statistics table against numbers computed by hand on a small ward."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiemdiem.plans.models import Plan
from kiemdiem.reports.statistics import (
    COLLECTIVE,
    ORG_TYPES,
    Counts,
    consecutive_khtnv,
    history,
    statistics,
)
from tests.factories import make_member, make_org

from .conftest import decided_year

D = dt.date


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
    # statistics: plans, organizations, collectives, 1 aggregate; history: events (3), organizations,
    # 1 aggregate; consecutive_khtnv: 1.
    assert n == 8
    assert run().total.members.total == 2 * 3 + extra[0] * extra[1]


def test_discipline_counts_in_each_plans_own_year(ward, people, year2020):
    m = people
    # Cường was disciplined in 2020, Dung in 2019: each counts once, in the plan of that year.
    p2019 = decided_year(ward.ward, 2019, {m["cuong"]: "HTTNV", m["dung"]: "HTNV"})
    both = statistics(ward.ward, [p2019, year2020], year=2020)
    assert both.total.members.disciplined == 2
    assert both.row(ward.cell_b).members.disciplined == 2
    assert statistics(ward.ward, [p2019]).total.members.disciplined == 1


def test_dissolved_organizations_keep_a_row_only_while_they_hold_subjects(ward):
    dissolved = D(2019, 6, 30)
    part = make_org("TT-BP", "Đảng bộ bộ phận cũ", "dang_bo_bo_phan", ward.ward, active_to=dissolved)
    below = make_org("TT-BP-1", "Chi bộ dưới bộ phận", "chi_bo_truc_thuoc", part, category="khac")
    gone = make_org("TT-OLD", "Chi bộ đã giải thể", "chi_bo_truc_thuoc", ward.ward, active_to=dissolved)
    later = make_org(
        "TT-NEW", "Chi bộ lập năm 2021", "chi_bo_truc_thuoc", ward.ward, active_from=D(2021, 1, 1)
    )
    plan = decided_year(
        ward.ward, 2020, {make_member(below, "Người dưới"): "HTXSNV", ward.members["an"]: "HTNV"}
    )
    stats = statistics(ward.ward, [plan])
    listed = [r.organization.pk for r in stats.rows]
    # The dissolved partial committee still leads to a cell with a member: its row and its counts stay.
    assert part.pk in listed and below.pk in listed
    assert stats.row(part).members.levels["HTXSNV"] == 1
    assert stats.total.members.levels == {"HTXSNV": 1, "HTTNV": 0, "HTNV": 1, "KHTNV": 0}
    assert gone.pk not in listed and later.pk not in listed
    paths = [r.organization.path for r in stats.rows]
    assert paths == sorted(paths) and paths[0] == ward.ward.path


def test_nothing_readable_gives_an_empty_table(ward, year2020):
    from kiemdiem.plans.models import PlanSubject

    stats = statistics(ward.ward, [year2020], PlanSubject.objects.none())
    assert stats.total.organization.pk == ward.ward.pk and stats.total.members.total == 0
    assert all(c.total == 0 for c in stats.total.organizations.values())
    assert statistics(ward.ward, [], year=2020).total.members.total == 0


def _by_hand(root, plans) -> dict[int, dict[str, Counts]]:
    """The expected counts of every organization of ``root``'s subtree, subject by subject in Python."""
    from kiemdiem.members.models import Discipline
    from kiemdiem.organizations.models import Organization
    from kiemdiem.plans.models import INDIVIDUAL_KINDS, PlanSubject

    paths = dict(Organization.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    punished = set(Discipline.objects.values_list("member_id", "decided_on__year"))
    expected: dict[int, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    subjects = PlanSubject.objects.filter(plan__in=plans).select_related("plan", "organization", "collective")
    for s in subjects:
        level = getattr(getattr(s, "decided", None), "level", None)
        if s.kind in INDIVIDUAL_KINDS:
            place, population = s.cell_id, "members"
        elif s.collective_id:
            place, population = s.collective.organization_id, COLLECTIVE
        else:
            place, population = s.organization_id, s.organization.kind
        one = Counts(total=1, disciplined=int((s.member_id, s.plan.year) in punished))
        if not s.reviewed:
            one.exempt, one.suspended, one.new = (
                s.not_reviewed_reason == reason
                for reason in ("exempt", "suspended", "admitted_under_6_months")
            )
        elif level is None:
            one.pending = 1
        else:
            one.levels[level] = 1
        for pk, path in paths.items():
            if place in paths and paths[place].startswith(path):
                expected[pk][population].add(one)
    return expected


def _as_tuple(c: Counts) -> tuple:
    return (c.total, c.exempt, c.suspended, c.new, c.pending, tuple(c.levels.values()), c.disciplined)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_row_matches_a_count_subject_by_subject(ward, people, year2020, seed):
    from kiemdiem.members.models import Discipline
    from kiemdiem.organizations.models import LeadershipCollective
    from kiemdiem.plans.models import PlanSubject

    rng = random.Random(seed)
    outcomes = ["HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV", "pending", "exempt", "suspended"]
    outcomes.append("admitted_under_6_months")
    part = make_org(f"TT-BP{seed}", "Đảng bộ bộ phận", "dang_bo_bo_phan", ward.ward)
    cells = [ward.cell_a, ward.cell_b]
    for i in range(4):
        cells.append(
            make_org(f"TT-R{seed}{i}", f"Chi bộ {i}", "chi_bo_truc_thuoc", rng.choice([ward.ward, part]))
        )
    levels: dict = {part: rng.choice(outcomes[:5]), **{c: rng.choice(outcomes[:6]) for c in cells[2:]}}
    for i in range(40):
        member = make_member(rng.choice(cells), f"Người {seed}-{i}")
        levels[member] = rng.choice(outcomes)
        if rng.random() < 0.3:
            Discipline.objects.create(
                member=member, form="khien_trach", decided_on=D(rng.choice([2020, 2021]), 3, 1)
            )
    part_collective = LeadershipCollective.objects.create(
        organization=part, kind="btv", name="Cấp ủy bộ phận"
    )
    levels[part_collective] = rng.choice(outcomes[:6])
    plans = [year2020, decided_year(ward.ward, 2020, levels)]
    # Leaders are individuals even when their subject names the collective they sit in.
    ward_collective = LeadershipCollective.objects.get(organization=ward.ward)
    leaders = PlanSubject.objects.filter(plan=plans[1], member__isnull=False).order_by("pk")[:8]
    PlanSubject.objects.filter(pk__in=[s.pk for s in leaders]).update(
        kind="leader", collective=ward_collective
    )
    for root in (ward.city, ward.ward, part, ward.cell_a):
        stats = statistics(root, plans)
        expected = _by_hand(root, plans)
        assert stats.rows[0].organization.pk == root.pk
        assert stats.total.members.total > 0
        for row in stats.rows:
            want = expected.get(row.organization.pk, {})
            assert _as_tuple(row.members) == _as_tuple(want.get("members", Counts())), row.organization
            for t, _label in ORG_TYPES:
                assert _as_tuple(row.organizations[t]) == _as_tuple(want.get(t, Counts())), (
                    row.organization,
                    t,
                )
        # Every organization with subjects in its subtree has a row.
        assert set(expected) <= {r.organization.pk for r in stats.rows}


def test_the_garbage_collector_is_left_as_it_was(ward, year2020):
    import gc

    assert gc.isenabled()
    statistics(ward.ward, [year2020])
    assert gc.isenabled()
    gc.disable()
    try:
        statistics(ward.ward, [year2020])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_empty_counts_do_not_share_their_levels(ward, year2020):
    a, b = Counts(), Counts()
    a.levels["HTXSNV"] += 1
    assert b.levels["HTXSNV"] == 0 and Counts().levels == dict.fromkeys(b.levels, 0)
    stats = statistics(ward.ward, [year2020])
    stats.row(ward.cell_a).organizations["dang_bo_co_so"].levels["HTTNV"] += 1
    assert stats.row(ward.cell_b).organizations["dang_bo_co_so"].levels["HTTNV"] == 0
    assert stats.row(ward.cell_a).organizations["dang_bo_co_so"].levels["HTTNV"] == 1  # kept, as in a dict


def test_a_row_builds_only_the_organization_types_it_holds(ward, year2020):
    stats = statistics(ward.ward, [year2020])
    cell = stats.row(ward.cell_a)
    assert set(cell.organizations) == {"chi_bo_truc_thuoc"}  # a subordinate cell: its own type only
    assert cell.organizations["tap_the_lanh_dao"].total == 0  # any other type reads as empty
    assert [t for t, _label, _c in cell.organization_types] == ["chi_bo_truc_thuoc"]
    with pytest.raises(KeyError):
        cell.organizations["dang_vien"]  # members are not an organization type
