"""Year-over-year through merges and splits: earlier years count under the successor."""

from __future__ import annotations

import datetime as dt

from kiemdiem.organizations.models import EventKind, OrganizationEvent
from kiemdiem.reports.statistics import history, statistics
from tests.factories import make_member, make_org

from .conftest import decided_year

D = dt.date


JAN_2020 = D(2020, 1, 1)


def _event(kind, sources, targets, day=JAN_2020):
    event = OrganizationEvent.objects.create(kind=kind, date=day)
    event.sources.set(sources)
    event.targets.set(targets)
    return event


def test_a_merged_cells_earlier_years_count_under_its_successor(ward):
    # 2019: a cell of the other ward, later merged into cell A (across wards), had 3 members.
    old = ward.other_cell
    olds = [make_member(old, f"Cũ {i}") for i in range(3)]
    p2019 = decided_year(ward.other_ward, 2019, {olds[0]: "HTXSNV", olds[1]: "HTTNV", olds[2]: "HTTNV"})
    a2019 = decided_year(ward.ward, 2019, {ward.members["an"]: "HTNV"})
    p2020 = decided_year(ward.ward, 2020, {ward.members["an"]: "HTTNV", ward.members["binh"]: "HTTNV"})
    plans = [p2019, a2019, p2020]

    before = history(ward.cell_a, plans)
    assert before.totals[2019].classified == 1  # not merged yet: only An

    _event(EventKind.MERGED, [old, ward.cell_a], [ward.cell_a])
    after = history(ward.cell_a, plans)
    assert after.totals[2019].classified == 4
    assert after.totals[2019].levels == {"HTXSNV": 1, "HTTNV": 2, "HTNV": 1, "KHTNV": 0}
    assert after.totals[2020].classified == 2
    assert after.cells[ward.cell_a.pk][2019].counts.classified == 4
    # The ward's totals follow too (the old cell was in another ward); the other ward's lose it.
    assert history(ward.ward, plans).totals[2019].classified == 4
    assert 2019 not in history(ward.other_ward, plans).totals
    # The table of one year keeps the organizations as they were.
    assert statistics(ward.other_ward, [p2019]).total.members.classified == 3


def test_a_chain_of_merges_is_followed(ward):
    first = make_org("TT-OLD1", "Chi bộ cũ 1", "chi_bo_truc_thuoc", ward.ward, category="khac")
    second = make_org("TT-OLD2", "Chi bộ cũ 2", "chi_bo_truc_thuoc", ward.ward, category="khac")
    m = make_member(first, "Trần Văn Cũ")
    p2018 = decided_year(ward.ward, 2018, {m: "HTTNV"})
    _event(EventKind.MERGED, [first], [second], D(2019, 1, 1))
    _event(EventKind.MERGED, [second], [ward.cell_b], D(2020, 1, 1))
    past = history(ward.cell_b, [p2018])
    assert past.totals[2018].classified == 1


def test_a_split_cells_years_go_to_the_smallest_common_organization(ward):
    old = make_org("TT-OLD", "Chi bộ trước chia tách", "chi_bo_truc_thuoc", ward.ward, category="khac")
    members = [make_member(old, f"Người {i}") for i in range(2)]
    p2019 = decided_year(ward.ward, 2019, {members[0]: "HTTNV", members[1]: "HTNV"})
    _event(EventKind.SPLIT, [old], [ward.cell_a, ward.cell_b])
    assert 2019 not in history(ward.cell_a, [p2019]).totals
    assert 2019 not in history(ward.cell_b, [p2019]).totals
    assert history(ward.ward, [p2019]).totals[2019].classified == 2
