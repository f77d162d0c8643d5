"""Biểu tổng hợp kết quả: statistics of the decided levels, rolled up the organization tree.

Everything that grows with the number of members is computed by the database in a constant number of
queries:

- the table is one bare ``GROUP BY`` over the subject and decision rows, by every column the counts
  depend on (kind, place, reviewed, reason, decided level, discipline in the plan's year as a hashed
  ``IN``) with a plain ``COUNT(*)``; an outer query over those few groups turns them into the count
  columns per (organization, population). The roll-up to every subtree is done in Python over that
  per-organization aggregate: deepest first, each organization's totals are added into its parent's
  (one addition per organization, not per ancestor);
- the year-over-year comparison is one ``GROUP BY (organization, plan)`` over the compared years; the
  merges and splits that lead an old organization to its successor are a small id mapping applied to
  those aggregate rows (a merged cell's earlier years count under its successor).

Callers pass the subjects they may read (``scope.plan_subjects()`` in views; everything on the command
line and in benchmarks) and the plans (one plan, or a year's plans); nothing here knows about users.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.lib import dates
from kiemdiem.lib.memory import cyclic_gc_paused
from kiemdiem.members.models import Discipline
from kiemdiem.organizations.models import (
    EventKind,
    LeadershipCollective,
    Organization,
    OrganizationEvent,
    OrgKind,
)
from kiemdiem.plans.models import INDIVIDUAL_KINDS, NotReviewedReason, Plan, PlanSubject
from kiemdiem.plans.models import SubjectKind as SK
from kiemdiem.rules.levels import LEVEL_CODES, LEVEL_LABEL_BY_CODE

LEVELS = LEVEL_CODES  # highest first
LEVEL_LABELS = LEVEL_LABEL_BY_CODE
REASONS = (
    (NotReviewedReason.EXEMPT, "exempt"),
    (NotReviewedReason.SUSPENDED, "suspended"),
    (NotReviewedReason.ADMITTED_UNDER_6_MONTHS, "new"),
)
# Organization subjects are counted per organization type (regulations §3.10: đảng bộ cơ sở, chi bộ
# cơ sở, chi bộ trực thuộc) plus the leadership collectives.
COLLECTIVE = "tap_the_lanh_dao"
ORG_TYPES = (
    (OrgKind.GRASSROOTS_COMMITTEE.value, "Đảng bộ cơ sở"),
    (OrgKind.GRASSROOTS_CELL.value, "Chi bộ cơ sở"),
    (OrgKind.PARTIAL_COMMITTEE.value, "Đảng bộ bộ phận"),
    (OrgKind.SUBORDINATE_CELL.value, "Chi bộ trực thuộc"),
    (COLLECTIVE, "Tập thể lãnh đạo, quản lý"),
)
ORG_TYPE_LABELS = dict(ORG_TYPES)
MEMBERS = "dang_vien"  # the population key of members in the totals (the others: ORG_TYPES' keys)
_COUNT_FIELDS = (
    "total",
    "exempt",
    "suspended",
    "new",
    "pending",
    *(f"lv_{lv}" for lv in LEVELS),
    "disciplined",
)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


_NO_LEVELS = dict.fromkeys(LEVELS, 0)  # copied for each new Counts (never changed itself)


@dataclass(slots=True)
class Counts:
    """Counts of one population (members, or organizations of one type) in one subtree."""

    total: int = 0
    exempt: int = 0  # miễn công tác và sinh hoạt đảng
    suspended: int = 0  # đình chỉ sinh hoạt
    new: int = 0  # vào Đảng chưa đủ 6 tháng
    pending: int = 0  # thuộc diện xếp loại, chưa có quyết định
    levels: dict[str, int] = field(default_factory=_NO_LEVELS.copy)
    disciplined: int = 0  # bị kỷ luật trong năm

    @classmethod
    def from_row(cls, values: Iterable[Any]) -> Counts:
        v = dict(zip(_COUNT_FIELDS, (int(x or 0) for x in values), strict=True))
        return cls(
            total=v["total"],
            exempt=v["exempt"],
            suspended=v["suspended"],
            new=v["new"],
            pending=v["pending"],
            levels={lv: v[f"lv_{lv}"] for lv in LEVELS},
            disciplined=v["disciplined"],
        )

    def add(self, other: Counts) -> None:
        self.total += other.total
        self.exempt += other.exempt
        self.suspended += other.suspended
        self.new += other.new
        self.pending += other.pending
        self.disciplined += other.disciplined
        for lv in LEVELS:
            self.levels[lv] += other.levels[lv]

    @property
    def not_classified(self) -> int:
        """Không xếp loại: exempt, suspended, admitted less than six months before."""
        return self.exempt + self.suspended + self.new

    @property
    def classified(self) -> int:
        return sum(self.levels.values())

    def percent(self, level: str) -> float | None:
        """Share of the level among those classified, in percent (2 decimals)."""
        return _pct(self.levels[level], self.classified)

    @property
    def top_of_good(self) -> float | None:
        """HTXSNV as a percentage of HTTNV: the base of the quota (QĐ 366 Art. 11 §1.5)."""
        return _pct(self.levels["HTXSNV"], self.levels["HTTNV"])

    @property
    def per_level(self) -> list[tuple[str, int, float | None]]:
        return [(lv, self.levels[lv], self.percent(lv)) for lv in LEVELS]


def _counts(v: Sequence[int] | None) -> Counts:
    """Counts from an aggregate row's values (in ``_COUNT_FIELDS`` order)."""
    if v is None:
        return Counts()
    levels = {"HTXSNV": v[5], "HTTNV": v[6], "HTNV": v[7], "KHTNV": v[8]}  # LEVELS' order
    return Counts(v[0], v[1], v[2], v[3], v[4], levels, v[9])


