from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.members.models import Member
from kiemdiem.members.reorganize import merge_organizations, split_organization
from kiemdiem.organizations.models import CellCategory, Organization, OrgKind
from kiemdiem.organizations.services import create_organization, move_organization

from ..factories import make_member, make_org

D = dt.date


def test_merge_keeps_which_cell_a_member_was_in_on_each_date(ward):
    merged_into = ward.cell_b
    an = ward.members["an"]
    merge_organizations([ward.cell_a], merged_into, D(2025, 7, 1), reason="Sắp xếp tổ dân phố 2025")
    an.refresh_from_db()
    assert an.cell == merged_into
    assert an.cell_on(D(2020, 11, 20)) == ward.cell_a
    assert an.cell_on(D(2025, 7, 1)) == merged_into
    assert set(Member.objects.in_cell_on(ward.cell_a, D(2020, 11, 20))) == {an, ward.members["binh"]}
    assert not Member.objects.in_cell_on(ward.cell_a, D(2025, 8, 1)).exists()
    ward.cell_a.refresh_from_db()
    assert ward.cell_a.active_to == D(2025, 6, 30)
    assert ward.cell_a.is_active_on(D(2020, 1, 1)) and not ward.cell_a.is_active_on(D(2025, 7, 1))
    assert list(Organization.objects.active_on(D(2025, 7, 2)).filter(pk=ward.cell_a.pk)) == []


def test_merge_requires_a_reason(ward):
    with pytest.raises(ValidationError):
        merge_organizations([ward.cell_a], ward.cell_b, D(2025, 7, 1), reason=" ")


def test_split_must_place_every_member_exactly_once(ward):
    new1 = create_organization(
        ward.ward,
        D(2025, 7, 1),
        code="TT-TDP01A",
        name="Chi bộ TDP 1A",
        kind=OrgKind.SUBORDINATE_CELL,
        category=CellCategory.RESIDENTIAL,
    )
    new2 = create_organization(
        ward.ward,
        D(2025, 7, 1),
        code="TT-TDP01B",
        name="Chi bộ TDP 1B",
        kind=OrgKind.SUBORDINATE_CELL,
        category=CellCategory.RESIDENTIAL,
    )
    an, binh = ward.members["an"], ward.members["binh"]
    with pytest.raises(ValidationError):
        split_organization(ward.cell_a, {new1: [an.pk]}, D(2025, 7, 1), reason="Chia tách")
    split_organization(ward.cell_a, {new1: [an.pk], new2: [binh.pk]}, D(2025, 7, 1), reason="Chia tách")
    assert an.cell_on(D(2025, 7, 1)) == new1 and binh.cell_on(D(2025, 7, 1)) == new2
    assert an.cell_on(D(2025, 6, 30)) == ward.cell_a


def test_move_rewrites_the_subtree_and_keeps_the_old_parent_for_old_dates(ward):
    district = make_org("HN-LB", "Đảng bộ quận Long Biên", OrgKind.HIGHER, ward.city)
    move_organization(ward.ward, district, D(2021, 1, 1), reason="Thử điều chuyển")
    ward.cell_a.refresh_from_db()
    assert ward.cell_a.path.startswith(district.path)
    assert ward.ward.parent_on(D(2020, 6, 1)) == ward.city
    assert ward.ward.parent_on(D(2021, 6, 1)) == district
    assert ward.cell_a in Organization.objects.subtree(district)


def test_an_organization_cannot_move_under_its_own_descendant(ward):
    with pytest.raises(ValidationError):
        move_organization(ward.ward, ward.cell_a, D(2021, 1, 1), reason="x")


def test_a_cell_needs_a_category(db):
    with pytest.raises(ValidationError):
        create_organization(None, None, code="X1", name="Chi bộ X", kind=OrgKind.SUBORDINATE_CELL)


def test_history_answers_members_of_a_cell_on_a_date_after_a_transfer(ward):
    from kiemdiem.members.services import transfer_member

    cuong = make_member(ward.cell_a, "Vũ Văn Cảnh", since=D(2010, 1, 1))
    transfer_member(cuong, ward.cell_b, D(2022, 3, 1), reason="Chuyển công tác")
    assert cuong in Member.objects.in_cell_on(ward.cell_a, D(2021, 12, 31))
    assert cuong not in Member.objects.in_cell_on(ward.cell_a, D(2022, 3, 1))
    assert cuong in Member.objects.in_cell_on(ward.cell_b, D(2022, 3, 1))
