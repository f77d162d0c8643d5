"""Biểu tổng hợp kết quả: statistics of the decided levels, rolled up the organization tree.

Everything that grows with the number of members is computed by the database in a constant number of
queries:

- one ``GROUP BY`` per subject family (members; organizations by kind) with conditional aggregation
  (``COUNT(*) FILTER (WHERE …)``), wrapped in one roll-up that joins each organization's aggregate to
  every ancestor within the scope (the subtree by materialized-path prefix, the ancestors by a
  recursive walk up ``parent``) and sums per ancestor: each row is the total of a whole subtree;
- the year-over-year comparison is one ``GROUP BY (organization, plan)`` over the compared years; the
  merges and splits that lead an old organization to its successor are a small id mapping applied to
  those aggregate rows (a merged cell's earlier years count under its successor).

Callers pass the subjects they may read (``scope.plan_subjects()`` in views; everything on the command
line and in benchmarks) and the plans (one plan, or a year's plans); nothing here knows about users.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.members.models import Discipline
from kiemdiem.organizations.models import EventKind, Organization, OrganizationEvent, OrgKind
from kiemdiem.plans.models import COLLECTIVE_KINDS, INDIVIDUAL_KINDS, NotReviewedReason, Plan, PlanSubject
from kiemdiem.plans.models import SubjectKind as SK

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")  # highest first
LEVEL_LABELS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
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


@dataclass
class Counts:
    """Counts of one population (members, or organizations of one type) in one subtree."""

    total: int = 0
    exempt: int = 0  # miễn công tác và sinh hoạt đảng
    suspended: int = 0  # đình chỉ sinh hoạt
    new: int = 0  # vào Đảng chưa đủ 6 tháng
    pending: int = 0  # thuộc diện xếp loại, chưa có quyết định
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
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


@dataclass
class Row:
    """One organization of the table; its counts are those of its whole subtree."""

    organization: Organization
    depth: int
    members: Counts
    organizations: dict[str, Counts]

    @property
    def organization_types(self) -> list[tuple[str, str, Counts]]:
        return [(t, label, self.organizations[t]) for t, label in ORG_TYPES if self.organizations[t].total]


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
    return (
        subjects.filter(kind__in=INDIVIDUAL_KINDS)
        .annotate(place=F("cell_id"), has_discipline=Exists(disciplined))
        .values("place", *group_by)
        .annotate(**_count_annotations(), disciplined=Count("pk", filter=Q(has_discipline=True)))
        .order_by()
    )


def _organization_aggregate(subjects: QuerySet[PlanSubject]) -> QuerySet[Any]:
    """Organizations and leadership collectives grouped by where they belong and by type."""
    return (
        subjects.filter(kind__in=COLLECTIVE_KINDS)
        .annotate(
            place=Coalesce("organization_id", "collective__organization_id"),
            otype=Case(
                When(kind=SK.LEADERSHIP_COLLECTIVE, then=Value(COLLECTIVE)),
                default=F("organization__kind"),
            ),
        )
        .values("place", "otype")
        .annotate(**_count_annotations(), disciplined=Value(0))
        .order_by()
    )


def _rolled_up(
    inner: QuerySet[Any], root: Organization, extra: tuple[str, ...] = ()
) -> list[tuple[Any, ...]]:
    """Sum ``inner`` (one row per organization) into every ancestor within ``root``'s subtree.

    One statement. The subtree is the materialized-path prefix of ``root``; the pairs (organization,
    ancestor) come from a recursive walk up ``parent`` that stops at ``root`` (a few rows per
    organization), so the roll-up is an equality (hash) join of the per-organization aggregate with
    those pairs: the member rows are read once, by the aggregate. Comparing path prefixes in the join
    itself was measured 10× slower on PostgreSQL (a nested loop of every organization by every
    ancestor candidate).
    """
    sql, params = inner.query.sql_with_params()
    org = connection.ops.quote_name(Organization._meta.db_table)
    q = connection.ops.quote_name
    keys = "".join(f", i.{q(k)}" for k in extra)
    sums = ", ".join(f"SUM(i.{q(name)})" for name in _COUNT_FIELDS)
    # The aggregate is computed once, before the join (PostgreSQL could otherwise rescan it).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    statement = (
        f"WITH RECURSIVE i AS {materialized}({sql}), "
        f"up(org_id, anc_id) AS ("
        f"SELECT id, id FROM {org} WHERE path LIKE %s "
        f"UNION ALL SELECT up.org_id, o.parent_id FROM up JOIN {org} o ON o.id = up.anc_id "
        f"WHERE o.id <> %s AND o.parent_id IS NOT NULL) "
        f"SELECT up.anc_id{keys}, {sums} FROM i JOIN up ON up.org_id = i.{q('place')} "
        f"GROUP BY up.anc_id{keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, f"{root.path}%", root.pk])
        return list(cursor.fetchall())


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statistics(
    root: Organization,
    plans: Iterable[Plan],
    subjects: QuerySet[PlanSubject] | None = None,
    year: int | None = None,
) -> Statistics:
    """Biểu tổng hợp of ``root``'s subtree for the given plans (one plan, or every plan of a year).

    Four queries whatever the size: the organizations, the members' roll-up, the organizations' roll-up
    (and the plans when a queryset is passed).
    """
    plans = list(plans)
    year = year if year is not None else (plans[0].year if plans else dt.date.today().year)
    base = (subjects if subjects is not None else PlanSubject.objects.all()).filter(
        plan_id__in=[p.pk for p in plans]
    )
    start, end = _year_bounds(year)
    orgs = list(
        Organization.objects.filter(path__startswith=root.path)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=end))
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=start))
        .order_by("path")
    )
    members: dict[int, Counts] = {}
    for pk, *values in _rolled_up(_member_aggregate(base, ()), root):
        members[pk] = Counts.from_row(values)
    organizations: dict[int, dict[str, Counts]] = defaultdict(dict)
    for pk, otype, *values in _rolled_up(_organization_aggregate(base), root, ("otype",)):
        organizations[pk][otype] = Counts.from_row(values)
    # An organization dissolved before the year but still holding subjects of these plans keeps its row.
    known = {o.pk for o in orgs}
    missing = (set(members) | set(organizations)) - known
    if missing:
        orgs = sorted([*orgs, *Organization.objects.filter(pk__in=missing)], key=lambda o: o.path)
    if not orgs or orgs[0].pk != root.pk:
        orgs = [root, *[o for o in orgs if o.pk != root.pk]]
    base_depth = root.path.count("/")
    rows = [
        Row(
            organization=o,
            depth=o.path.count("/") - base_depth,
            members=members.get(o.pk, Counts()),
            organizations={t: organizations[o.pk].get(t, Counts()) for t, _ in ORG_TYPES},
        )
        for o in orgs
    ]
    return Statistics(root=root, year=year, plans=plans, rows=rows)


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