class Populations(dict[str, "Counts"]):
    """A row's counts per organization type: built for the types present; the others on first use.

    Most organizations hold one or two of the five types (a cell: its own kind), so the empty
    ``Counts`` of the others are not built for each of a country's 294,055 rows; reading one gives
    (and keeps) a new empty ``Counts``, as a dict filled with every type would.
    """

    __slots__ = ()

    def __missing__(self, key: str) -> Counts:
        if key not in ORG_TYPE_LABELS:
            raise KeyError(key)
        counts = self[key] = Counts()
        return counts


@dataclass(slots=True)
class Row:
    """One organization of the table; its counts are those of its whole subtree."""

    organization: Organization
    depth: int
    members: Counts
    organizations: Populations

    @property
    def organization_types(self) -> list[tuple[str, str, Counts]]:
        present = self.organizations
        return [(t, label, c) for t, label in ORG_TYPES if (c := present.get(t)) is not None and c.total]


@dataclass
class Statistics:
    root: Organization
    year: int
    plans: list[Plan]
    rows: list[Row]

    @property
    def total(self) -> Row:
        return self.rows[0]

    def row(self, organization: Organization | int) -> Row | None:
        pk = organization if isinstance(organization, int) else organization.pk
        return next((r for r in self.rows if r.organization.pk == pk), None)

    @property
    def cells(self) -> list[Row]:
        return [r for r in self.rows if r.organization.is_cell]


# ------------------------------------------------------------------------------------ aggregates


def _count_annotations(levels_from: str = "decided__level") -> dict[str, Count]:
    ann: dict[str, Count] = {"total": Count("pk")}
    for reason, name in REASONS:
        ann[name] = Count("pk", filter=Q(reviewed=False, not_reviewed_reason=reason))
    ann["pending"] = Count("pk", filter=Q(reviewed=True, decided__isnull=True))
    for lv in LEVELS:
        ann[f"lv_{lv}"] = Count("pk", filter=Q(**{levels_from: lv}))
    return ann


def _member_aggregate(subjects: QuerySet[PlanSubject], group_by: tuple[str, ...]) -> QuerySet[Any]:
    """Members (đảng viên, including leaders) grouped by their cell (and ``group_by``)."""
    disciplined = Discipline.objects.filter(
        member_id=OuterRef("member_id"), decided_on__year=OuterRef("plan__year")
    )
    groups: QuerySet[Any] = (
        subjects.filter(kind__in=INDIVIDUAL_KINDS)
        .annotate(place=F("cell_id"), has_discipline=Exists(disciplined))
        .values("place", *group_by)
        .annotate(**_count_annotations(), disciplined=Count("pk", filter=Q(has_discipline=True)))
        .order_by()
    )
    return groups


