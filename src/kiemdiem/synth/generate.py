"""The synthetic country: provinces → grassroots committees → cells → members, and a year of reviews.

Shape (regulations §5): about 5.6 million members in about 52,000 grassroots organizations; since
2025 about 3,320 commune-level committees (wards and communes of 200–2,000 members) under 34
provinces hold about half the members, and the other grassroots committees (agencies, schools,
enterprises, armed forces) are small (15–150 members). A run of N members keeps those proportions;
below 2,000 members it is one ward (what the scale tests use).

For each grassroots committee and each year: a published plan with its steps, the subjects (the
committee, its cells, its leadership collectives, every member on a roll with the not-reviewed reasons),
a submitted review per reviewed subject, residence-place feedback for members active elsewhere,
meetings (one per cell, one for the committee) with a paper tally entered twice per subject, and a
decision whose entries respect the quota (HTXSNV ≤ the framework's cap of HTTNV, per group).

Deterministic for a seed: every grassroots committee has its own ``random.Random`` seeded from
(seed, index), and ids are assigned here from the tables' current maximum. With ``workers`` > 1
(PostgreSQL, large N) the committees are shared out among that many processes, each with its own
COPY connection; worker k of W takes every W-th id of each table (and every W-th card number)
starting at k + 1, so ids never collide and the content of every committee is the same whatever W;
only the ids and what is derived from them depend on W — card and citizen id numbers, the
organizations' ``path`` and so the order of committees by path (same seed and W, same data).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Model

from kiemdiem.accounts.models import User
from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.demo import names
from kiemdiem.lib.vietnamese import fold, name_sort_key
from kiemdiem.members.models import (
    ActivityStatus,
    Discipline,
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
    LeadershipCollective,
    Organization,
    OrgKind,
    ParentPeriod,
)
from kiemdiem.plans.models import NotReviewedReason, Plan, PlanStatus, PlanStep, PlanSubject, SubjectKind
from kiemdiem.plans.services import DEFAULT_STEPS
from kiemdiem.reviews.models import (
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSource,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PaperTally,
    Review,
    ReviewPlace,
    ReviewStatus,
    VoteMode,
)
from kiemdiem.rules import Framework, framework_for_year
from kiemdiem.rules.levels import LEVEL_CODES

from .sink import STAMP, Sink, Table

PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Quảng Ninh",
    "Cao Bằng", "Lạng Sơn", "Lai Châu", "Điện Biên", "Sơn La", "Tuyên Quang", "Lào Cai",
    "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk",
    "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]  # fmt: skip
# Hà Nội ≈ 480,000 of 5.6 million; Thành phố Hồ Chí Minh about as many; the others share the rest.
BIG = {0: 0.086, 1: 0.08}
COMMUNE_SHARE = 0.475  # members in commune-level committees
COMMUNE_MEAN, OTHER_MEAN, CELL_MEAN = 800, 60, 40
YEAR = 2025

LEVELS = LEVEL_CODES
AGENCY_KINDS = (
    (CellCategory.AGENCY, "Cơ quan", "Đảng bộ cơ quan {}", Employment.CIVIL_SERVANT),
    (CellCategory.SCHOOL, "Trường", "Đảng bộ Trường {}", Employment.CIVIL_SERVANT),
    (CellCategory.ENTERPRISE, "Công ty", "Đảng bộ Công ty {}", Employment.OUTSIDE),
    (CellCategory.ARMED_FORCES, "Đơn vị", "Đảng bộ Quân sự {}", Employment.ARMED_FORCES),
)


@lru_cache(maxsize=300_000)
def name_keys(full_name: str) -> tuple[str, str]:
    """``search_name`` and ``sort_key`` exactly as ``Member.save`` computes them (names repeat: cached)."""
    return fold(full_name), name_sort_key(full_name)


def full_name(rng: random.Random, male: bool) -> str:
    family = rng.choices(_FAMILY, cum_weights=_FAMILY_CUM)[0]
    if male:
        middle, given = rng.choice(names.MIDDLE_MALE), rng.choice(names.GIVEN_MALE)
    else:
        middle, given = rng.choice(names.MIDDLE_FEMALE), rng.choice(names.GIVEN_FEMALE)
    if rng.random() < 0.15:
        middle = f"{middle} {rng.choice(('Minh', 'Thanh', 'Ngọc', 'Quốc', 'Hoài', 'Thu'))}"
    return f"{family} {middle} {given}"


_FAMILY = [f for f, _ in names.FAMILY]
_FAMILY_CUM = []
_acc = 0
for _f, _w in names.FAMILY:
    _acc += _w
    _FAMILY_CUM.append(_acc)


def _split(total: int, count: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``count`` sizes between about ``low`` and ``high`` summing exactly to ``total``."""
    if count <= 0:
        return []
    raw = [rng.randint(low, high) for _ in range(count)]
    scale = total / sum(raw)
    sizes = [max(1, int(r * scale)) for r in raw]
    diff = total - sum(sizes)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        if sizes[i % count] + step >= 1:
            sizes[i % count] += step
            diff -= step
        i += 1
    return sizes


