"""The facts of an appraisal, read from the database: per subject, what the rules engine needs.

Registry facts (admission, discipline, state rating), the reviews (scores, grades, tasks), the
meetings (the proposed level) and last year's results, read in a few joined queries per plan batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import FilteredRelation, Q

from kiemdiem.members.models import Discipline, Position, StateRating
from kiemdiem.plans.models import Plan, PlanStep, PlanSubject, RemediationItem, RemediationStatus, SubjectKind
from kiemdiem.reviews.models import (
    FeedbackRequest,
    FeedbackSource,
    MeetingItem,
    Review,
    ReviewPlace,
)
from kiemdiem.rules import GroupSettings
from kiemdiem.rules import Subject as RuleSubject
from kiemdiem.rules.facts import Discipline as RuleDiscipline
from kiemdiem.rules.levels import DISCIPLINE_BY_CODE, GRADE_BY_CODE, LEVEL_BY_CODE, Grade

from .models import DecisionEntry

# Quota groups (subjects of similar position decided together).
GROUPS: dict[str, str] = {
    SubjectKind.MEMBER: "dang-vien",
    SubjectKind.MEMBER_OUTSIDE: "dang-vien",
    SubjectKind.LEADER: "can-bo-lanh-dao",
    SubjectKind.CELL: "chi-bo",
    SubjectKind.LEADERSHIP_COLLECTIVE: "tap-the-lanh-dao",
    SubjectKind.GRASSROOTS_ORG: "dang-bo",
}
NO_PROPOSAL_GROUP = "chua-de-xuat"
GROUP_LABELS = {
    "dang-vien": "Đảng viên",
    "can-bo-lanh-dao": "Cán bộ lãnh đạo, quản lý",
    "chi-bo": "Chi bộ",
    "tap-the-lanh-dao": "Tập thể lãnh đạo, quản lý",
    "dang-bo": "Đảng bộ",
}


def review_date(plan: Plan) -> dt.date:
    return review_dates([plan])[plan.pk]


def review_dates(plans: Sequence[Plan]) -> dict[int, dt.date]:
    """The date each plan is classified as of: its decision step's committee deadline, else 31/12 of its year."""
    due: dict[int, dt.date | None] = dict(
        PlanStep.objects.filter(plan__in=[p.pk for p in plans], code="quyet_dinh")
        .order_by("-order", "-pk")
        .values_list("plan_id", "due_committee")
    )
    return {p.pk: due.get(p.pk) or dt.date(p.year, 12, 31) for p in plans}


def _grades(grades: dict[str, str] | None, criteria: Any) -> tuple[Grade, Grade] | None:
    """The lowest grade among key criteria and among the others (QĐ 132/124 self-assessment by criteria)."""
    if not grades:
        return None
    keys = {c.id for c in getattr(criteria, "criteria", ()) if c.key}
    key = [GRADE_BY_CODE[g] for cid, g in grades.items() if cid in keys and g in GRADE_BY_CODE]
    other = [GRADE_BY_CODE[g] for cid, g in grades.items() if cid not in keys and g in GRADE_BY_CODE]
    if not key or not other:
        return None
    return min(key), min(other)


@dataclass
class Facts:
    """Registry and cycle rows of a set of plans, each table read once (set-based, joined on the plans)."""

    subjects: list[tuple[Any, ...]]  # _SUBJECT_COLUMNS, then the cell review's columns, then grades
    at_collective: dict[int, str]  # subject id → status of the review at the leadership collective
    proposals: dict[int, str]
    disciplines: dict[int, list[tuple[Any, ...]]]
    state: dict[int, dict[int, str]]  # year → member → level
    previous: dict[tuple[int, int], dict[int, str]]  # (organization, year) → member → last year's level
    shortcomings: dict[tuple[int, int], dict[tuple[str, int], list[int]]]  # (organization, year) → subject
    positions: dict[int, list[tuple[Any, ...]]]  # member → positions held within the plans' days
    residence_answered: set[int]


# Columns read per subject (tuples, not model instances): the subject, its member's admission, its
# decided level and its review at the cell (chi bộ) or its own body, joined in one query.
_SUBJECT_COLUMNS = (
    "pk", "plan_id", "kind", "member_id", "cell_id", "organization_id", "collective_id",
    "needs_residence_comment", "member__admitted_on", "decided__level",
    "cr__status", "cr__self_level", "cr__score_general", "cr__score_tasks",
    "cr__tasks_total", "cr__tasks_done", "cr__tasks_on_time", "cr__tasks_exceeded", "cr__tasks_late",
)  # fmt: skip


