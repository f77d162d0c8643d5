"""The seed ward: Đảng bộ phường Thượng Thanh (under Đảng bộ quận Long Biên, Hà Nội).

About 25 cells (tổ dân phố, a school, the People's Committee office, police, military, an
enterprise…) and about 1,200 fictional members. Deterministic for a given seed, and fast: everything
is written with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from kiemdiem.accounts.models import Role, RoleAssignment, User
from kiemdiem.lib.vietnamese import fold, name_sort_key
from kiemdiem.members.models import (
    ActivityStatus,
    Employment,
    Gender,
    Member,
    Membership,
    Position,
    StatusPeriod,
)
from kiemdiem.organizations.models import (
    CellCategory,
    CollectiveKind,
    EventKind,
    LeadershipCollective,
    Organization,
    OrganizationEvent,
    OrgKind,
    ParentPeriod,
)

from . import names

WARD_CODE = "DB-THUONGTHANH"
DEMO_PASSWORD = "ThuongThanh@2020"
TODAY = dt.date(2026, 11, 26)
WARD_FROM = dt.date(1961, 1, 1)
MERGE_DAY = dt.date(2025, 7, 1)
DEMO_LOGINS = {
    "Văn phòng Đảng ủy": "vanphong",
    "Ban Thường vụ": "thuongvu",
    "Bí thư chi bộ (Tổ dân phố số 1)": "bithu.tdp1",
    "Đảng viên (Tổ dân phố số 1)": "dangvien",
    "Bí thư chi bộ nơi cư trú (Tổ dân phố số 2)": "cutru.tdp2",
    "Cấp trên (chỉ xem)": "captren",
}


@dataclass(frozen=True)
class CellSpec:
    code: str
    name: str
    category: str
    size: int
    elderly: float  # share of retirees


def cell_specs() -> list[CellSpec]:
    specs = [
        CellSpec(
            f"TT-TDP{i:02d}", f"Chi bộ Tổ dân phố số {i}", CellCategory.RESIDENTIAL, 47 + (i * 7) % 19, 0.7
        )
        for i in range(1, 20)
    ]
    specs += [
        CellSpec("TT-UBND", "Chi bộ Cơ quan Ủy ban nhân dân phường", CellCategory.AGENCY, 38, 0.0),
        CellSpec("TT-CA", "Chi bộ Công an phường", CellCategory.ARMED_FORCES, 30, 0.0),
        CellSpec("TT-QS", "Chi bộ Quân sự phường", CellCategory.ARMED_FORCES, 9, 0.0),
        CellSpec("TT-THCS", "Chi bộ Trường Trung học cơ sở Thượng Thanh", CellCategory.SCHOOL, 26, 0.0),
        CellSpec("TT-TH", "Chi bộ Trường Tiểu học Thượng Thanh", CellCategory.SCHOOL, 22, 0.0),
        CellSpec("TT-MN", "Chi bộ Trường Mầm non Hoa Sen", CellCategory.SCHOOL, 14, 0.0),
        CellSpec("TT-CTY", "Chi bộ Công ty Cổ phần Cơ khí Sông Đuống", CellCategory.ENTERPRISE, 18, 0.0),
    ]
    return specs


WORKPLACES = {
    "TT-UBND": "UBND phường Thượng Thanh",
    "TT-CA": "Công an phường Thượng Thanh",
    "TT-QS": "Ban Chỉ huy Quân sự phường Thượng Thanh",
    "TT-THCS": "Trường THCS Thượng Thanh",
    "TT-TH": "Trường Tiểu học Thượng Thanh",
    "TT-MN": "Trường Mầm non Hoa Sen",
    "TT-CTY": "Công ty Cổ phần Cơ khí Sông Đuống",
}
RETIRED = ["Hưu trí", "Hưu trí", "Hưu trí", "Cựu chiến binh, hưu trí", "Nội trợ", "Kinh doanh tự do"]
WORKING = [
    "Kinh doanh tự do",
    "Công ty TNHH Thương mại Gia Lâm",
    "Bệnh viện Đa khoa Đức Giang",
    "Ngân hàng TMCP (chi nhánh Long Biên)",
    "Hợp tác xã dịch vụ Thượng Thanh",
    "Lao động tự do",
]


def _date_between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randrange(max(1, (b - a).days)))


def _name(rng: random.Random, gender: str) -> str:
    family = rng.choices([f for f, _ in names.FAMILY], weights=[w for _, w in names.FAMILY])[0]
    if gender == Gender.MALE:
        middle, given = rng.choice(names.MIDDLE_MALE), rng.choice(names.GIVEN_MALE)
    else:
        middle, given = rng.choice(names.MIDDLE_FEMALE), rng.choice(names.GIVEN_FEMALE)
    if rng.random() < 0.15:
        middle = f"{middle} {rng.choice(['Minh', 'Thanh', 'Ngọc', 'Quốc', 'Hoài', 'Thu'])}"
    return f"{family} {middle} {given}"


def _org(code: str, name: str, kind: str, parent: Organization | None, **extra: object) -> Organization:
    org = Organization(code=code, name=name, kind=kind, parent=parent, **extra)
    org.save()
    if parent is not None:
        ParentPeriod.objects.create(organization=org, parent=parent, start=org.active_from)
    return org


def is_loaded() -> bool:
    return Organization.objects.filter(code=WARD_CODE).exists()


@transaction.atomic
def load(seed: int = 2020) -> dict[str, str]:
    """Load the seed ward; returns the demo logins {role label: username}."""
    rng = random.Random(seed)
    hanoi = _org("HN", "Đảng bộ thành phố Hà Nội", OrgKind.HIGHER, None, place_name="Hà Nội")
    long_bien = _org(
        "HN-LB",
        "Đảng bộ quận Long Biên",
        OrgKind.HIGHER,
        hanoi,
        place_name="Long Biên",
        active_to=dt.date(2025, 6, 30),
        note="Kết thúc hoạt động cấp huyện từ 01/7/2025.",
    )
    ward = _org(
        WARD_CODE,
        "Đảng bộ phường Thượng Thanh",
        OrgKind.GRASSROOTS_COMMITTEE,
        long_bien,
        active_from=WARD_FROM,
        place_name="Thượng Thanh",
    )
    # 2025 reorganisation: district-level committees were dissolved; the ward is directly under the city.
    ParentPeriod.objects.filter(organization=ward).update(end=MERGE_DAY - dt.timedelta(days=1))
    ParentPeriod.objects.create(organization=ward, parent=hanoi, start=MERGE_DAY)
    ward.parent = hanoi
    ward.save()
    moved = OrganizationEvent.objects.create(
        kind=EventKind.MOVED,
        date=MERGE_DAY,
        decision="Nghị quyết sắp xếp đơn vị hành chính 2025",
        reason="Kết thúc hoạt động cấp huyện; đảng bộ phường trực thuộc Thành ủy Hà Nội.",
    )
    moved.sources.set([ward])
    moved.targets.set([hanoi])

    cells: dict[str, Organization] = {}
    for spec in cell_specs():
        cells[spec.code] = _org(
            spec.code,
            spec.name,
            OrgKind.SUBORDINATE_CELL,
            ward,
            category=spec.category,
            active_from=dt.date(1990, 1, 1),
        )
    # One residential group merged into its neighbour in the 2025 reorganisation (kept for history).
    old = _org(
        "TT-TDP20",
        "Chi bộ Tổ dân phố số 20",
        OrgKind.SUBORDINATE_CELL,
        ward,
        category=CellCategory.RESIDENTIAL,
        active_from=dt.date(1990, 1, 1),
        active_to=MERGE_DAY - dt.timedelta(days=1),
    )
    ParentPeriod.objects.filter(organization=old).update(end=old.active_to)
    merge = OrganizationEvent.objects.create(
        kind=EventKind.MERGED,
        date=MERGE_DAY,
        decision="Quyết định 15-QĐ/ĐU",
        reason="Sáp nhập tổ dân phố số 20 vào tổ dân phố số 19 theo sắp xếp tổ dân phố năm 2025.",
    )
    merge.sources.set([old])
    merge.targets.set([cells["TT-TDP19"]])

    residential = [c for s, c in cells.items() if s.startswith("TT-TDP")]
    members: list[Member] = []
    periods: list[tuple[int, Organization, dt.date | None, dt.date | None, str]] = []
    statuses: list[tuple[int, str, dt.date | None, dt.date | None, str]] = []
    card = 10_000_000 + rng.randrange(1_000_000)
    used_cccd: set[str] = set()
    for spec in cell_specs():
        cell = cells[spec.code]
        for _ in range(spec.size):
            gender = (
                Gender.MALE
                if rng.random() < (0.75 if spec.category == CellCategory.ARMED_FORCES else 0.52)
                else Gender.FEMALE
            )
            elderly = rng.random() < spec.elderly
            born = (
                _date_between(rng, dt.date(1935, 1, 1), dt.date(1962, 12, 31))
                if elderly
                else _date_between(rng, dt.date(1966, 1, 1), dt.date(2001, 12, 31))
            )
            earliest = dt.date(born.year + 18, born.month, min(born.day, 28)) + dt.timedelta(days=30)
            admitted = _date_between(
                rng, earliest, min(TODAY - dt.timedelta(days=40), dt.date(born.year + 45, 1, 1))
            )
            if rng.random() < 0.045:  # recently admitted, still probationary
                admitted = _date_between(rng, TODAY - dt.timedelta(days=360), TODAY - dt.timedelta(days=20))
            official = (
                admitted.replace(year=admitted.year + 1)
                if admitted.replace(year=admitted.year + 1) <= TODAY
                else None
            )
            card += rng.randrange(1, 40)
            cccd = ""
            if rng.random() < 0.85:
                century = (0 if born.year < 2000 else 2) + (0 if gender == Gender.MALE else 1)
                while not cccd or cccd in used_cccd:
                    cccd = f"001{century}{born.year % 100:02d}{rng.randrange(1_000_000):06d}"
                used_cccd.add(cccd)
            name = _name(rng, gender)
            home = cell if spec.category == CellCategory.RESIDENTIAL else rng.choice(residential)
            address = f"Số {rng.randrange(1, 200)}, ngõ {rng.randrange(1, 400)} phố {rng.choice(names.STREETS)}, {home.name.removeprefix('Chi bộ ')}, phường Thượng Thanh"
            if spec.category == CellCategory.RESIDENTIAL:
                workplace = rng.choice(RETIRED) if elderly else rng.choice(WORKING)
            else:
                workplace = WORKPLACES[spec.code]
            if spec.category in (CellCategory.AGENCY, CellCategory.SCHOOL):
                employment = Employment.CIVIL_SERVANT
            elif spec.category == CellCategory.ARMED_FORCES:
                employment = Employment.ARMED_FORCES
            elif "Bệnh viện" in workplace:
                employment = Employment.CIVIL_SERVANT
            else:
                employment = Employment.OUTSIDE
            m = Member(
                employment=employment,
                card_number=f"{card:08d}",
                full_name=name,
                gender=gender,
                date_of_birth=born,
                admitted_on=admitted,
                official_on=official,
                cell=cell,
                residence_address=address,
                residence_cell=home,
                workplace=workplace,
                citizen_id=cccd,
                search_name=fold(name),
                sort_key=name_sort_key(name),
                activity_status=ActivityStatus.ACTIVE,
            )
            members.append(m)
    Member.objects.bulk_create(members, batch_size=500)
    members = list(Member.objects.filter(cell__parent=ward).select_related("cell").order_by("id"))

    tdp19 = cells["TT-TDP19"]
    for m in members:
        start = max(m.admitted_on, dt.date(1990, 1, 1))
        if (
            m.cell.pk == tdp19.pk
            and rng.random() < 0.4
            and m.admitted_on < MERGE_DAY - dt.timedelta(days=400)
        ):
            # came from the merged group 20
            periods.append((m.pk, old, start, MERGE_DAY - dt.timedelta(days=1), ""))
            periods.append((m.pk, tdp19, MERGE_DAY, None, "Hợp nhất: sáp nhập tổ dân phố số 20"))
            m.residence_address = m.residence_address.replace(
                "Tổ dân phố số 19", "Tổ dân phố số 19 (trước là số 20)"
            )
        elif rng.random() < 0.06 and m.admitted_on < dt.date(2015, 1, 1):
            prior = rng.choice([c for c in cells.values() if c.pk != m.cell_id])
            moved_on = _date_between(
                rng, max(start, dt.date(2016, 1, 1)) + dt.timedelta(days=30), dt.date(2024, 6, 1)
            )
            periods.append((m.pk, prior, start, moved_on - dt.timedelta(days=1), ""))
            periods.append((m.pk, m.cell, moved_on, None, "Chuyển sinh hoạt đảng trong đảng bộ"))
        else:
            periods.append((m.pk, m.cell, start, None, ""))
        statuses.append((m.pk, ActivityStatus.ACTIVE, m.admitted_on, None, ""))

    # Exemptions for age or health, one suspension.
    now_year = TODAY.year
    elderly_members = [m for m in members if now_year - m.date_of_birth.year >= 80]
    for m in rng.sample(elderly_members, min(38, len(elderly_members))):
        since = _date_between(rng, dt.date(2017, 1, 1), dt.date(2025, 10, 1))
        reason = rng.choice(
            ["Tuổi cao (trên 80 tuổi), tự nguyện xin miễn", "Sức khỏe yếu, thường xuyên điều trị"]
        )
        _change_status(m, statuses, ActivityStatus.EXEMPT, since, reason)
    young_sick = [
        m
        for m in members
        if m.activity_status == ActivityStatus.ACTIVE and now_year - m.date_of_birth.year < 80
    ]
    for m in rng.sample(young_sick, 4):
        _change_status(
            m,
            statuses,
            ActivityStatus.EXEMPT,
            dt.date(2024, 3, 1),
            "Ốm đau dài ngày (có xác nhận của cơ sở y tế)",
        )
    suspended = rng.choice(
        [
            m
            for m in members
            if m.cell.category == CellCategory.RESIDENTIAL and m.activity_status == ActivityStatus.ACTIVE
        ]
    )
    _change_status(
        suspended,
        statuses,
        ActivityStatus.SUSPENDED,
        dt.date(2026, 9, 15),
        "Đình chỉ sinh hoạt đảng trong thời gian cơ quan có thẩm quyền điều tra, xác minh",
    )
    for m in rng.sample([m for m in members if m.activity_status == ActivityStatus.ACTIVE], 3):
        _change_status(
            m,
            statuses,
            ActivityStatus.DECEASED,
            _date_between(rng, dt.date(2024, 1, 1), dt.date(2026, 10, 1)),
            "Từ trần",
        )
    for m in rng.sample(
        [
            m
            for m in members
            if m.activity_status == ActivityStatus.ACTIVE and m.cell.category != CellCategory.RESIDENTIAL
        ],
        2,
    ):
        _change_status(
            m,
            statuses,
            ActivityStatus.TRANSFERRED_OUT,
            dt.date(2026, 8, 1),
            "Chuyển sinh hoạt đảng chính thức ra ngoài đảng bộ",
        )
    Member.objects.bulk_update(
        members,
        ["activity_status", "activity_status_since", "activity_status_reason", "residence_address"],
        batch_size=500,
    )
    Membership.objects.bulk_create(
        [Membership(member_id=mid, organization=o, start=s, end=e, reason=r) for mid, o, s, e, r in periods],
        batch_size=1000,
    )
    StatusPeriod.objects.bulk_create(
        [StatusPeriod(member_id=mid, status=st, start=s, end=e, reason=r) for mid, st, s, e, r in statuses],
        batch_size=1000,
    )

    logins = _leadership(rng, ward, cells, members)
    return logins


def _change_status(
    m: Member,
    statuses: list[tuple[int, str, dt.date | None, dt.date | None, str]],
    status: str,
    since: dt.date,
    reason: str,
) -> None:
    for i, (mid, st, s, e, r) in enumerate(statuses):
        if mid == m.pk and e is None:
            statuses[i] = (mid, st, s, since - dt.timedelta(days=1), r)
    statuses.append((m.pk, status, since, None, reason))
    m.activity_status, m.activity_status_since, m.activity_status_reason = status, since, reason


def _leadership(
    rng: random.Random, ward: Organization, cells: dict[str, Organization], members: list[Member]
) -> dict[str, str]:
    """The ward committee, its standing committee, leadership collectives, positions and demo accounts."""
    active = [
        m
        for m in members
        if m.activity_status == ActivityStatus.ACTIVE
        and m.official_on
        and 1965 <= m.date_of_birth.year <= 1992
    ]
    ubnd_staff = [m for m in active if m.cell.code == "TT-UBND"]
    term = dt.date(2020, 9, 1)
    bch = LeadershipCollective.objects.create(
        organization=ward,
        kind=CollectiveKind.EXECUTIVE,
        name="Ban Chấp hành Đảng bộ phường Thượng Thanh khóa XXIV",
        active_from=term,
    )
    btv = LeadershipCollective.objects.create(
        organization=ward,
        kind=CollectiveKind.STANDING,
        name="Ban Thường vụ Đảng ủy phường Thượng Thanh",
        active_from=term,
    )
    ubnd = LeadershipCollective.objects.create(
        organization=ward,
        kind=CollectiveKind.PEOPLES_COMMITTEE,
        name="Tập thể lãnh đạo UBND phường Thượng Thanh",
    )
    hdnd = LeadershipCollective.objects.create(
        organization=ward, kind=CollectiveKind.PEOPLES_COUNCIL, name="Thường trực HĐND phường Thượng Thanh"
    )
    mttq = LeadershipCollective.objects.create(
        organization=ward,
        kind=CollectiveKind.FRONT,
        name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Thượng Thanh",
    )
    picks = rng.sample(ubnd_staff, 10)
    (
        secretary,
        deputy,
        chair_ubnd,
        chair_hdnd,
        chair_mttq,
        vice_ubnd,
        vice_ubnd2,
        police_head,
        union_w,
        youth,
    ) = picks
    police = [m for m in active if m.cell.code == "TT-CA"]
    police_head = rng.choice(police)
    pos: list[Position] = []

    def add(
        m: Member,
        title: str,
        coll: LeadershipCollective | None,
        body: str,
        head: bool = False,
        start: dt.date = term,
    ) -> None:
        pos.append(
            Position(
                member=m,
                title=title,
                collective=coll,
                organization=ward if coll in (bch, btv) else None,
                body=body,
                is_head=head,
                start=start,
            )
        )

    add(secretary, "Bí thư Đảng ủy", btv, "Đảng ủy phường Thượng Thanh", head=True)
    add(deputy, "Phó Bí thư Thường trực Đảng ủy", btv, "Đảng ủy phường Thượng Thanh")
    add(chair_ubnd, "Phó Bí thư Đảng ủy", btv, "Đảng ủy phường Thượng Thanh")
    add(
        chair_ubnd,
        "Chủ tịch UBND phường",
        ubnd,
        "UBND phường Thượng Thanh",
        head=True,
        start=dt.date(2021, 6, 1),
    )
    add(
        chair_hdnd,
        "Chủ tịch HĐND phường",
        hdnd,
        "HĐND phường Thượng Thanh",
        head=True,
        start=dt.date(2021, 6, 1),
    )
    add(chair_hdnd, "Ủy viên Ban Thường vụ Đảng ủy", btv, "Đảng ủy phường Thượng Thanh")
    add(vice_ubnd, "Phó Chủ tịch UBND phường", ubnd, "UBND phường Thượng Thanh", start=dt.date(2021, 6, 1))
    add(vice_ubnd2, "Phó Chủ tịch UBND phường", ubnd, "UBND phường Thượng Thanh", start=dt.date(2021, 6, 1))
    add(chair_mttq, "Chủ tịch Ủy ban MTTQ Việt Nam phường", mttq, "Ủy ban MTTQ Việt Nam phường", head=True)
    add(police_head, "Trưởng Công an phường", btv, "Công an phường Thượng Thanh")
    add(union_w, "Chủ tịch Hội Liên hiệp Phụ nữ phường", None, "Hội LHPN phường Thượng Thanh", head=True)
    add(youth, "Bí thư Đoàn Thanh niên phường", None, "Đoàn TNCS Hồ Chí Minh phường Thượng Thanh", head=True)
    bch_members = {
        secretary,
        deputy,
        chair_ubnd,
        chair_hdnd,
        chair_mttq,
        vice_ubnd,
        police_head,
        union_w,
        youth,
    }
    others = rng.sample([m for m in active if m not in bch_members], 6)
    heads = {m.cell_id for m in others}
    for m in others:
        add(m, "Ủy viên Ban Chấp hành Đảng bộ", bch, "Đảng ủy phường Thượng Thanh")
    for m in bch_members:
        add(m, "Ủy viên Ban Chấp hành Đảng bộ", bch, "Đảng ủy phường Thượng Thanh")
    # A secretary for every cell (chi ủy where the cell is large enough to have one).
    cell_secretaries: dict[str, Member] = {}
    for code, cell in cells.items():
        pool = [
            m
            for m in members
            if m.cell_id == cell.pk
            and m.activity_status == ActivityStatus.ACTIVE
            and m.official_on
            and m not in bch_members
            and m.cell_id not in heads
        ]
        pool = pool or [m for m in members if m.cell_id == cell.pk and m.official_on]
        sec = rng.choice(pool)
        cell_secretaries[code] = sec
        if len(pool) >= 9:
            committee = LeadershipCollective.objects.create(
                organization=cell,
                kind=CollectiveKind.CELL_COMMITTEE,
                name=f"Chi ủy {cell.name}",
                active_from=term,
            )
            pos.append(
                Position(
                    member=sec,
                    title="Bí thư Chi bộ",
                    organization=cell,
                    collective=committee,
                    body=cell.name,
                    is_head=True,
                    start=term,
                )
            )
        else:
            pos.append(
                Position(
                    member=sec,
                    title="Bí thư Chi bộ",
                    organization=cell,
                    body=cell.name,
                    is_head=True,
                    start=term,
                )
            )
    Position.objects.bulk_create(pos)

    def account(username: str, first: str, member: Member | None, role: str, org: Organization | None) -> str:
        user = User(username=username, first_name=first, member=member)
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, organization=org)
        if member is not None and role != Role.MEMBER:
            RoleAssignment.objects.create(user=user, role=Role.MEMBER)
        return username

    hanoi = ward.parent
    tdp1 = cells["TT-TDP01"]
    ordinary = next(
        m
        for m in members
        if m.cell_id == tdp1.pk
        and m.activity_status == ActivityStatus.ACTIVE
        and m is not cell_secretaries["TT-TDP01"]
        and m.official_on
        and m.date_of_birth.year > 1960
    )
    logins = {
        "Văn phòng Đảng ủy": account("vanphong", "Văn phòng Đảng ủy", None, Role.OFFICE, ward),
        "Ban Thường vụ": account("thuongvu", "", secretary, Role.STANDING, ward),
        "Bí thư chi bộ (Tổ dân phố số 1)": account(
            "bithu.tdp1", "", cell_secretaries["TT-TDP01"], Role.CELL_SECRETARY, tdp1
        ),
        "Đảng viên (Tổ dân phố số 1)": account("dangvien", "", ordinary, Role.MEMBER, None),
        "Bí thư chi bộ nơi cư trú (Tổ dân phố số 2)": account(
            "cutru.tdp2", "", cell_secretaries["TT-TDP02"], Role.RESIDENCE_SECRETARY, cells["TT-TDP02"]
        ),
        "Cấp trên (chỉ xem)": account("captren", "Ban Tổ chức Thành ủy", None, Role.HIGHER, hanoi),
    }
    # The residence-cell secretary is also the secretary of his/her own cell.
    RoleAssignment.objects.create(
        user=User.objects.get(username="cutru.tdp2"), role=Role.CELL_SECRETARY, organization=cells["TT-TDP02"]
    )
    return logins
