"""A small ward for tests: two cells, a few members, one user per role.

Tests build on ``make_ward()`` (through the ``ward`` fixture) instead of the full demo data,
so that each test shows the handful of facts it depends on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import count

from kiemdiem.accounts.models import Role, RoleAssignment, User
from kiemdiem.members.models import Gender, Member, Membership, StatusPeriod
from kiemdiem.organizations.models import CellCategory, Organization, OrgKind, ParentPeriod

PASSWORD = "Mat-khau-thu-2020"
_cards = count(20_000_001)


def make_org(
    code: str, name: str, kind: str, parent: Organization | None = None, **extra: object
) -> Organization:
    org = Organization(code=code, name=name, kind=kind, parent=parent, **extra)
    org.save()
    if parent is not None:
        ParentPeriod.objects.create(organization=org, parent=parent, start=extra.get("active_from"))
    return org


def make_member(
    cell: Organization, full_name: str = "Nguyễn Văn An", since: dt.date | None = None, **extra: object
) -> Member:
    fields: dict[str, object] = {
        "card_number": f"{next(_cards):08d}",
        "gender": Gender.MALE,
        "date_of_birth": dt.date(1970, 5, 17),
        "admitted_on": dt.date(2000, 3, 2),
        "official_on": dt.date(2001, 3, 2),
    }
    fields.update(extra)
    member = Member(full_name=full_name, cell=cell, **fields)
    member.full_clean()
    member.save()
    Membership.objects.create(member=member, organization=cell, start=since or member.admitted_on)
    StatusPeriod.objects.create(member=member, status=member.activity_status, start=member.admitted_on)
    return member


def make_user(
    username: str, role: str | None = None, org: Organization | None = None, member: Member | None = None
) -> User:
    user = User(username=username, member=member)
    user.set_password(PASSWORD)
    user.save()
    if role:
        RoleAssignment.objects.create(user=user, role=role, organization=org)
    if member is not None:
        RoleAssignment.objects.get_or_create(user=user, role=Role.MEMBER, organization=None)
    return user


@dataclass
class Ward:
    city: Organization
    ward: Organization
    cell_a: Organization
    cell_b: Organization
    other_ward: Organization
    other_cell: Organization
    members: dict[str, Member] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def make_ward() -> Ward:
    city = make_org("HN", "Đảng bộ thành phố Hà Nội", OrgKind.HIGHER)
    ward = make_org(
        "DB-TT", "Đảng bộ phường Thượng Thanh", OrgKind.GRASSROOTS_COMMITTEE, city, place_name="Thượng Thanh"
    )
    cell_a = make_org(
        "TT-TDP01",
        "Chi bộ Tổ dân phố số 1",
        OrgKind.SUBORDINATE_CELL,
        ward,
        category=CellCategory.RESIDENTIAL,
    )
    cell_b = make_org(
        "TT-UBND", "Chi bộ Cơ quan UBND phường", OrgKind.SUBORDINATE_CELL, ward, category=CellCategory.AGENCY
    )
    other_ward = make_org("DB-GT", "Đảng bộ phường Giang Biên", OrgKind.GRASSROOTS_COMMITTEE, city)
    other_cell = make_org(
        "GB-TDP01",
        "Chi bộ Tổ dân phố số 1 Giang Biên",
        OrgKind.SUBORDINATE_CELL,
        other_ward,
        category=CellCategory.RESIDENTIAL,
    )
    w = Ward(city, ward, cell_a, cell_b, other_ward, other_cell)
    w.members["an"] = make_member(cell_a, "Nguyễn Văn An", citizen_id="001070012345")
    w.members["binh"] = make_member(cell_a, "Trần Thị Bình", gender=Gender.FEMALE)
    w.members["cuong"] = make_member(
        cell_b, "Lê Văn Cường", residence_cell=cell_a, residence_address="Số 5 ngõ 12, Tổ 1"
    )
    w.members["dung"] = make_member(cell_b, "Phạm Thị Dung", gender=Gender.FEMALE)
    w.members["xa"] = make_member(other_cell, "Hoàng Văn Xa")
    w.users["office"] = make_user("office", Role.OFFICE, ward)
    w.users["standing"] = make_user("standing", Role.STANDING, ward)
    w.users["secretary"] = make_user("secretary", Role.CELL_SECRETARY, cell_a, member=w.members["binh"])
    w.users["member"] = make_user("member", None, None, member=w.members["an"])
    w.users["residence"] = make_user("residence", Role.RESIDENCE_SECRETARY, cell_a)
    w.users["higher"] = make_user("higher", Role.HIGHER, city)
    w.users["other_office"] = make_user("other_office", Role.OFFICE, other_ward)
    return w