@contextmanager
def index_joins() -> Iterator[None]:
    """On PostgreSQL, the facts' joins probe indexes instead of hashing whole tables (SET LOCAL).

    For a province (4,500 plans: 485,093 of the country's 5.9 million subjects) the planner hashes the
    whole member, review and decision tables, pricing 485,000 index probes above three sequential
    scans; with hash joins disabled for these reads the subjects' query takes 1.6 s instead of 4.2 s
    and all the facts 3.8 s instead of 6.6 s (docs/performance.md, 5.6 M members). A ward's plan is
    small enough that the planner already probes indexes. The setting is local to the transaction and
    restored afterwards (also inside an outer transaction); an error rolls it back with the block.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_hashjoin'), set_config('enable_hashjoin', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_hashjoin', %s, true)", [previous])


def read_facts(plans: Sequence[Plan], days: dict[int, dt.date]) -> Facts:
    with index_joins():
        return read_facts_joined(plans, days)


def read_facts_joined(plans: Sequence[Plan], days: dict[int, dt.date]) -> Facts:
    plan_ids = [p.pk for p in plans]
    years = {p.year for p in plans}
    reviewed = PlanSubject.objects.filter(plan_id__in=plan_ids, reviewed=True)
    members = reviewed.exclude(member=None).values("member_id")
    # Criterion grades (a JSON object per review) are read only for the frameworks that grade criteria.
    graded = [] if all(p.framework().scored for p in plans) else ["cr__grades"]
    subjects = list(
        reviewed.annotate(cr=FilteredRelation("reviews", condition=Q(reviews__place=ReviewPlace.CELL)))
        .order_by("plan_id", "kind", "name", "pk")
        .values_list(*_SUBJECT_COLUMNS, *graded)
    )
    at_collective = dict(
        Review.objects.filter(
            subject__plan_id__in=plan_ids, subject__kind=SubjectKind.LEADER, place=ReviewPlace.COLLECTIVE
        ).values_list("subject_id", "status")
    )
    # The conference's proposal; a subject voted on at several meetings takes the latest meeting's vote.
    proposals: dict[int, str] = {}
    held: dict[int, tuple[dt.date, int]] = {}
    for subject_id, level, when, meeting_id in (
        # Through the plans' meetings (few rows, indexed), not the subjects; only reviewed ones are looked up.
        MeetingItem.objects.filter(meeting__plan_id__in=plan_ids)
        .exclude(proposed_level="")
        .order_by()
        .values_list("subject_id", "proposed_level", "meeting__date", "meeting_id")
    ):
        if subject_id not in held or (when, meeting_id) > held[subject_id]:
            proposals[subject_id], held[subject_id] = level, (when, meeting_id)
    first, last = dt.date(min(years), 1, 1), max(days.values())
    disciplines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in Discipline.objects.filter(
        member_id__in=members, decided_on__gte=first, decided_on__lte=last
    ).values_list(
        "member_id", "form", "decided_on", "violation_on", "duty_related", "self_detected_and_remedied"
    ):
        disciplines[row[0]].append(row[1:])
    state: dict[int, dict[int, str]] = defaultdict(dict)
    for m, y, level in StateRating.objects.filter(member_id__in=members, year__in=years).values_list(
        "member_id", "year", "level"
    ):
        state[y][m] = level
    orgs = {p.organization_id for p in plans}
    last_year = {
        "subject__plan__organization_id__in": orgs,
        "subject__plan__year__in": {y - 1 for y in years},
    }
    previous: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for org, year, m, level in DecisionEntry.objects.filter(
        subject__member_id__in=members, **last_year
    ).values_list("subject__plan__organization_id", "subject__plan__year", "subject__member_id", "level"):
        previous[(org, year + 1)][m] = level
    shortcomings: dict[tuple[int, int], dict[tuple[str, int], list[int]]] = defaultdict(dict)
    for org, year, m, o, c, status in RemediationItem.objects.filter(**last_year).values_list(
        "subject__plan__organization_id", "subject__plan__year", "subject__member_id",
        "subject__organization_id", "subject__collective_id", "status",
    ):  # fmt: skip
        counts = shortcomings[(org, year + 1)].setdefault(
            ("m", m) if m else ("o", o) if o else ("c", c), [0, 0]
        )
        counts[0] += 1
        counts[1] += status == RemediationStatus.DONE
    # Heads of a body and members of a leadership collective, held at some time within the plans' days.
    positions: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for pos in (
        Position.objects.filter(Q(is_head=True) | Q(collective__isnull=False), member_id__in=members)
        .filter(Q(start=None) | Q(start__lte=last), Q(end=None) | Q(end__gte=min(days.values())))
        .order_by()  # grouped by member below; the model's ordering would only add a sort
        .values_list("member_id", "collective_id", "organization_id", "is_head", "start", "end")
    ):
        positions[pos[0]].append(pos[1:])
    residence_answered = set(
        FeedbackRequest.objects.filter(
            subject__in=reviewed, source=FeedbackSource.RESIDENCE, responses__isnull=False
        ).values_list("subject_id", flat=True)
    )
    return Facts(
        subjects, at_collective, proposals, disciplines, state, previous, shortcomings, positions,
        residence_answered,
    )  # fmt: skip


def _rule_discipline(rows: list[tuple[Any, ...]]) -> tuple[RuleDiscipline, ...]:
    return tuple(
        RuleDiscipline(DISCIPLINE_BY_CODE[form], decided, violation, duty, self_detected)
        for form, decided, violation, duty, self_detected in rows
    )


def subjects_of_plan(
    plan: Plan, framework: Any, day: dt.date, rows: list[tuple[Any, ...]], f: Facts, outstanding: bool
) -> tuple[list[RuleSubject], dict[str, GroupSettings]]:
    """The rules engine's facts for one plan's reviewed subjects (the contract's vocabulary, typed).

    Quota groups are named ``<plan id>:<group>`` so that several plans can be classified in one call
    (quota groups never span plans). The facts are those of classification-contract.md; a subject
    without a proposed level (no vote, no self-assessment yet) is explained but counts in no quota.
    """
    year_start = dt.date(plan.year, 1, 1)
    prefix = f"{plan.pk}:"
    by_org = {r[5]: str(r[0]) for r in rows if r[2] in (SubjectKind.CELL, SubjectKind.GRASSROOTS_ORG)}
    by_coll = {r[6]: str(r[0]) for r in rows if r[2] == SubjectKind.LEADERSHIP_COLLECTIVE}
    grassroots = next((str(r[0]) for r in rows if r[2] == SubjectKind.GRASSROOTS_ORG), None)
    plan_members = {r[3] for r in rows if r[3]}
    heads: dict[int, set[str]] = defaultdict(set)  # member → every body they head on the day
    coll_members: dict[int, set[int]] = defaultdict(set)
    for member_id in plan_members & f.positions.keys():
        for collective_id, organization_id, is_head, start, end in f.positions[member_id]:
            if (start and start > day) or (end and end < day):
                continue
            if collective_id:
                coll_members[collective_id].add(member_id)
            if is_head:
                target = by_coll.get(collective_id) if collective_id else by_org.get(organization_id)
                if target is not None:
                    heads[member_id].add(target)

    def discipline(member_id: int) -> list[tuple[Any, ...]]:
        return [d for d in f.disciplines.get(member_id, ()) if year_start <= d[1] <= day]

    scored = framework.scored
    criteria = framework.criteria
    disciplined = f.disciplines
    state = f.state.get(plan.year, {})
    previous = f.previous.get((plan.organization_id, plan.year), {})
    shortcomings = f.shortcomings.get((plan.organization_id, plan.year), {})
    proposals = f.proposals
    group_names = {kind: prefix + group for kind, group in GROUPS.items()}
    no_proposal = prefix + NO_PROPOSAL_GROUP
    out: list[RuleSubject] = []
    for row in rows:
        pk, kind, member_id, cell_id, organization_id, collective_id = row[0], row[2], *row[3:7]
        proposed = proposals.get(pk) or row[11]
        s = RuleSubject(str(pk), kind, group_names[kind] if proposed else no_proposal)
        if proposed:
            s.proposed_level = LEVEL_BY_CODE[proposed]
        if row[10] is not None:  # the review exists
            general, tasks = row[12], row[13]
            if scored and general is not None and tasks is not None:
                s.score_general, s.score_tasks = float(general), float(tasks)
            grades = None if scored else _grades(row[19], criteria.get(kind))
            if grades:
                s.grade_key, s.grade_other = grades
            if row[14] is not None:
                s.tasks_total = row[14]
                s.tasks_done, s.tasks_on_time, s.tasks_exceeded, s.tasks_late = (
                    row[15] or 0,
                    row[16] or 0,
                    row[17] or 0,
                    row[18] or 0,
                )
        if member_id:
            s.admitted_on = row[8]
            if member_id in disciplined and (records := discipline(member_id)):
                s.discipline = _rule_discipline(records)
            level = state.get(member_id)
            if level:
                s.civil_servant_level = LEVEL_BY_CODE[level]
            level = previous.get(member_id)
            if level:
                s.previous_level = LEVEL_BY_CODE[level]
            s.cell = by_org.get(cell_id)
            bodies = heads.get(member_id)
            if bodies:
                # One body on the individual (the contract's ``heads``); any other names them (below).
                s.heads = min(bodies, key=int)
            key: tuple[str, int] = ("m", member_id)
        elif kind == SubjectKind.CELL:
            s.parent = grassroots
            key = ("o", organization_id)
        elif kind == SubjectKind.LEADERSHIP_COLLECTIVE:
            records = [d for mid in coll_members.get(collective_id, ()) for d in discipline(mid)]
            if records:
                s.leadership_discipline = _rule_discipline(records)
            key = ("c", collective_id)
        else:
            key = ("o", organization_id)
        if key in shortcomings:
            s.shortcomings_total, s.shortcomings_remedied = shortcomings[key]
        out.append(s)
    several = {m: b for m, b in heads.items() if len(b) > 1}
    if several:  # a head of several bodies is checked against each (rules.engine._apply_heads)
        by_id = {s.id: s for s in out}
        by_member = {r[3]: str(r[0]) for r in rows if r[3] and r[3] in several}
        for member_id, bodies in several.items():
            head = by_member.get(member_id)
            for body in bodies:
                headed = by_id.get(body)
                if head is not None and headed is not None and body != by_id[head].heads:
                    headed.heads = headed.heads or head
    groups = {g: GroupSettings(outstanding) for g in {s.group for s in out if s.group}}
    return out, groups