# Who a group of subjects is, packed by the database into one small integer:
# code = (population * 8 + reason) * 2 + disciplined.
_INDIVIDUAL, _COLLECTIVE, _ORGANIZATION = 0, 1, 2
_REASON_CODES = {reason.value: i for i, (reason, _name) in enumerate(REASONS, 1)}  # 0: reviewed
_OTHER_REASON = len(REASONS) + 1
_PENDING, _LEVEL0, _DISCIPLINED = 4, 5, 9  # positions in _COUNT_FIELDS (1-3: the reasons)


def _disciplined(plans: list[Plan]) -> Q:
    """The subject's member was disciplined in the plan's year (a hashed ``IN`` per year, no join)."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for p in plans:
        by_year[p.year].append(p.pk)
    conditions = []
    for y, pks in by_year.items():
        start, end = _year_bounds(y)
        in_year = Q(
            member_id__in=Discipline.objects.filter(decided_on__gte=start, decided_on__lte=end).values(
                "member_id"
            )
        )
        conditions.append(in_year if len(by_year) == 1 else Q(plan_id__in=pks) & in_year)
    return reduce(operator.or_, conditions)


def _groups(subjects: QuerySet[PlanSubject], plans: list[Plan]) -> list[tuple[Any, ...]]:
    """``(place, collective, code, subjects, undecided, *one count per level)``: one ``GROUP BY``.

    The place is the cell of an individual and the organization of an organization subject (a
    leadership collective's is looked up from ``collective``); ``code`` packs the population, the
    not-reviewed reason and the discipline in the year into one small integer. The subjects are first
    narrowed to ``(id, place, collective, code)`` (a subquery PostgreSQL keeps apart, ``OFFSET 0``), so
    that the join with the decisions and the grouping handle rows as narrow as the issue's baseline
    ``GROUP BY cell, level``; the decided levels are counted in columns. Fetched with a plain cursor.
    """
    if not plans:
        return []
    individual = Q(kind__in=INDIVIDUAL_KINDS)
    collective = Q(kind=SK.LEADERSHIP_COLLECTIVE)
    population = Case(
        When(individual, then=Value(_INDIVIDUAL)),
        When(collective, then=Value(_COLLECTIVE)),
        default=Value(_ORGANIZATION),
    )
    reason = Case(
        When(reviewed=True, then=Value(0)),
        *(When(not_reviewed_reason=r, then=Value(i)) for r, i in _REASON_CODES.items()),
        default=Value(_OTHER_REASON),
    )
    disciplined = Case(When(_disciplined(plans), then=Value(1)), default=Value(0))
    narrow = (
        subjects.annotate(
            place=Case(When(individual, then=F("cell_id")), default=F("organization_id")),
            coll=Case(When(collective, then=F("collective_id"))),
            code=ExpressionWrapper((population * 8 + reason) * 2 + disciplined, output_field=IntegerField()),
        )
        .values_list("id", "place", "coll", "code")
        .order_by()
    )
    db = connections[narrow.db]
    try:
        sql, params = narrow.query.get_compiler(connection=db).as_sql()
    except EmptyResultSet:  # nothing readable (subjects.none())
        return []
    fence = " OFFSET 0" if db.vendor == "postgresql" else ""
    decisions = db.ops.quote_name(DecisionEntry._meta.db_table)
    levels = "".join(", COUNT(d.id) FILTER (WHERE d.level = %s)" for _ in LEVELS)
    statement = (
        f"SELECT s.place, s.coll, s.code, COUNT(*), COUNT(*) FILTER (WHERE d.id IS NULL){levels} "
        f"FROM ({sql}{fence}) s LEFT JOIN {decisions} d ON d.subject_id = s.id GROUP BY s.place, s.coll, s.code"
    )
    with db.cursor() as cursor:
        cursor.execute(statement, [*LEVELS, *params])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _who(code: int) -> tuple[int, int, int]:
    """``(population, reason, disciplined)`` of a group's code."""
    rest, disciplined = divmod(code, 2)
    population, reason = divmod(rest, 8)
    return population, reason, disciplined


_WHO = [_who(code) for code in range(3 * 8 * 2)]


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statistics(
    root: Organization,
    plans: Iterable[Plan],
    subjects: QuerySet[PlanSubject] | None = None,
    year: int | None = None,
) -> Statistics:
    """Biểu tổng hợp of ``root``'s subtree for the given plans (one plan, or every plan of a year).

    Three queries whatever the size (four when ``plans`` is a queryset): the grouped subjects, the
    subtree's organizations and its leadership collectives; the counts and the roll-up up the tree are
    summed here, once per group and once per organization.
    """
    plans = list(plans)
    year = year if year is not None else (plans[0].year if plans else dates.today().year)
    base = (subjects if subjects is not None else PlanSubject.objects.all()).filter(
        plan_id__in=[p.pk for p in plans]
    )
    with cyclic_gc_paused():  # the groups and the rows are many small objects, none in a cycle
        rows = _rows(root, year, _groups(base, plans))
    return Statistics(root=root, year=year, plans=plans, rows=rows)


def _rows(root: Organization, year: int, groups: list[tuple[Any, ...]]) -> list[Row]:
    """The table's rows: ``groups`` (see ``_groups``) summed per organization, then up to ``root``."""
    start, end = _year_bounds(year)
    subtree = list(Organization.objects.filter(path__startswith=root.path).order_by("path"))
    kinds = {o.id: o.kind for o in subtree}
    owners = dict(
        LeadershipCollective.objects.filter(organization__path__startswith=root.path)
        .order_by()
        .values_list("id", "organization_id")
    )
    # organization → population → counts (in _COUNT_FIELDS order), first of its own subjects.
    totals: dict[int, dict[str, list[int]]] = {}
    for place, coll, code, n, undecided, *levels in groups:
        population, reason, disciplined = _WHO[code]
        if population == _INDIVIDUAL:
            key = MEMBERS
        elif population == _COLLECTIVE:
            place, key = place if place is not None else owners.get(coll), COLLECTIVE
        else:
            key = kinds.get(place, "")
        own = totals.get(place)
        if own is None:
            if place not in kinds:
                continue  # outside the subtree
            own = totals[place] = {}
        counts = own.get(key)
        if counts is None:
            counts = own[key] = [0] * len(_COUNT_FIELDS)
        counts[0] += n
        if reason == 0:
            counts[_PENDING] += undecided
        elif reason < _OTHER_REASON:
            counts[reason] += n
        for i, count in enumerate(levels, _LEVEL0):
            counts[i] += count
        if disciplined and population == _INDIVIDUAL:
            counts[_DISCIPLINED] += n
    # Deepest first, each organization's totals go into its parent's: a parent is complete when reached.
    for o in sorted(subtree, key=lambda o: len(o.path), reverse=True):
        own = totals.get(o.id)
        if own is None or o.id == root.id or o.parent_id not in kinds:
            continue
        into = totals.setdefault(o.parent_id, {})
        for key, counts in own.items():
            prev = into.get(key)
            # New lists, never changed in place: a parent may share its first child's list.
            into[key] = counts if prev is None else list(map(operator.add, prev, counts))
    # The organizations active in the year; one dissolved before it but holding subjects keeps its row.
    orgs = [
        o
        for o in subtree
        if o.id in totals
        or ((o.active_from is None or o.active_from <= end) and (o.active_to is None or o.active_to >= start))
    ]
    if not orgs or orgs[0].id != root.id:
        orgs = [root, *[o for o in orgs if o.id != root.id]]
    base_depth = root.path.count("/")
    empty: dict[str, list[int]] = {}
    rows = []
    for o in orgs:
        t = totals.get(o.id, empty)
        organizations = Populations((k, _counts(v)) for k, v in t.items() if k in ORG_TYPE_LABELS)
        rows.append(Row(o, o.path.count("/") - base_depth, _counts(t.get(MEMBERS)), organizations))
    return rows


# ------------------------------------------------------------------------ two consecutive KHTNV


def consecutive_khtnv(
    root: Organization, plans: Iterable[Plan], subjects: QuerySet[PlanSubject] | None = None
) -> list[DecisionEntry]:
    """Đảng viên hai năm liền “không hoàn thành nhiệm vụ”: KHTNV in the plans' year and the year before.

    The year before is looked up among the same readable subjects, wherever the member was then.
    """
    plans = list(plans)
    base = subjects if subjects is not None else PlanSubject.objects.all()
    previous = DecisionEntry.objects.filter(
        subject__in=base.filter(member_id=OuterRef("subject__member_id")),
        subject__plan__year=OuterRef("subject__plan__year") - 1,
        level="KHTNV",
    )
    return list(
        DecisionEntry.objects.filter(
            subject__in=base.filter(plan_id__in=[p.pk for p in plans], kind__in=INDIVIDUAL_KINDS),
            subject__cell__path__startswith=root.path,
            level="KHTNV",
        )
        .filter(Exists(previous))
        .select_related("subject", "subject__cell", "subject__member", "subject__plan")
        .order_by("subject__cell__path", "subject__name")
    )


# --------------------------------------------------------------------------- history and merges


def successors(events: Iterable[OrganizationEvent] | None = None) -> dict[int, int]:
    """Where each merged or split organization's history goes: old id → successor id.

    A merge (sources → one target) maps every source to the target. A split (one source → several
    targets) cannot divide the old counts, so they go to the smallest organization containing all the
    targets (usually the ward): they count in its totals, not in any single successor's.
    """
    if events is None:
        events = (
            OrganizationEvent.objects.filter(kind__in=[EventKind.MERGED, EventKind.SPLIT])
            .prefetch_related("sources", "targets")
            .order_by("date", "id")
        )
    mapping: dict[int, int] = {}
    for event in events:
        targets = list(event.targets.all())
        if not targets:
            continue
        if len(targets) == 1:
            heir = targets[0].pk
        else:
            parts = [t.path.strip("/").split("/") for t in targets]
            common = []
            for segs in zip(*parts, strict=False):
                if len(set(segs)) != 1:
                    break
                common.append(segs[0])
            if not common:
                continue
            heir = int(common[-1])
        for src in event.sources.all():
            if src.pk != heir and src.pk not in {t.pk for t in targets}:
                mapping[src.pk] = heir
    return mapping


def resolve(pk: int, mapping: dict[int, int]) -> int:
    seen = 0
    while pk in mapping and seen < 50:  # chains of merges; the bound guards against a cycle in bad data
        pk = mapping[pk]
        seen += 1
    return pk


@dataclass
class YearCell:
    """One cell (after merges) in one year: the members' counts and the cap of that year's plan."""

    counts: Counts
    cap: int


@dataclass
class History:
    """So sánh qua các năm: the scope's totals per year and each current cell's years."""

    root: Organization
    years: list[int]
    totals: dict[int, Counts]
    cells: dict[int, dict[int, YearCell]]  # cell id → year → counts

    def per_year(self) -> list[tuple[int, Counts]]:
        return [(y, self.totals.get(y, Counts())) for y in self.years]


def history(
    root: Organization,
    plans: Iterable[Plan],
    subjects: QuerySet[PlanSubject] | None = None,
    outstanding: bool = False,
) -> History:
    """The members' statistics of ``root``'s subtree for each plan's year, following merges.

    Constant queries: the events (three), the organizations involved (one), one ``GROUP BY (cell, plan)``.
    """
    plans = list(plans)
    by_plan = {p.pk: p for p in plans}
    years = sorted({p.year for p in plans})
    mapping = successors()
    # Organizations whose history leads into the subtree (the subtree itself, and merged predecessors
    # wherever they were).
    candidates = {
        o.pk: o for o in Organization.objects.filter(Q(path__startswith=root.path) | Q(pk__in=mapping))
    }
    inside = {pk for pk, o in candidates.items() if o.path.startswith(root.path)}
    into = [pk for pk in candidates if resolve(pk, mapping) in inside]
    base = (subjects if subjects is not None else PlanSubject.objects.all()).filter(plan_id__in=list(by_plan))
    rows = _member_aggregate(base.filter(cell_id__in=into), ("plan_id",))
    totals: dict[int, Counts] = defaultdict(Counts)
    cells: dict[int, dict[int, YearCell]] = defaultdict(dict)
    caps = {pk: p.framework().quota for pk, p in by_plan.items()}
    for row in rows:
        counts = Counts.from_row(row[f] for f in _COUNT_FIELDS)
        plan = by_plan[row["plan_id"]]
        heir = resolve(row["place"], mapping)
        totals[plan.year].add(counts)
        cell = cells[heir].setdefault(plan.year, YearCell(Counts(), 0))
        cell.counts.add(counts)
    for _heir, per_year in cells.items():
        for y, yc in per_year.items():
            policy = next((caps[p.pk] for p in plans if p.year == y), None)
            yc.cap = policy.cap(yc.counts.levels["HTTNV"], outstanding=outstanding) if policy else 0
    return History(root=root, years=years, totals=dict(totals), cells=dict(cells))
