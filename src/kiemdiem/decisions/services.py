"""Appraisal (thẩm định) by the rules engine, decisions with quotas and order, re-classification, publication.

The appraisal builds one request of the classification contract (kiemdiem.rules) from the plan's data:
facts from the registry (admission, discipline, state rating), the reviews (scores, grades, tasks), the
meetings (the proposed level) and last year's results; and reads back, per subject, the maximum level
the regulation allows and why. Conflicts block the decision until resolved or overridden with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone

from kiemdiem.audit.services import record
from kiemdiem.lib import dates
from kiemdiem.lib.memory import cyclic_gc_paused
from kiemdiem.members.models import Discipline, Position, StateRating, period_q
from kiemdiem.plans.models import INDIVIDUAL_KINDS, Plan, PlanStep, PlanSubject, SubjectKind
from kiemdiem.reviews.models import (
    LEVEL_ORDER,
    FeedbackRequest,
    FeedbackSource,
    MeetingItem,
    Review,
    ReviewPlace,
    ReviewStatus,
)
from kiemdiem.rules import GroupSettings, Outcome, classify
from kiemdiem.rules import Subject as RuleSubject
from kiemdiem.rules.contract import quota_dict
from kiemdiem.rules.facts import Discipline as RuleDiscipline
from kiemdiem.rules.levels import DISCIPLINE_BY_CODE, GRADE_BY_CODE, LEVEL_BY_CODE, Grade

from .models import Decision, DecisionEntry, Reclassification, RemediationItem, RemediationStatus

# Quota groups (subjects of similar position decided together).
GROUPS = {
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


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    blocking: bool = True


@dataclass(slots=True)
class AppraisalRow:
    """One subject's appraisal. ``subject``/``decided`` are model objects only when asked for (pages)."""

    subject: PlanSubject | Any
    subject_id: int = 0
    proposed_level: str = ""
    self_level: str = ""
    max_level: str = ""
    level: str = ""
    classified: bool = True
    not_classified_reason: str = ""
    reasons: list[dict[str, str]] = field(default_factory=list)
    needs_decision: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    decided: DecisionEntry | None = None
    decided_level: str = ""

    @property
    def blocking(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.blocking]


@dataclass
class Appraisal:
    plan: Plan
    rows: list[AppraisalRow]
    quota: list[dict[str, Any]]
    review_date: dt.date

    def row(self, subject: PlanSubject) -> AppraisalRow:
        return next(r for r in self.rows if r.subject_id == subject.pk)


def review_date(plan: Plan) -> dt.date:
    return _review_dates([plan])[plan.pk]


def _review_dates(plans: Sequence[Plan]) -> dict[int, dt.date]:
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
class _Facts:
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
def _index_joins() -> Iterator[None]:
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


def _read_facts(plans: Sequence[Plan], days: dict[int, dt.date]) -> _Facts:
    with _index_joins():
        return _read_facts_joined(plans, days)


def _read_facts_joined(plans: Sequence[Plan], days: dict[int, dt.date]) -> _Facts:
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
    for row in (
        Position.objects.filter(Q(is_head=True) | Q(collective__isnull=False), member_id__in=members)
        .filter(Q(start=None) | Q(start__lte=last), Q(end=None) | Q(end__gte=min(days.values())))
        .order_by()  # grouped by member below; the model's ordering would only add a sort
        .values_list("member_id", "collective_id", "organization_id", "is_head", "start", "end")
    ):
        positions[row[0]].append(row[1:])
    residence_answered = set(
        FeedbackRequest.objects.filter(
            subject__in=reviewed, source=FeedbackSource.RESIDENCE, responses__isnull=False
        ).values_list("subject_id", flat=True)
    )
    return _Facts(
        subjects, at_collective, proposals, disciplines, state, previous, shortcomings, positions,
        residence_answered,
    )  # fmt: skip


def _rule_discipline(rows: list[tuple[Any, ...]]) -> tuple[RuleDiscipline, ...]:
    return tuple(
        RuleDiscipline(DISCIPLINE_BY_CODE[form], decided, violation, duty, self_detected)
        for form, decided, violation, duty, self_detected in rows
    )


