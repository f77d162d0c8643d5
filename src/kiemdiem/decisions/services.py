"""Appraisal (thẩm định) by the rules engine, decisions with quotas and order, re-classification, publication.

The appraisal builds one request of the classification contract (kiemdiem.rules) from the plan's data:
facts from the registry (admission, discipline, state rating), the reviews (scores, grades, tasks), the
meetings (the proposed level) and last year's results; and reads back, per subject, the maximum level
the regulation allows and why. Conflicts block the decision until resolved or overridden with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kiemdiem.audit.services import record
from kiemdiem.lib import dates
from kiemdiem.members.models import Discipline, Position, StateRating, period_q
from kiemdiem.plans.models import INDIVIDUAL_KINDS, Plan, PlanSubject, SubjectKind
from kiemdiem.reviews.models import (
    LEVEL_ORDER,
    FeedbackRequest,
    FeedbackSource,
    MeetingItem,
    Review,
    ReviewPlace,
    ReviewStatus,
)
from kiemdiem.rules import classify_request

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


@dataclass
class AppraisalRow:
    subject: PlanSubject
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
        return next(r for r in self.rows if r.subject.pk == subject.pk)


def review_date(plan: Plan) -> dt.date:
    step = plan.steps.filter(code="quyet_dinh").first()
    return (step.due_committee if step and step.due_committee else None) or dt.date(plan.year, 12, 31)


def _discipline(records: list[Discipline]) -> list[dict[str, Any]]:
    return [
        {
            "form": d.form,
            "decided_on": d.decided_on.isoformat(),
            "violation_on": d.violation_on.isoformat() if d.violation_on else None,
            "duty_related": d.duty_related,
            "self_detected_and_remedied": d.self_detected_and_remedied,
        }
        for d in records
    ]


def _grades(review: Review | None, plan: Plan, kind: str) -> dict[str, str] | None:
    if review is None or not review.grades:
        return None
    criteria = plan.framework().criteria.get(kind)
    keys = {c.id for c in getattr(criteria, "criteria", ()) if c.key}
    order = ["kem", "trung_binh", "tot", "xuat_sac"]
    key = [g for cid, g in review.grades.items() if cid in keys and g in order]
    other = [g for cid, g in review.grades.items() if cid not in keys and g in order]
    if not key or not other:
        return None
    return {"key": min(key, key=order.index), "other": min(other, key=order.index)}


def build_request(
    plan: Plan, subjects: list[PlanSubject], day: dt.date, outstanding_unit: bool = False
) -> dict[str, Any]:
    """One classification-contract request for the plan's reviewed subjects (see classification-contract.md).

    ``subjects`` are all the plan's reviewed subjects: related rows are read by joining on the plan, not
    with lists of ids (large ``IN (…)`` lists dominated the cost at province scale).
    """
    year_start = dt.date(plan.year, 1, 1)
    in_plan = {"member__plan_subjects__plan": plan, "member__plan_subjects__reviewed": True}
    reviews = {
        r.subject_id: r
        for r in Review.objects.filter(subject__plan=plan, subject__reviewed=True, place=ReviewPlace.CELL)
    }
    proposals = dict(
        MeetingItem.objects.filter(subject__plan=plan)
        .exclude(proposed_level="")
        .values_list("subject_id", "proposed_level")
    )
    disciplines: dict[int, list[Discipline]] = defaultdict(list)
    for d in Discipline.objects.filter(decided_on__gte=year_start, decided_on__lte=day, **in_plan):
        disciplines[d.member_id].append(d)
    state = dict(StateRating.objects.filter(year=plan.year, **in_plan).values_list("member_id", "level"))
    previous = dict(
        DecisionEntry.objects.filter(
            subject__plan__year=plan.year - 1,
            subject__plan__organization=plan.organization,
            subject__member__plan_subjects__plan=plan,
        ).values_list("subject__member_id", "level")
    )
    shortcomings: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for item in RemediationItem.objects.filter(
        subject__plan__year=plan.year - 1, subject__plan__organization=plan.organization
    ).select_related("subject"):
        s = item.subject
        key = (
            ("m", s.member_id)
            if s.member_id
            else ("o", s.organization_id)
            if s.organization_id
            else ("c", s.collective_id)
        )
        shortcomings[key][0] += 1
        shortcomings[key][1] += item.status == RemediationStatus.DONE
    by_org = {
        s.organization_id: s for s in subjects if s.kind in (SubjectKind.CELL, SubjectKind.GRASSROOTS_ORG)
    }
    by_coll = {s.collective_id: s for s in subjects if s.kind == SubjectKind.LEADERSHIP_COLLECTIVE}
    grassroots = next((s for s in subjects if s.kind == SubjectKind.GRASSROOTS_ORG), None)
    heads: dict[int, str] = {}
    coll_members: dict[int, set[int]] = defaultdict(set)
    for pos in Position.objects.filter(period_q(day), **in_plan):
        if pos.collective_id:
            coll_members[pos.collective_id].add(pos.member_id)
        if pos.is_head:
            target = by_coll.get(pos.collective_id) if pos.collective_id else by_org.get(pos.organization_id)
            if target is not None:
                heads.setdefault(pos.member_id, str(target.pk))

    out: list[dict[str, Any]] = []
    for s in subjects:
        review = reviews.get(s.pk)
        facts: dict[str, Any] = {"id": str(s.pk), "kind": s.kind, "group": GROUPS[s.kind]}
        proposed = proposals.get(s.pk) or (review.self_level if review else "")
        if proposed:
            facts["proposed_level"] = proposed
        else:
            # Nothing proposed yet: the rules still explain the maximum, but the subject counts in no quota.
            facts["group"] = NO_PROPOSAL_GROUP
        if review is not None:
            if review.score_general is not None and review.score_tasks is not None:
                facts["score"] = {"general": float(review.score_general), "tasks": float(review.score_tasks)}
            grades = _grades(review, plan, s.kind)
            if grades:
                facts["grades"] = grades
            if review.tasks_total is not None:
                facts["tasks"] = {
                    "total": review.tasks_total,
                    "done": review.tasks_done or 0,
                    "on_time": review.tasks_on_time or 0,
                    "exceeded": review.tasks_exceeded or 0,
                    "late": review.tasks_late or 0,
                }
        if s.member_id:
            m = s.member
            facts["admitted_on"] = m.admitted_on.isoformat()
            if s.member_id in disciplines:
                facts["discipline"] = _discipline(disciplines[s.member_id])
            if s.member_id in state:
                facts["civil_servant_level"] = state[s.member_id]
            if s.member_id in previous:
                facts["previous_level"] = previous[s.member_id]
            if s.cell_id in by_org:
                facts["cell"] = str(by_org[s.cell_id].pk)
            if s.member_id in heads:
                facts["heads"] = heads[s.member_id]
            key = ("m", s.member_id)
        elif s.kind == SubjectKind.CELL:
            if grassroots is not None:
                facts["parent"] = str(grassroots.pk)
            key = ("o", s.organization_id)
        elif s.kind == SubjectKind.LEADERSHIP_COLLECTIVE:
            members = coll_members.get(s.collective_id, set())
            records = [d for mid in members for d in disciplines.get(mid, [])]
            if records:
                facts["leadership_discipline"] = _discipline(records)
            key = ("c", s.collective_id)
        else:
            key = ("o", s.organization_id)
        total, remedied = shortcomings.get(key, (0, 0))
        if total:
            facts["prior_shortcomings"] = {"total": total, "remedied": remedied}
        out.append(facts)
    groups = {g: {"outstanding_unit": outstanding_unit} for g in {f["group"] for f in out}}
    return {"framework": plan.framework_id, "review_date": day.isoformat(), "groups": groups, "subjects": out}


def appraise(
    plan: Plan, subjects: QuerySet[PlanSubject] | None = None, outstanding_unit: bool = False
) -> Appraisal:
    """Thẩm định: run the regulation on every reviewed subject and list the conflicts per subject."""
    qs = (subjects if subjects is not None else plan.subjects.all()).filter(reviewed=True)
    all_subjects = list(
        plan.subjects.filter(reviewed=True).select_related("member", "cell", "organization", "collective")
    )
    day = review_date(plan)
    response = classify_request(build_request(plan, all_subjects, day, outstanding_unit))
    results = {r["id"]: r for r in response["results"]}
    wanted = set(qs.values_list("pk", flat=True))
    reviews = {(r.subject_id, r.place): r for r in Review.objects.filter(subject_id__in=wanted)}
    proposals = dict(
        MeetingItem.objects.filter(subject_id__in=wanted)
        .exclude(proposed_level="")
        .values_list("subject_id", "proposed_level")
    )
    residence_answered = set(
        FeedbackRequest.objects.filter(
            subject_id__in=wanted, source=FeedbackSource.RESIDENCE, responses__isnull=False
        ).values_list("subject_id", flat=True)
    )
    decided = {e.subject_id: e for e in DecisionEntry.objects.filter(subject_id__in=wanted)}
    demote = {
        sid
        for q in response["quota"]
        if q["group"] != NO_PROPOSAL_GROUP
        for sid in q.get("suggested_demotions", [])
    }
    rows: list[AppraisalRow] = []
    for s in all_subjects:
        if s.pk not in wanted:
            continue
        res = results[str(s.pk)]
        review = reviews.get((s.pk, ReviewPlace.CELL))
        row = AppraisalRow(
            subject=s,
            proposed_level=proposals.get(s.pk) or (review.self_level if review else ""),
            self_level=review.self_level if review else "",
            max_level=res.get("max_level") or "",
            level=res.get("level") or "",
            classified=res["classified"],
            not_classified_reason=res.get("not_classified_reason") or "",
            reasons=res.get("reasons", []),
            needs_decision=res.get("needs_decision", []),
            flags=res.get("flags", []),
            decided=decided.get(s.pk),
        )
        if review is None or review.status != ReviewStatus.SUBMITTED:
            row.conflicts.append(Conflict("missing_review", "Chưa nộp bản kiểm điểm / báo cáo kiểm điểm."))
        if s.collective_id and s.kind == SubjectKind.LEADER:
            at_coll = reviews.get((s.pk, ReviewPlace.COLLECTIVE))
            if at_coll is None or at_coll.status != ReviewStatus.SUBMITTED:
                row.conflicts.append(
                    Conflict("missing_collective_review", "Chưa kiểm điểm tại tập thể lãnh đạo.")
                )
        if s.pk not in proposals and s.kind != SubjectKind.GRASSROOTS_ORG:
            row.conflicts.append(
                Conflict("missing_vote", "Chưa có kết quả biểu quyết đề xuất mức xếp loại của hội nghị.")
            )
        if s.needs_residence_comment and s.pk not in residence_answered:
            row.conflicts.append(
                Conflict("missing_residence", "Chưa có nhận xét của chi ủy nơi cư trú (QĐ 213).")
            )
        if (
            row.proposed_level
            and row.max_level
            and LEVEL_ORDER[row.proposed_level] > LEVEL_ORDER[row.max_level]
        ):
            rules = ", ".join(r["rule"] for r in row.reasons)
            row.conflicts.append(
                Conflict(
                    "above_max",
                    f"Mức đề xuất {row.proposed_level} cao hơn mức tối đa theo quy định "
                    f"{row.max_level} ({rules}).",
                )
            )
        if row.needs_decision:
            row.conflicts.append(
                Conflict(
                    "needs_decision",
                    "Trường hợp cấp có thẩm quyền xem xét, quyết định: " + ", ".join(row.needs_decision),
                )
            )
        if str(s.pk) in demote:
            row.conflicts.append(
                Conflict("quota", "Nhóm vượt tỷ lệ HTXSNV; đề nghị xem xét hạ mức trước.", blocking=False)
            )
        rows.append(row)
    quota = [
        {**q, "label": GROUP_LABELS.get(q["group"], q["group"])}
        for q in response["quota"]
        if q["group"] != NO_PROPOSAL_GROUP
    ]
    return Appraisal(plan, rows, quota, day)


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