@dataclass
class GrassrootsSpec:
    index: int
    province: int
    commune: bool
    size: int
    category: str = CellCategory.RESIDENTIAL


def layout(members: int, provinces: int | None, seed: int) -> tuple[int, list[GrassrootsSpec]]:
    """How many provinces, and every grassroots committee with its province and size."""
    rng = random.Random(f"{seed}-layout")
    if provinces is None:
        provinces = max(1, min(34, round(34 * members / 5_600_000)))
    if members <= 2_000:
        return provinces, [GrassrootsSpec(0, 0, True, members)]
    weights = [BIG.get(p, 0.0) for p in range(provinces)]
    rest = (1 - sum(weights)) / max(1, provinces - len([w for w in weights if w]))
    weights = [w or rest for w in weights]
    total_w = sum(weights)
    per_province = (
        _split(members, provinces, 1, 1, rng)
        if provinces == 1
        else [int(members * w / total_w) for w in weights]
    )
    per_province[-1] += members - sum(per_province)
    specs: list[GrassrootsSpec] = []
    for p, m in enumerate(per_province):
        in_communes = round(m * COMMUNE_SHARE)
        communes = max(1, round(in_communes / COMMUNE_MEAN))
        others = max(0, round((m - in_communes) / OTHER_MEAN))
        if others == 0:
            in_communes = m
        for size in _split(in_communes, communes, 200, 2_000, rng):
            specs.append(GrassrootsSpec(len(specs), p, True, size))
        for size in _split(m - in_communes, others, 15, 150, rng):
            specs.append(GrassrootsSpec(len(specs), p, False, size, rng.choice(AGENCY_KINDS)[0]))
    return provinces, specs


class Ids:
    """Next id per table, starting after the table's current maximum."""

    def __init__(self, start: dict[str, int], offset: int = 0, stride: int = 1) -> None:
        # Worker ``offset`` of ``stride`` workers: start + offset + 1, then every stride-th id.
        self.offset, self.stride = offset, stride
        self.last = {t: v + offset + 1 - stride for t, v in start.items()}

    def next(self, model: type[Model]) -> int:
        t = model._meta.db_table
        self.last[t] += self.stride
        return self.last[t]


def _cols(model: type[Model], *columns: str) -> Table:
    return Table(model, columns)


T_ORG = _cols(
    Organization, "id", "code", "name", "kind", "category", "parent_id", "path", "active_from", "place_name"
)
T_PARENT = _cols(ParentPeriod, "id", "organization_id", "parent_id", "start")
T_COLL = _cols(LeadershipCollective, "id", "organization_id", "kind", "name", "active_from")
T_USER = _cols(User, "id", "password", "username", "first_name", "date_joined")
T_MEMBER = _cols(
    Member, "id", "card_number", "full_name", "gender", "date_of_birth", "admitted_on", "official_on",
    "cell_id", "activity_status", "activity_status_since", "activity_status_reason", "residence_address",
    "residence_cell_id", "workplace", "employment", "citizen_id", "search_name", "sort_key",
)  # fmt: skip
T_MEMBERSHIP = _cols(Membership, "id", "member_id", "organization_id", "start")
T_STATUS = _cols(StatusPeriod, "id", "member_id", "status", "start", "end", "reason")
T_POSITION = _cols(
    Position, "id", "member_id", "title", "organization_id", "collective_id", "body", "is_head", "start"
)
T_DISCIPLINE = _cols(
    Discipline, "id", "member_id", "form", "decided_on", "violation_on", "duty_related", "decision"
)
T_PLAN = _cols(
    Plan, "id", "organization_id", "number", "issued_on", "year", "framework_id", "reference_date", "title",
    "status", "published_at", "launch_date",
)  # fmt: skip
T_STEP = _cols(PlanStep, "id", "plan_id", "order", "code", "name", "due_cells", "due_committee")
T_SUBJECT = _cols(
    PlanSubject, "id", "plan_id", "kind", "member_id", "organization_id", "collective_id", "cell_id", "name",
    "reviewed", "not_reviewed_reason", "needs_residence_comment", "form_code",
)  # fmt: skip
T_REVIEW = _cols(
    Review, "id", "subject_id", "place", "form_code", "self_level", "status", "submitted_at",
    "tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeded", "tasks_late", "score_general", "score_tasks",
)  # fmt: skip
T_FREQ = _cols(FeedbackRequest, "id", "subject_id", "source", "organization_id", "addressee", "due_date")
T_FRESP = _cols(FeedbackResponse, "id", "request_id", "text", "proposed_level", "responded_on")
T_MEETING = _cols(
    Meeting,
    "id",
    "plan_id",
    "organization_id",
    "collective_id",
    "date",
    "total",
    "present",
    "excused",
    "status",
)
T_ITEM = _cols(
    MeetingItem,
    "id",
    "meeting_id",
    "subject_id",
    "order",
    "review_presented",
    "vote_mode",
    "result",
    "proposed_level",
)
T_TALLY = _cols(PaperTally, "id", "item_id", "entry_no", "entered_by_id", "counts")
T_DECISION = _cols(Decision, "id", "plan_id", "number", "date", "outstanding_unit")
T_ENTRY = _cols(
    DecisionEntry,
    "id",
    "decision_id",
    "subject_id",
    "proposed_level",
    "max_level",
    "level",
    "reason",
    "published_at",
)

