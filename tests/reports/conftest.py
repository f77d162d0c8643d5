"""Decided years for the test ward, built row by row so each test states the facts it counts.

``decided_year(ward, year, levels)`` creates a published plan of the ward for that year and one
decision; ``levels`` maps each member (or organization) to a decided level, ``"pending"`` (reviewed,
not decided yet) or a not-reviewed reason.
"""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.members.models import Member
from kiemdiem.organizations.models import LeadershipCollective, Organization
from kiemdiem.plans.models import NotReviewedReason, Plan, PlanStatus, PlanSubject, SubjectKind
from tests.factories import make_member, make_org

D = dt.date
LEVELS = {"HTXSNV", "HTTNV", "HTNV", "KHTNV"}
REASONS = {r.value for r in NotReviewedReason}
_numbers = count(1)


def decided_year(
    org: Organization,
    year: int,
    levels: dict[Member | Organization | LeadershipCollective, str],
    framework: str = "qd132-2020",
) -> Plan:
    plan = Plan.objects.create(
        organization=org,
        number=f"{next(_numbers):02d}-KH/ĐU",
        issued_on=D(year, 11, 18),
        year=year,
        framework_id=framework,
        reference_date=D(year, 11, 18),
        title=f"Kế hoạch kiểm điểm năm {year}",
        status=PlanStatus.PUBLISHED,
    )
    decision = Decision.objects.create(plan=plan, number=f"{year % 100:02d}-QĐ/ĐU", date=D(year, 12, 3))
    for who, what in levels.items():
        if isinstance(who, Member):
            s = PlanSubject(plan=plan, kind=SubjectKind.MEMBER, member=who, cell=who.cell, name=who.full_name)
        elif isinstance(who, LeadershipCollective):
            s = PlanSubject(plan=plan, kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective=who, name=who.name)
        elif who.is_cell:
            s = PlanSubject(plan=plan, kind=SubjectKind.CELL, organization=who, cell=who, name=who.name)
        else:
            s = PlanSubject(plan=plan, kind=SubjectKind.GRASSROOTS_ORG, organization=who, name=who.name)
        if what in REASONS:
            s.reviewed, s.not_reviewed_reason = False, what
        s.save()
        if what in LEVELS:
            DecisionEntry.objects.create(decision=decision, subject=s, level=what)
    return plan


@pytest.fixture
def people(ward):
    """Cell A: 7 members, cell B: 5 members, other ward's cell: 1 (Hoàng Văn Xa)."""
    m = ward.members
    for i in range(3, 8):
        m[f"a{i}"] = make_member(ward.cell_a, f"Đảng viên A{i}")
    for i in range(3, 6):
        m[f"b{i}"] = make_member(ward.cell_b, f"Đảng viên B{i}")
    return m


@pytest.fixture
def year2020(ward, people):
    """The hand-computed year (see test_statistics.test_numbers_match_hand_computed)."""
    from kiemdiem.members.models import Discipline

    m = people
    coll = LeadershipCollective.objects.create(
        organization=ward.ward, kind="btv", name="Ban Thường vụ Đảng ủy"
    )
    Discipline.objects.create(member=m["cuong"], form="khien_trach", decided_on=D(2020, 6, 1))
    Discipline.objects.create(member=m["dung"], form="khien_trach", decided_on=D(2019, 6, 1))
    plan = decided_year(
        ward.ward,
        2020,
        {
            m["an"]: "HTXSNV",
            m["binh"]: "HTTNV",
            m["a3"]: "HTTNV",
            m["a4"]: "HTTNV",
            m["a5"]: "HTNV",
            m["a6"]: "exempt",
            m["a7"]: "pending",
            m["cuong"]: "KHTNV",
            m["dung"]: "HTTNV",
            m["b3"]: "suspended",
            m["b4"]: "admitted_under_6_months",
            m["b5"]: "HTTNV",
            ward.ward: "HTTNV",
            ward.cell_a: "HTXSNV",
            ward.cell_b: "HTTNV",
            coll: "pending",
        },
    )
    # The other ward's year: never in this ward's numbers.
    decided_year(ward.other_ward, 2020, {m["xa"]: "HTXSNV", ward.other_cell: "HTXSNV"})
    return plan


@pytest.fixture
def grow(ward):
    """``grow(cells, members_per_cell)``: more cells with decided members in a 2020 plan of the ward."""

    def _grow(cells: int, per_cell: int) -> Plan:
        levels: dict = {}
        for _ in range(cells):
            c = next(_numbers)
            cell = make_org(
                f"TT-X{c:03d}", f"Chi bộ thêm {c}", "chi_bo_truc_thuoc", ward.ward, category="khac"
            )
            levels[cell] = "HTTNV"
            for i in range(per_cell):
                levels[make_member(cell, f"Thành viên {c}-{i}")] = ["HTXSNV", "HTTNV", "HTTNV", "HTNV"][i % 4]
        return decided_year(ward.ward, 2020, levels)

    return _grow