def _subjects_of_plan(
    plan: Plan, framework: Any, day: dt.date, rows: list[tuple[Any, ...]], f: _Facts, outstanding: bool
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
                target = by_id.get(body)
                if head is not None and target is not None and body != by_id[head].heads:
                    target.heads = target.heads or head
    groups = {g: GroupSettings(outstanding) for g in {s.group for s in out if s.group}}
    return out, groups


def _outcome_fields(outcome: Outcome) -> tuple[Any, ...]:
    """An outcome as the row's fields from ``max_level`` to ``flags``, built once per shared outcome.

    Rows with the same outcome share these lists: they are read-only.
    """
    return (
        outcome.max_level.name if outcome.max_level is not None else "",
        outcome.level.name if outcome.level is not None else "",
        outcome.classified,
        outcome.not_classified_reason or "",
        [r.as_dict() for r in outcome.reasons],
        list(outcome.needs_decision),
        list(outcome.flags),
    )


_MISSING_REVIEW = Conflict("missing_review", "Chưa nộp bản kiểm điểm / báo cáo kiểm điểm.")
_MISSING_COLLECTIVE = Conflict("missing_collective_review", "Chưa kiểm điểm tại tập thể lãnh đạo.")
_MISSING_VOTE = Conflict("missing_vote", "Chưa có kết quả biểu quyết đề xuất mức xếp loại của hội nghị.")
_MISSING_RESIDENCE = Conflict("missing_residence", "Chưa có nhận xét của chi ủy nơi cư trú (QĐ 213).")
_QUOTA = Conflict("quota", "Nhóm vượt tỷ lệ HTXSNV; đề nghị xem xét hạ mức trước.", blocking=False)


def _conflicts(
    pk: int, kind: str, collective_id: int | None, needs_residence: bool, status: str | None,
    proposed: str, outcome: tuple[Any, ...], f: _Facts, demote: set[int],
    cache: dict[tuple[Any, ...], list[Conflict]],
) -> list[Conflict]:  # fmt: skip
    """What stands in the way of deciding a subject; ``outcome`` is the row's fields from :func:`_outcome_fields`."""
    max_level, reasons, needs_decision = outcome[0], outcome[4], outcome[5]
    key: tuple[Any, ...] = (
        status != ReviewStatus.SUBMITTED,
        bool(collective_id and kind == SubjectKind.LEADER)
        and f.at_collective.get(pk) != ReviewStatus.SUBMITTED,
        pk not in f.proposals and kind != SubjectKind.GRASSROOTS_ORG,
        needs_residence and pk not in f.residence_answered,
        proposed,
        # The outcome's fields are shared per outcome: their identity stands for the reasons and needs.
        id(outcome),
        pk in demote,
    )
    conflicts = cache.get(key)
    if conflicts is not None:
        return list(conflicts)
    conflicts = []
    missing_review, missing_collective, missing_vote, missing_residence = key[:4]
    if missing_review:
        conflicts.append(_MISSING_REVIEW)
    if missing_collective:
        conflicts.append(_MISSING_COLLECTIVE)
    if missing_vote:
        conflicts.append(_MISSING_VOTE)
    if missing_residence:
        conflicts.append(_MISSING_RESIDENCE)
    if proposed and max_level and LEVEL_ORDER[proposed] > LEVEL_ORDER[max_level]:
        rules = ", ".join(r["rule"] for r in reasons)
        conflicts.append(
            Conflict(
                "above_max",
                f"Mức đề xuất {proposed} cao hơn mức tối đa theo quy định {max_level} ({rules}).",
            )
        )
    if needs_decision:
        conflicts.append(
            Conflict(
                "needs_decision",
                "Trường hợp cấp có thẩm quyền xem xét, quyết định: " + ", ".join(needs_decision),
            )
        )
    if key[-1]:
        conflicts.append(_QUOTA)
    cache[key] = conflicts
    return list(conflicts)


def appraise_plans(
    plans: Sequence[Plan],
    outstanding_unit: bool | Mapping[int, bool] = False,
    with_subjects: bool = True,
    only: Mapping[int, set[int]] | None = None,
) -> list[Appraisal]:
    """Thẩm định of several plans at once (a province's grassroots plans): every table is read once.

    Set-based: the facts of all the plans' reviewed subjects are read with one query per table, joined
    on the plans (no per-plan and no per-subject queries), turned into the rules engine's typed facts
    and classified with one :func:`kiemdiem.rules.classify` call per framework and review date, with
    the quota groups of each plan kept apart. ``with_subjects`` attaches the ``PlanSubject`` and
    ``DecisionEntry`` model objects the pages display (one more query each); without it rows carry ids
    and the decided level only. ``only``: per plan, the subject ids to list (all by default).
    """
    with cyclic_gc_paused():
        return _appraise_plans(plans, outstanding_unit, with_subjects, only)


def _appraise_plans(
    plans: Sequence[Plan],
    outstanding_unit: bool | Mapping[int, bool],
    with_subjects: bool,
    only: Mapping[int, set[int]] | None,
) -> list[Appraisal]:
    days = _review_dates(plans)
    f = _read_facts(plans, days)
    rows_by_plan: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for r in f.subjects:
        rows_by_plan[r[1]].append(r)
    batches: dict[tuple[Any, ...], list[Plan]] = defaultdict(list)
    for plan in plans:
        batches[(plan.framework_id, repr(sorted((plan.parameters or {}).items())), days[plan.pk])].append(
            plan
        )
    appraisals: dict[int, Appraisal] = {}
    for batch in batches.values():
        framework = batch[0].framework()
        day = days[batch[0].pk]
        subjects: list[RuleSubject] = []
        groups: dict[str, GroupSettings] = {}
        for plan in batch:
            outstanding = (
                outstanding_unit.get(plan.pk, False)
                if isinstance(outstanding_unit, Mapping)
                else outstanding_unit
            )
            s, g = _subjects_of_plan(plan, framework, day, rows_by_plan[plan.pk], f, outstanding)
            subjects += s
            groups.update(g)
        result = classify(framework, subjects, day, groups)
        quota: dict[int, list[dict[str, Any]]] = defaultdict(list)
        demote: set[int] = set()
        for q in result.quota:
            plan_id, group = q.group.split(":", 1)
            if group == NO_PROPOSAL_GROUP:
                continue
            demote.update(map(int, q.suggested_demotions))
            quota[int(plan_id)].append(
                {**quota_dict(q), "group": group, "label": GROUP_LABELS.get(group, group)}
            )
        outcomes = iter(result.outcomes)
        proposals = f.proposals
        fields: dict[int, tuple[Any, ...]] = {}
        conflict_cache: dict[tuple[Any, ...], list[Conflict]] = {}
        for plan in batch:
            wanted = only.get(plan.pk) if only is not None else None
            rows: list[AppraisalRow] = []
            for r in rows_by_plan[plan.pk]:
                o = next(outcomes)
                pk = r[0]
                if wanted is not None and pk not in wanted:
                    continue
                self_level = r[11] or ""
                proposed = proposals.get(pk) or self_level
                of = fields.get(id(o))
                if of is None:
                    of = fields[id(o)] = _outcome_fields(o)
                conflicts = _conflicts(pk, r[2], r[6], r[7], r[10], proposed, of, f, demote, conflict_cache)
                rows.append(AppraisalRow(None, pk, proposed, self_level, *of, conflicts, None, r[9] or ""))
            appraisals[plan.pk] = Appraisal(plan, rows, quota[plan.pk], day)
    out = [appraisals[p.pk] for p in plans]
    if with_subjects:
        _attach_models(out)
    return out


def _attach_models(appraisals: list[Appraisal]) -> None:
    """Attach the subjects (with member, cell, organization, collective) and decided entries the pages show."""
    plans = {a.plan.pk: a.plan for a in appraisals}
    related = ("member", "cell", "organization", "collective")
    listed = [r.subject_id for a in appraisals for r in a.rows]
    subjects = (
        PlanSubject.objects.select_related(*related).in_bulk(listed)
        if len(listed) < 500
        else {
            s.pk: s
            for s in PlanSubject.objects.filter(plan_id__in=plans, reviewed=True).select_related(*related)
        }
    )
    decided = {e.subject_id: e for e in DecisionEntry.objects.filter(subject__plan_id__in=plans)}
    for a in appraisals:
        for r in a.rows:
            subject = r.subject = subjects[r.subject_id]
            subject.plan = a.plan  # the plan object the caller holds, not one copy per row
            r.decided = decided.get(r.subject_id)


def appraise(
    plan: Plan, subjects: QuerySet[PlanSubject] | None = None, outstanding_unit: bool = False
) -> Appraisal:
    """Thẩm định of one plan: run the regulation on every reviewed subject and list the conflicts per subject.

    ``subjects`` limits the rows listed (the whole plan is still classified: quotas and the
    collective-to-individual links need every subject).
    """
    only = (
        None
        if subjects is None
        else {plan.pk: set(subjects.filter(reviewed=True).values_list("pk", flat=True))}
    )
    return appraise_plans([plan], outstanding_unit, only=only)[0]


def decided_ids(plan: Plan) -> set[int]:
    return set(DecisionEntry.objects.filter(subject__plan=plan).values_list("subject_id", flat=True))


def order_problems(
    plan: Plan, subject: PlanSubject, pending: set[int], decided: set[int] | None = None
) -> list[str]:
    """Order constraints: members and subordinate organizations before their organization; collective before head.

    ``decided``: the ids already decided (computed once by callers checking many subjects).
    """
    decided = (decided_ids(plan) if decided is None else decided) | pending
    problems = []
    reviewed = plan.subjects.filter(reviewed=True)
    if subject.kind == SubjectKind.CELL:
        # The cell's own head (bí thư) is decided after the cell (C-ORD-03), so he/she is not awaited here.
        heads = Position.objects.filter(
            period_q(review_date(plan)), organization_id=subject.organization_id, is_head=True
        )
        missing = (
            reviewed.filter(cell=subject.organization, member__isnull=False)
            .exclude(pk__in=decided)
            .exclude(member_id__in=heads.values("member_id"))
            .count()
        )
        if missing:
            problems.append(f"Còn {missing} đảng viên của {subject.name} chưa được quyết định xếp loại.")
    if subject.kind == SubjectKind.GRASSROOTS_ORG:
        missing = reviewed.filter(kind=SubjectKind.CELL).exclude(pk__in=decided).count()
        if missing:
            problems.append(f"Còn {missing} chi bộ chưa được quyết định xếp loại.")
    if subject.member_id:
        headed = Position.objects.filter(
            period_q(review_date(plan)), member_id=subject.member_id, is_head=True
        )
        for pos in headed:
            if not pos.collective_id and not pos.organization_id:
                continue  # head of a body outside the party tree (e.g. a mass organization)
            target = (
                reviewed.filter(
                    kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=pos.collective_id
                ).first()
                if pos.collective_id
                else reviewed.filter(member__isnull=True, organization_id=pos.organization_id).first()
            )
            if target is not None and target.pk not in decided:
                problems.append(
                    f"Người đứng đầu được xếp loại sau tập thể: {target.name} chưa được quyết định."
                )
    return problems


@transaction.atomic
def create_decision(
    plan: Plan, *, number: str, date: dt.date, actor: Any, outstanding_unit: bool = False
) -> Decision:
    """Quyết định xếp loại (the document): number unique in the plan, dated within the review year."""
    number = (number or "").strip()
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = ["Cần nhập số quyết định."]
    elif Decision.objects.filter(plan=plan, number=number).exists():
        errors["number"] = [f"Kế hoạch này đã có quyết định số {number}."]
    if date < plan.issued_on:
        errors["date"] = [
            f"Ngày quyết định không được trước ngày ban hành kế hoạch ({plan.issued_on:%d/%m/%Y})."
        ]
    elif date.year > plan.year + 1:
        errors["date"] = [f"Ngày quyết định phải thuộc năm {plan.year} hoặc đầu năm sau."]
    if outstanding_unit and not plan.framework().quota.outstanding_ratio:
        errors["outstanding_unit"] = [
            "Quy định áp dụng cho kế hoạch này không có tỷ lệ nâng cho đơn vị nổi bật."
        ]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        plan=plan,
        number=number,
        date=date,
        outstanding_unit=outstanding_unit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(actor, "decision.create", decision, f"Tạo {decision}")
    return decision


@dataclass
class Choice:
    subject: PlanSubject
    level: str
    reason: str = ""
    overrides: list[str] = field(default_factory=list)


@transaction.atomic
def decide(decision: Decision, choices: list[Choice], actor: Any) -> list[DecisionEntry]:
    """Quyết định xếp loại for several subjects at once; all-or-nothing with every problem listed.

    - a level above the rules' maximum, a needs-decision case, or a missing step is refused unless that
      conflict is listed in ``overrides`` and a reason is given (the competent body takes responsibility);
    - every difference from the proposed level needs a reason;
    - order: members and subordinate organizations before their organization, the collective before its head;
    - the quota (HTXSNV ≤ cap of the group's HTTNV, on the final decided distribution) is never overridden.
    """
    plan = decision.plan
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    ids = [c.subject.pk for c in choices]
    appraisal = appraise(plan, plan.subjects.filter(pk__in=ids), outstanding_unit=decision.outstanding_unit)
    problems: list[str] = []
    pending = set(ids)
    already = decided_ids(plan)
    for choice in choices:
        s = choice.subject
        if choice.level not in LEVEL_ORDER:
            problems.append(f"{s.name}: mức xếp loại không hợp lệ.")
            continue
        if DecisionEntry.objects.filter(subject=s).exists():
            problems.append(f"{s.name}: đã có quyết định; muốn thay đổi phải xếp loại lại (Mẫu 03).")
            continue
        row = appraisal.row(s)
        for conflict in row.blocking:
            if conflict.code == "above_max":
                if LEVEL_ORDER[choice.level] <= LEVEL_ORDER.get(row.max_level, 0):
                    continue
            if conflict.code not in choice.overrides:
                problems.append(f"{s.name}: {conflict.message}")
            elif not choice.reason.strip():
                problems.append(f"{s.name}: cho qua cảnh báo “{conflict.message}” cần ghi lý do.")
        if (
            row.max_level
            and LEVEL_ORDER[choice.level] > LEVEL_ORDER[row.max_level]
            and "above_max" not in choice.overrides
        ):
            problems.append(
                f"{s.name}: mức {choice.level} cao hơn mức tối đa theo quy định ({row.max_level})."
            )
        if row.proposed_level and choice.level != row.proposed_level and not choice.reason.strip():
            problems.append(
                f"{s.name}: mức quyết định khác mức đề xuất ({row.proposed_level}) cần ghi lý do."
            )
        problems += [f"{s.name}: {p}" for p in order_problems(plan, s, pending - {s.pk}, already)]
    problems += quota_problems(decision, choices)
    if problems:
        raise ValidationError(problems)
    entries = []
    for choice in choices:
        row = appraisal.row(choice.subject)
        entries.append(
            DecisionEntry.objects.create(
                decision=decision,
                subject=choice.subject,
                proposed_level=row.proposed_level,
                max_level=row.max_level,
                level=choice.level,
                reason=choice.reason.strip(),
                explanation=row.reasons,
                overrides=choice.overrides,
                decided_by=actor,
            )
        )
        record(
            actor,
            "decision.entry",
            decision,
            f"{choice.subject.name}: {choice.level}",
            changes={"proposed": row.proposed_level, "level": choice.level},
            reason=choice.reason,
        )
    return entries


def quota_problems(decision: Decision, choices: list[Choice]) -> list[str]:
    """The decided distribution (existing entries plus these choices) must respect each group's cap."""
    fw = decision.plan.framework()
    policy = fw.quota
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, level in DecisionEntry.objects.filter(subject__plan=decision.plan).values_list(
        "subject__kind", "level"
    ):
        counts[GROUPS[kind]][level] += 1
    for c in choices:
        counts[GROUPS[c.subject.kind]][c.level] += 1
    problems = []
    for group, levels in counts.items():
        kinds = [k for k, g in GROUPS.items() if g == group]
        if not set(kinds) & set(policy.kinds):
            continue
        cap = policy.cap(levels["HTTNV"], outstanding=decision.outstanding_unit)
        if levels["HTXSNV"] > cap:
            problems.append(
                f"{GROUP_LABELS[group]}: {levels['HTXSNV']} HTXSNV vượt tỷ lệ cho phép ({cap} = "
                f"{policy.outstanding_ratio if decision.outstanding_unit and policy.outstanding_ratio else policy.ratio:.0%} "
                f"của {levels['HTTNV']} HTTNV, làm tròn xuống)."
            )
    return problems


@transaction.atomic
def reclassify(
    entry: DecisionEntry,
    new_level: str,
    reason: str,
    actor: Any,
    *,
    number: str = "",
    date: dt.date | None = None,
) -> Reclassification:
    """Xếp loại lại (Mẫu 03): only by the competent body, always with a reason; the quota still holds."""
    if not reason.strip():
        raise ValidationError("Cần ghi lý do xếp loại lại.")
    if new_level not in LEVEL_ORDER or new_level == entry.level:
        raise ValidationError("Mức xếp loại mới không hợp lệ hoặc không thay đổi.")
    entry = DecisionEntry.objects.select_for_update().get(pk=entry.pk)
    old = entry.level
    entry.level = new_level
    entry.save(update_fields=["level"])
    problems = quota_problems(entry.decision, [])
    if problems:
        raise ValidationError(problems)
    rec = Reclassification.objects.create(
        entry=entry,
        old_level=old,
        new_level=new_level,
        reason=reason.strip(),
        number=number,
        date=date or timezone.localdate(),
        decided_by=actor,
    )
    record(
        actor,
        "decision.reclassify",
        entry.decision,
        f"Xếp loại lại {entry.subject.name}: {old} → {new_level}",
        reason=reason,
    )
    return rec


@transaction.atomic
def publish_results(plan: Plan, actor: Any) -> int:
    """Công bố: every decided result becomes visible to its subject (own result) and to the cell."""
    n = DecisionEntry.objects.filter(subject__plan=plan, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    record(actor, "decision.publish", plan, f"Công bố {n} kết quả xếp loại")
    return n


def progress(plan: Plan, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Tiến độ per cell and step against the plan's deadlines: done / late / missing, with the lists."""
    today = today or dates.today()
    steps = {s.code: s for s in plan.steps.all()}
    rows = []
    subjects = plan.subjects.filter(reviewed=True)
    reviews = set(
        Review.objects.filter(
            subject__plan=plan, status=ReviewStatus.SUBMITTED, place=ReviewPlace.CELL
        ).values_list("subject_id", flat=True)
    )
    voted = set(
        MeetingItem.objects.filter(subject__plan=plan)
        .exclude(proposed_level="")
        .values_list("subject_id", flat=True)
    )
    decided = set(DecisionEntry.objects.filter(subject__plan=plan).values_list("subject_id", flat=True))
    acks = dict(plan.acknowledgements.values_list("cell_id", "acknowledged_at"))
    by_cell: dict[int, list[PlanSubject]] = defaultdict(list)
    for s in subjects.filter(kind__in=INDIVIDUAL_KINDS).select_related("member").order_by("member__sort_key"):
        by_cell[s.cell_id].append(s)
    for cell_subject in (
        subjects.filter(kind=SubjectKind.CELL).select_related("organization").order_by("organization__path")
    ):
        members = by_cell.get(cell_subject.organization_id, [])
        row: dict[str, Any] = {"cell": cell_subject.organization, "members": len(members), "steps": []}
        for code, done_ids, label in (
            ("bao_cao_tap_the", reviews, "Báo cáo tập thể"),
            ("ban_kiem_diem", reviews, "Bản kiểm điểm"),
            ("hoi_nghi", voted, "Biểu quyết"),
            ("quyet_dinh", decided, "Quyết định"),
        ):
            targets = [cell_subject] if code == "bao_cao_tap_the" else members
            missing = [s for s in targets if s.pk not in done_ids]
            step = steps.get(code)
            due = step.due_cells if step and code != "quyet_dinh" else (step.due_committee if step else None)
            state = "done" if not missing else ("late" if due and today > due else "open")
            row["steps"].append(
                {
                    "code": code,
                    "label": label,
                    "done": len(targets) - len(missing),
                    "total": len(targets),
                    "missing": missing,
                    "due": due,
                    "state": state,
                }
            )
        row["acknowledged"] = acks.get(cell_subject.organization_id)
        rows.append(row)
    return rows