# Parents before children: the order of the first row of each table is the order of the flushes.
ALL_TABLES = [
    T_ORG, T_PARENT, T_COLL, T_USER, T_MEMBER, T_MEMBERSHIP, T_STATUS, T_POSITION, T_DISCIPLINE, T_PLAN,
    T_STEP, T_SUBJECT, T_REVIEW, T_FREQ, T_FRESP, T_MEETING, T_ITEM, T_TALLY, T_DECISION, T_ENTRY,
]  # fmt: skip
MODELS = [t.model for t in ALL_TABLES]


@dataclass
class Person:
    id: int
    name: str
    cell: int
    cell_index: int
    born: dt.date
    admitted: dt.date
    official: bool
    status: str
    employment: str
    residence_cell: int | None
    leader_of: int | None = None  # collective id of a leadership post reviewed there
    is_leader: bool = False
    disciplined: bool = False


@dataclass
class Counter:
    organizations: int = 0
    members: int = 0
    subjects: int = 0
    rows: int = 0
    decided: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))


def _date(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randrange(max(1, (b - a).days)))


_SCORES = {
    "HTXSNV": ((28, 30), (62, 70)),
    "HTTNV": ((24, 28), (50, 60)),
    "HTNV": ((18, 22), (35, 45)),
    "KHTNV": ((10, 15), (20, 30)),
}


