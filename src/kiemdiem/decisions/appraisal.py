"""Thẩm định: the rules engine over the plan's facts, per subject the maximum level and why, conflicts.

The appraisal builds one request of the classification contract (kiemdiem.rules) from the facts
(``facts.py``) and reads back, per subject, the maximum level the regulation allows and why. Conflicts
block the decision until resolved or overridden with a reason; the order of decisions (members before
their cell, a collective before its head) is checked here too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kiemdiem.lib.memory import cyclic_gc_paused
from kiemdiem.members.models import Position, period_q
from kiemdiem.plans.models import Plan, PlanSubject, SubjectKind
from kiemdiem.reviews.models import (
    ReviewStatus,
)
from kiemdiem.rules import GroupSettings, Outcome, classify
from kiemdiem.rules import Subject as RuleSubject
from kiemdiem.rules.contract import quota_dict
from kiemdiem.rules.levels import level_rank

from .facts import (
    GROUP_LABELS,
    NO_PROPOSAL_GROUP,
    Facts,
    read_facts,
    review_date,
    review_dates,
    subjects_of_plan,
)
from .models import DecisionEntry


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


# max_level, level, classified, not_classified_reason, reasons, needs_decision, flags
_OutcomeFields = tuple[str, str, bool, str, list[dict[str, str]], list[str], list[str]]


def _outcome_fields(outcome: Outcome) -> _OutcomeFields:
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
    proposed: str, outcome: _OutcomeFields, f: Facts, demote: set[int],
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
    if proposed and max_level and level_rank(proposed) > level_rank(max_level):
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
    days = review_dates(plans)
    f = read_facts(plans, days)
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
            s, g = subjects_of_plan(plan, framework, day, rows_by_plan[plan.pk], f, outstanding)
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
        fields: dict[int, _OutcomeFields] = {}
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
    if subject.kind == SubjectKind.CELL and subject.organization_id is not None:  # (a cell subject has one)
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
            if pos.collective_id:
                target = reviewed.filter(
                    kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=pos.collective_id
                ).first()
            elif pos.organization_id:
                target = reviewed.filter(member__isnull=True, organization_id=pos.organization_id).first()
            else:
                continue  # head of a body outside the party tree (e.g. a mass organization)
            if target is not None and target.pk not in decided:
                problems.append(
                    f"Người đứng đầu được xếp loại sau tập thể: {target.name} chưa được quyết định."
                )
    return problems