@lru_cache(maxsize=20_000)
def _vote(proposed: str, voters: int) -> tuple[str, str]:
    """The meeting item's result and the tally's counts (JSON): 90% for the proposed level."""
    counts = dict.fromkeys(LEVELS, 0)
    counts[proposed] = max(1, voters - voters // 10)
    counts["HTTNV" if proposed != "HTTNV" else "HTNV"] += voters - counts[proposed]
    return json.dumps({**counts, "invalid": 0, "voters": voters}), json.dumps(counts)


def _weighted_level(rng: random.Random) -> str:
    x = rng.random()
    return "HTXSNV" if x < 0.16 else "HTTNV" if x < 0.9 else "HTNV" if x < 0.985 else "KHTNV"


class Generator:
    def __init__(self, sink: Sink, ids: Ids, seed: int, years: int = 1, card_base: int = 10_000_000) -> None:
        self.sink, self.ids, self.seed = sink, ids, seed
        self.years = [YEAR - years + 1 + i for i in range(years)]
        # Card numbers follow the ids' striding (see ``Ids``): unique whichever worker makes them.
        self.card = card_base + ids.offset + 1 - ids.stride
        self.counter = Counter()
        self.cccd = 0
        self.prev_levels: dict[int, str] = {}

    # --------------------------------------------------------------------- organizations

    def org(
        self,
        code: str,
        name: str,
        kind: str,
        parent: tuple[int, str] | None,
        category: str = "",
        place: str = "",
    ) -> tuple[int, str]:
        pk = self.ids.next(Organization)
        path = f"{parent[1] if parent else '/'}{pk:07d}/"
        since = dt.date(1990, 1, 1)
        self.sink.add(
            T_ORG, (pk, code, name, kind, category, parent[0] if parent else None, path, since, place)
        )
        if parent:
            self.sink.add(T_PARENT, (self.ids.next(ParentPeriod), pk, parent[0], since))
        self.counter.organizations += 1
        return pk, path

    def provinces(self, count: int) -> list[tuple[int, str]]:
        # One root above the provinces (Trung ương), so that a national roll-up has one subtree.
        root = self.org(f"S{self.seed}-TW", "Đảng Cộng sản Việt Nam (Trung ương)", OrgKind.HIGHER, None)
        out = []
        for p in range(count):
            label = PROVINCES[p % len(PROVINCES)] + (
                f" {p // len(PROVINCES) + 1}" if p >= len(PROVINCES) else ""
            )
            out.append(
                self.org(f"S{self.seed}-T{p:02d}", f"Đảng bộ {label}", OrgKind.HIGHER, root, place=label)
            )
        return out

    # --------------------------------------------------------------------- one grassroots committee

    def grassroots(self, spec: GrassrootsSpec, province: tuple[int, str]) -> None:
        rng = random.Random(f"{self.seed}-{spec.index}")
        code = f"S{self.seed}-G{spec.index:05d}"
        if spec.commune:
            label = f"{'phường' if rng.random() < 0.4 else 'xã'} {spec.index + 1}"
            gname = f"Đảng bộ {label}"
        else:
            kind = next(k for k in AGENCY_KINDS if k[0] == spec.category)
            label = f"{kind[1].lower()} {spec.index + 1}"
            gname = kind[2].format(spec.index + 1)
        g = self.org(code, gname, OrgKind.GRASSROOTS_COMMITTEE, province, place=label.split()[-1])
        # Cells: residential groups plus the commune's own agencies; a small committee has a few cells.
        n_cells = max(1, round(spec.size / CELL_MEAN)) if spec.commune else max(1, min(8, spec.size // 15))
        sizes = _split(spec.size, n_cells, 20, 80, rng) if n_cells > 1 else [spec.size]
        cells: list[tuple[int, str, str, str]] = []  # id, path, category, name
        for c, _ in enumerate(sizes):
            cat: str
            if spec.commune:
                cat, cname = (
                    (CellCategory.AGENCY, "Chi bộ Cơ quan Ủy ban nhân dân")
                    if c == 0 and n_cells > 2
                    else (CellCategory.ARMED_FORCES, "Chi bộ Công an")
                    if c == 1 and n_cells > 2
                    else (CellCategory.SCHOOL, "Chi bộ Trường học")
                    if c == 2 and n_cells > 4
                    else (CellCategory.RESIDENTIAL, f"Chi bộ Tổ dân phố số {c + 1}")
                )
            else:
                cat, cname = spec.category, f"Chi bộ {c + 1}"
            pk, path = self.org(
                f"{code}-C{c:03d}", f"{cname} ({label})", OrgKind.SUBORDINATE_CELL, g, category=cat
            )
            cells.append((pk, path, cat, cname))
        residential = [c[0] for c in cells if c[2] == CellCategory.RESIDENTIAL]
        people = self.members(rng, spec, cells, sizes, residential)
        colls = self.leadership(rng, spec, g, gname, cells, people)
        users = self.users(code)
        prev = self.prev_levels
        for year in self.years:
            self.year(rng, year, g, gname, cells, colls, people, users, prev)

    def members(
        self,
        rng: random.Random,
        spec: GrassrootsSpec,
        cells: list[tuple[int, str, str, str]],
        sizes: list[int],
        residential: list[int],
    ) -> list[Person]:
        ref = dt.date(self.years[-1], 11, 15)
        people: list[Person] = []
        add = self.sink.add
        for ci, ((cell, _path, cat, _name), size) in enumerate(zip(cells, sizes, strict=True)):
            elderly_share = 0.6 if cat == CellCategory.RESIDENTIAL else 0.0
            for _ in range(size):
                male = rng.random() < (0.75 if cat == CellCategory.ARMED_FORCES else 0.52)
                elderly = rng.random() < elderly_share
                born = (
                    _date(rng, dt.date(1935, 1, 1), dt.date(1962, 12, 31))
                    if elderly
                    else _date(rng, dt.date(1966, 1, 1), dt.date(2002, 12, 31))
                )
                r = rng.random()
                if r < 0.045:  # probationary (dự bị): admitted within the last year
                    admitted = _date(rng, ref - dt.timedelta(days=360), ref - dt.timedelta(days=20))
                else:
                    admitted = _date(
                        rng,
                        dt.date(born.year + 19, 1, 1),
                        min(ref - dt.timedelta(days=400), dt.date(born.year + 45, 1, 1)),
                    )
                later = admitted + dt.timedelta(days=365)
                official = later if later <= ref else None
                status, since, reason = ActivityStatus.ACTIVE, None, ""
                s = rng.random()
                age = ref.year - born.year
                if age >= 80 and s < 0.25:
                    status, reason = ActivityStatus.EXEMPT, "Tuổi cao (trên 80 tuổi), tự nguyện xin miễn"
                elif s < 0.006:
                    status, reason = ActivityStatus.EXEMPT, "Ốm đau dài ngày (có xác nhận của cơ sở y tế)"
                elif s < 0.0065:
                    status, reason = (
                        ActivityStatus.SUSPENDED,
                        "Đình chỉ sinh hoạt đảng trong thời gian điều tra, xác minh",
                    )
                elif s < 0.0105:
                    status, reason = ActivityStatus.DECEASED, "Từ trần"
                elif s < 0.0135:
                    status, reason = (
                        ActivityStatus.TRANSFERRED_OUT,
                        "Chuyển sinh hoạt đảng chính thức ra ngoài đảng bộ",
                    )
                if status != ActivityStatus.ACTIVE:
                    since = _date(rng, max(admitted, dt.date(2018, 1, 1)), ref)
                if cat == CellCategory.RESIDENTIAL:
                    employment = (
                        Employment.OUTSIDE if (elderly or rng.random() < 0.6) else Employment.CIVIL_SERVANT
                    )
                    workplace = (
                        rng.choice(("Hưu trí", "Hưu trí", "Kinh doanh tự do", "Nội trợ"))
                        if elderly
                        else "Lao động tự do"
                    )
                    home: int | None = cell
                else:
                    employment = (
                        Employment.ARMED_FORCES
                        if cat == CellCategory.ARMED_FORCES
                        else Employment.OUTSIDE
                        if cat == CellCategory.ENTERPRISE
                        else Employment.CIVIL_SERVANT
                    )
                    workplace = _name[4:] if (_name := cells[ci][3]).startswith("Chi bộ") else _name
                    home = rng.choice(residential) if residential else None
                pk = self.ids.next(Member)
                self.card += self.ids.stride
                name = full_name(rng, male)
                search, sort = name_keys(name)
                cccd = ""
                if rng.random() < 0.85:
                    # Unique across runs on one database: derived from the (unique) card sequence.
                    seq = self.card - 10_000_000
                    century = (0 if born.year < 2000 else 2) + (0 if male else 1)
                    head = (spec.province + 1 + 100 * (seq // 1_000_000)) % 1000
                    cccd = f"{head:03d}{century}{born.year % 100:02d}{seq % 1_000_000:06d}"
                address = f"Số {rng.randrange(1, 200)}, phố {rng.choice(names.STREETS)}"
                add(
                    T_MEMBER,
                    (
                        pk, f"{self.card:08d}", name, Gender.MALE if male else Gender.FEMALE, born, admitted,
                        official, cell, status, since, reason, address, home, workplace, employment, cccd,
                        search, sort,
                    ),
                )  # fmt: skip
                add(T_MEMBERSHIP, (self.ids.next(Membership), pk, cell, max(admitted, dt.date(1990, 1, 1))))
                if status == ActivityStatus.ACTIVE:
                    add(T_STATUS, (self.ids.next(StatusPeriod), pk, status, admitted, None, ""))
                else:
                    assert since is not None  # set above for every status but active
                    add(
                        T_STATUS,
                        (
                            self.ids.next(StatusPeriod),
                            pk,
                            ActivityStatus.ACTIVE,
                            admitted,
                            since - dt.timedelta(days=1),
                            "",
                        ),
                    )
                    add(T_STATUS, (self.ids.next(StatusPeriod), pk, status, since, None, reason))
                disciplined = status == ActivityStatus.ACTIVE and rng.random() < 0.006
                if disciplined:
                    day = _date(rng, dt.date(self.years[-1], 1, 10), dt.date(self.years[-1], 10, 31))
                    add(
                        T_DISCIPLINE,
                        (self.ids.next(Discipline), pk, "khien_trach", day, day - dt.timedelta(days=40), rng.random() < 0.5, f"{rng.randrange(1, 99)}-QĐ/ĐU"),
                    )  # fmt: skip
                people.append(
                    Person(pk, name, cell, ci, born, admitted, official is not None, status, employment,
                           home if home != cell else None, disciplined=disciplined)
                )  # fmt: skip
        self.counter.members += len(people)
        return people

    def leadership(
        self,
        rng: random.Random,
        spec: GrassrootsSpec,
        g: tuple[int, str],
        gname: str,
        cells: list[tuple[int, str, str, str]],
        people: list[Person],
    ) -> list[tuple[int, str]]:
        """Collectives (BCH, BTV; UBND, HĐND, MTTQ in a commune; chi ủy of larger cells) and posts."""
        term = dt.date(2020, 9, 1)
        body = gname.replace("Đảng bộ", "Đảng ủy", 1)
        colls: list[tuple[int, str]] = []

        def coll(org: int, kind: str, name: str) -> int:
            pk = self.ids.next(LeadershipCollective)
            self.sink.add(T_COLL, (pk, org, kind, name, term))
            return pk

        btv = coll(g[0], CollectiveKind.STANDING, f"Ban Thường vụ {body}")
        colls.append((btv, f"Ban Thường vụ {body}"))
        bch = coll(g[0], CollectiveKind.EXECUTIVE, f"Ban Chấp hành {gname}")
        eligible = [
            p
            for p in people
            if p.status == ActivityStatus.ACTIVE and p.official and 1962 <= p.born.year <= 1992
        ]
        eligible = eligible or [p for p in people if p.status == ActivityStatus.ACTIVE] or people[:1]
        picks = rng.sample(eligible, min(len(eligible), 11 if spec.commune else 5))
        add = self.sink.add

        def post(p: Person, title: str, org: int | None, coll_id: int | None, head: bool = False) -> None:
            add(T_POSITION, (self.ids.next(Position), p.id, title, org, coll_id, body, head, term))
            p.is_leader = True

        for i, p in enumerate(picks):
            if i == 0:
                post(p, "Bí thư Đảng ủy", g[0], btv, head=True)
                p.leader_of = btv
            elif i < 3:
                post(p, "Phó Bí thư Đảng ủy", g[0], btv)
                p.leader_of = btv
            post(p, "Ủy viên Ban Chấp hành Đảng bộ", g[0], bch)
        if spec.commune and len(picks) >= 6:
            for kind, name, title, who in (
                (CollectiveKind.PEOPLES_COMMITTEE, "Tập thể lãnh đạo UBND", "Chủ tịch UBND", picks[2]),
                (CollectiveKind.PEOPLES_COUNCIL, "Thường trực HĐND", "Chủ tịch HĐND", picks[3]),
                (CollectiveKind.FRONT, "Ban Thường trực Ủy ban MTTQ", "Chủ tịch Ủy ban MTTQ", picks[4]),
            ):
                full = f"{name} {gname.removeprefix('Đảng bộ ')}"
                cid = coll(g[0], kind, full)
                colls.append((cid, full))
                post(who, title, None, cid, head=True)
                if who.leader_of is None:
                    who.leader_of = cid
        by_cell: dict[int, list[Person]] = {}
        for p in people:
            if p.status == ActivityStatus.ACTIVE and p.official:
                by_cell.setdefault(p.cell, []).append(p)
        for cell, _path, _cat, cname in cells:
            pool = by_cell.get(cell) or [p for p in people if p.cell == cell][:1]
            if not pool:
                continue
            sec = rng.choice(pool)
            committee = (
                coll(cell, CollectiveKind.CELL_COMMITTEE, f"Chi ủy {cname}") if len(pool) >= 9 else None
            )
            post(sec, "Bí thư Chi bộ", cell, committee, head=True)
        return colls

    def users(self, code: str) -> tuple[int, int]:
        """The office and the standing committee's accounts that enter each tally (twice, two people)."""
        out = []
        for suffix, label in (("vp", "Văn phòng Đảng ủy"), ("tv", "Ban Thường vụ")):
            pk = self.ids.next(User)
            # "!" is an unusable password: these accounts cannot log in until an administrator sets one.
            self.sink.add(T_USER, (pk, "!", f"{code.lower()}.{suffix}", label, STAMP))
            out.append(pk)
        return out[0], out[1]

    # --------------------------------------------------------------------- one review year

    def year(
        self,
        rng: random.Random,
        year: int,
        g: tuple[int, str],
        gname: str,
        cells: list[tuple[int, str, str, str]],
        colls: list[tuple[int, str]],
        people: list[Person],
        users: tuple[int, int],
        prev: dict[int, str],
    ) -> None:
        add, ids = self.sink.add, self.ids
        fw = framework_for_year(year)
        forms = {k: _form(fw, k) for k in SubjectKind.values}
        issued = dt.date(year, 11, 12)
        ref = dt.date(year, 11, 15)
        plan = ids.next(Plan)
        add(
            T_PLAN,
            (plan, g[0], f"{rng.randrange(5, 40)}-KH/ĐU", issued, year, fw.id, ref,
             f"Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {year}",
             PlanStatus.PUBLISHED, STAMP.replace(year=year, month=11, day=12), dt.date(year, 11, 18)),
        )  # fmt: skip
        for i, (code, name, _d) in enumerate(DEFAULT_STEPS, start=1):
            due_cells = dt.date(year, 11, 28) if i <= 5 else None
            due_committee = dt.date(year, 12, 5) if i <= 5 else dt.date(year, 12, 20)
            add(T_STEP, (ids.next(PlanStep), plan, i, code, name, due_cells, due_committee))
        decision = ids.next(Decision)
        add(T_DECISION, (decision, plan, f"{rng.randrange(10, 99)}-QĐ/ĐU", dt.date(year, 12, 20), False))
        decided_at = STAMP.replace(year=year)
        # Meetings: the committee's (organizations, collectives, leaders) and one per cell.
        committee_meeting = ids.next(Meeting)
        add(
            T_MEETING,
            (committee_meeting, plan, g[0], None, dt.date(year, 12, 3), 0, 0, 0, MeetingStatus.CLOSED),
        )
        cell_meeting: dict[int, int] = {}
        present_of: dict[int, int] = {}
        on_roll = {c[0]: 0 for c in cells}
        for p in people:
            if p.status in (ActivityStatus.ACTIVE, ActivityStatus.EXEMPT, ActivityStatus.SUSPENDED):
                on_roll[p.cell] += 1
        for cell, *_ in cells:
            mid = ids.next(Meeting)
            total = on_roll[cell]
            present = max(1, total - rng.randrange(0, max(1, total // 10)))
            add(
                T_MEETING,
                (
                    mid,
                    plan,
                    cell,
                    None,
                    dt.date(year, 11, 25),
                    total,
                    present,
                    total - present,
                    MeetingStatus.CLOSED,
                ),
            )
            cell_meeting[cell] = mid
            present_of[mid] = present
        order = dict.fromkeys(cell_meeting.values(), 0) | {committee_meeting: 0}

        # subject rows: (id, kind, group, proposed, max, meeting, presented_to, member_id)
        decided: list[tuple[int, str, str, str, int, int]] = []

        def subject(
            kind: str,
            name: str,
            member: int | None = None,
            org: int | None = None,
            coll: int | None = None,
            cell: int | None = None,
            reason: str = "",
            residence: bool = False,
        ) -> int:
            sid = ids.next(PlanSubject)
            add(
                T_SUBJECT,
                (sid, plan, kind, member, org, coll, cell, name, not reason, reason, residence, forms[kind]),
            )
            self.counter.subjects += 1
            return sid

        def reviewed(
            sid: int,
            kind: str,
            level: str,
            max_level: str,
            meeting: int,
            present: int,
            collective: int | None = None,
        ) -> None:
            # Scores and tasks consistent with the self-assessed level (QĐ 366 Art. 11 bands).
            total = rng.randint(5, 15)
            general_band, tasks_band = _SCORES[level]
            general, tasks = rng.randint(*general_band), rng.randint(*tasks_band)
            done, late = total, 0
            exceeded = -(-3 * total // 10) if level == "HTXSNV" else 0
            if level == "HTNV":
                late = total // 10
            elif level == "KHTNV":
                done = total - 2
            row = (total, done, done - late, exceeded, late, general, tasks)
            add(T_REVIEW, (ids.next(Review), sid, ReviewPlace.CELL, forms[kind], level, ReviewStatus.SUBMITTED,
                           decided_at.replace(month=11, day=24), *row))  # fmt: skip
            if collective is not None:
                add(T_REVIEW, (ids.next(Review), sid, ReviewPlace.COLLECTIVE, forms[kind], level, ReviewStatus.SUBMITTED,
                               decided_at.replace(month=11, day=30), *row))  # fmt: skip
            decided.append((sid, kind, level, max_level, meeting, present))

        s_g = subject(SubjectKind.GRASSROOTS_ORG, gname, org=g[0])
        reviewed(s_g, SubjectKind.GRASSROOTS_ORG, _weighted_level(rng), "", 0, 0)
        for cell, _path, _cat, cname in cells:
            sid = subject(SubjectKind.CELL, cname, org=cell, cell=cell)
            reviewed(sid, SubjectKind.CELL, _weighted_level(rng), "", committee_meeting, 15)
        for cid, cname in colls:
            sid = subject(SubjectKind.LEADERSHIP_COLLECTIVE, cname, coll=cid)
            reviewed(sid, SubjectKind.LEADERSHIP_COLLECTIVE, _weighted_level(rng), "", committee_meeting, 15)
        six_months = dt.date(ref.year, ref.month - 6, ref.day)
        for p in people:
            if p.status not in (ActivityStatus.ACTIVE, ActivityStatus.EXEMPT, ActivityStatus.SUSPENDED):
                continue
            kind = (
                SubjectKind.LEADER
                if p.is_leader
                else SubjectKind.MEMBER_OUTSIDE
                if p.employment == Employment.OUTSIDE
                else SubjectKind.MEMBER
            )
            reason = (
                NotReviewedReason.EXEMPT
                if p.status == ActivityStatus.EXEMPT
                else NotReviewedReason.SUSPENDED
                if p.status == ActivityStatus.SUSPENDED
                else NotReviewedReason.ADMITTED_UNDER_6_MONTHS
                if p.admitted > six_months
                else ""
            )
            residence = bool(not reason and p.residence_cell)
            sid = subject(kind, p.name, member=p.id, cell=p.cell, coll=p.leader_of if kind == SubjectKind.LEADER else None,
                          reason=reason, residence=residence)  # fmt: skip
            if reason:
                continue
            if p.disciplined:
                level, max_level = ("HTNV" if rng.random() < 0.8 else "KHTNV"), "HTNV"
            else:
                level, max_level = _weighted_level(rng), ""
                if prev.get(p.id) == "KHTNV" and level == "HTXSNV":
                    level = "HTTNV"
            reviewed(
                sid,
                kind,
                level,
                max_level,
                cell_meeting[p.cell],
                present_of[cell_meeting[p.cell]],
                p.leader_of if kind == SubjectKind.LEADER else None,
            )
            if residence:
                req = ids.next(FeedbackRequest)
                add(
                    T_FREQ,
                    (
                        req,
                        sid,
                        FeedbackSource.RESIDENCE,
                        p.residence_cell,
                        "Chi ủy chi bộ nơi cư trú",
                        dt.date(year, 11, 28),
                    ),
                )
                add(
                    T_FRESP,
                    (
                        ids.next(FeedbackResponse),
                        req,
                        "Gương mẫu chấp hành quy định nơi cư trú.",
                        "HTTNV",
                        dt.date(year, 11, 26),
                    ),
                )
        self._decide(
            rng, fw, decided, order, cell_meeting, on_roll, users, decision, decided_at, prev, people
        )

    def _decide(
        self,
        rng: random.Random,
        fw: Framework,
        decided: list[tuple[int, str, str, str, int, int]],
        order: dict[int, int],
        cell_meeting: dict[int, int],
        on_roll: dict[int, int],
        users: tuple[int, int],
        decision: int,
        decided_at: dt.datetime,
        prev: dict[int, str],
        people: list[Person],
    ) -> None:
        """Votes (paper tallies entered twice), then decided levels within the quota of each group."""
        add, ids = self.sink.add, self.ids
        groups: dict[str, list[int]] = {}
        for i, (_sid, kind, *_r) in enumerate(decided):
            groups.setdefault(_group(kind), []).append(i)
        final = [row[2] for row in decided]
        reasons = [""] * len(decided)
        for idx in groups.values():
            top = [i for i in idx if final[i] == "HTXSNV"]
            good = sum(1 for i in idx if final[i] == "HTTNV")
            # Demote the fewest needed so that HTXSNV ≤ cap(HTTNV) on the final distribution.
            keep = len(top)
            while keep and keep > fw.quota.cap(good + len(top) - keep):
                keep -= 1
            for i in top[keep:]:
                final[i] = "HTTNV"
                reasons[i] = "Hạ một mức do vượt tỷ lệ HTXSNV của nhóm."
        for (sid, _kind, proposed, max_level, meeting, present), level, reason in zip(
            decided, final, reasons, strict=True
        ):
            if meeting:
                voters = (
                    present
                    or on_roll.get(next((c for c, m in cell_meeting.items() if m == meeting), 0), 1)
                    or 1
                )
                result, tally = _vote(proposed, voters)
                order[meeting] += 1
                item = ids.next(MeetingItem)
                add(T_ITEM, (item, meeting, sid, order[meeting], True, VoteMode.PAPER, result, proposed))
                add(T_TALLY, (ids.next(PaperTally), item, 1, users[0], tally))
                add(T_TALLY, (ids.next(PaperTally), item, 2, users[1], tally))
            add(
                T_ENTRY,
                (ids.next(DecisionEntry), decision, sid, proposed, max_level, level, reason, decided_at),
            )
            self.counter.decided[level] += 1


def _group(kind: str) -> str:
    from kiemdiem.decisions.facts import GROUPS

    return GROUPS[kind]


def _form(fw: Framework, kind: str) -> str:
    try:
        return fw.form_for(kind).code
    except KeyError:
        return ""


def run(
    sink: Sink,
    ids: Ids,
    members: int,
    seed: int,
    years: int = 1,
    provinces: int | None = None,
    card_base: int = 10_000_000,
    checkpoint_members: int = 100_000,
    progress: Callable[[int], object] | None = None,  # (what it returns is not used)
) -> Counter:
    """Generate the whole data set into ``sink``; ``progress(n)`` after each grassroots committee."""
    count, specs = layout(members, provinces, seed)
    gen = Generator(sink, ids, seed, years, card_base)
    provs = gen.provinces(count)
    committees(gen, specs, provs, checkpoint_members, progress)
    return gen.counter


def committees(
    gen: Generator,
    specs: list[GrassrootsSpec],
    provs: list[tuple[int, str]],
    checkpoint_members: int = 100_000,
    progress: Callable[[int], object] | None = None,  # (what it returns is not used)
) -> None:
    """Generate ``specs`` (grassroots committees) under the provinces ``provs``; close the sink."""
    since = 0
    for spec in specs:
        gen.grassroots(spec, provs[spec.province])
        since += spec.size
        if progress is not None:
            progress(spec.size)
        if since >= checkpoint_members:
            gen.sink.checkpoint()
            since = 0
    gen.sink.close()
    gen.counter.rows = gen.sink.rows


def share(specs: list[GrassrootsSpec], workers: int) -> list[list[GrassrootsSpec]]:
    """Deal the committees out to ``workers``, each to the one with the fewest members so far."""
    shares: list[list[GrassrootsSpec]] = [[] for _ in range(workers)]
    sizes = [0] * workers
    for spec in specs:
        k = min(range(workers), key=sizes.__getitem__)
        shares[k].append(spec)
        sizes[k] += spec.size
    return shares


def specs_iter(members: int, provinces: int | None, seed: int) -> Iterator[GrassrootsSpec]:
    yield from layout(members, provinces, seed)[1]
