"""Decisions (quyết định xếp loại) with quotas and order, re-classification, publication: the writes.

Every write checks the appraisal (``appraisal.py``) first; each runs in one transaction with its audit
record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kiemdiem.audit.services import diff, record
from kiemdiem.lib import dates
from kiemdiem.plans.models import Plan, PlanSubject, RemediationItem, RemediationStatus, SubjectKind
from kiemdiem.rules.levels import LEVEL_BY_CODE, level_rank

from .appraisal import AppraisalRow, appraise, decided_ids, order_problems
from .facts import GROUP_LABELS, GROUPS
from .models import Decision, DecisionEntry, Reclassification


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
        if choice.level not in LEVEL_BY_CODE:
            problems.append(f"{s.name}: mức xếp loại không hợp lệ.")
            continue
        if DecisionEntry.objects.filter(subject=s).exists():
            problems.append(f"{s.name}: đã có quyết định; muốn thay đổi phải xếp loại lại (Mẫu 03).")
            continue
        row = appraisal.row(s)
        for conflict in row.blocking:
            if conflict.code == "above_max":
                if level_rank(choice.level) <= level_rank(row.max_level):
                    continue
            if conflict.code not in choice.overrides:
                problems.append(f"{s.name}: {conflict.message}")
            elif not choice.reason.strip():
                problems.append(f"{s.name}: cho qua cảnh báo “{conflict.message}” cần ghi lý do.")
        if (
            row.max_level
            and level_rank(choice.level) > level_rank(row.max_level)
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
    if new_level not in LEVEL_BY_CODE or new_level == entry.level:
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
        date=date or dates.today(),
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


# Chấp nhận hàng loạt: the proposals with no conflict, accepted in one decision.


def cell_of(row: AppraisalRow) -> Any:
    """The cell a row belongs to: the cell itself, or the member's cell (None for the committee's own)."""
    s = row.subject
    return s.organization if s.kind == SubjectKind.CELL else s.cell


def cells_of(rows: list[AppraisalRow]) -> list[Any]:
    """The cells of the rows, in tree order."""
    cells = {c.pk: c for r in rows if (c := cell_of(r)) is not None}
    return sorted(cells.values(), key=lambda c: c.path)


def bulk_targets(rows: list[AppraisalRow]) -> list[tuple[str, str]]:
    targets = [("all", "Toàn đảng bộ (mọi nhóm)")]
    groups = sorted({GROUPS[r.subject.kind] for r in rows})
    targets += [(f"group:{g}", f"Nhóm: {GROUP_LABELS[g]}") for g in groups]
    targets += [(f"cell:{c.pk}", f"{c.name} (chi bộ và đảng viên)") for c in cells_of(rows)]
    return targets


def bulk_choices(rows: list[AppraisalRow], target: str, below_top: bool) -> list[Choice]:
    """The proposals with no conflict at all, inside the target, as decided choices."""
    kind, _, value = target.partition(":")
    picked = []
    for r in rows:
        if r.decided is not None or r.conflicts or not r.proposed_level or not r.classified:
            continue
        if below_top and r.proposed_level == "HTXSNV":
            continue
        if kind == "group" and GROUPS[r.subject.kind] != value:
            continue
        if kind == "cell" and ((c := cell_of(r)) is None or str(c.pk) != value):
            continue
        picked.append(Choice(r.subject, r.proposed_level))
    return picked


# Subjects the order constraints can hold back: organizations and collectives (after their members),
# and leaders (a head after the collective he/she heads). Plain members are never held back.
ORDERED_KINDS = {
    SubjectKind.CELL,
    SubjectKind.GRASSROOTS_ORG,
    SubjectKind.LEADERSHIP_COLLECTIVE,
    SubjectKind.LEADER,
}


def in_order(plan: Plan, choices: list[Choice]) -> tuple[list[Choice], int]:
    """Leave out of a bulk acceptance what ``order_problems`` would refuse now, so that one
    cell with an unresolved member does not block the whole batch (all-or-nothing)."""
    kept = choices
    while True:
        pending = {c.subject.pk for c in kept}
        held = {
            c.subject.pk
            for c in kept
            if c.subject.kind in ORDERED_KINDS
            and order_problems(plan, c.subject, pending - {c.subject.pk})
        }
        if not held:
            return kept, len(choices) - len(kept)
        kept = [c for c in kept if c.subject.pk not in held]


# Kế hoạch khắc phục: the items of a subject's remediation plan, each change in the audit trail.

REMEDIATION_FIELDS = ("shortcoming", "action", "owner", "due_date", "status", "progress_note")
REMEDIATION_STALE = "Nội dung này vừa được người khác sửa. Vui lòng tải lại trang rồi sửa lại."


def _check_remediation(item: RemediationItem) -> None:
    item.full_clean()
    if item.status == RemediationStatus.DONE and not item.progress_note.strip():
        raise ValidationError({"progress_note": "Đã khắc phục: cần ghi kết quả khắc phục."})


@transaction.atomic
def add_remediation(subject: PlanSubject, actor: Any, **values: Any) -> RemediationItem:
    item = RemediationItem(subject=subject, **{f: values[f] for f in REMEDIATION_FIELDS if f in values})
    _check_remediation(item)
    item.save()
    record(
        actor,
        "remediation.create",
        subject,
        f"Thêm nội dung khắc phục: {item.shortcoming[:120]}",
        changes={"thời hạn": item.due_date, "người thực hiện": item.owner},
    )
    return item


@transaction.atomic
def update_remediation(
    item: RemediationItem, actor: Any, *, stamp: str | None = None, **values: Any
) -> RemediationItem:
    """Save the changed fields; ``stamp`` (the ``updated_at`` the editor read) refuses a save over a
    newer edit by someone else, checked under the row lock."""
    subject = item.subject
    item = RemediationItem.objects.select_for_update().get(pk=item.pk)
    if stamp is not None and stamp != item.updated_at.isoformat():
        raise ValidationError(REMEDIATION_STALE)
    before = {f: getattr(item, f) for f in REMEDIATION_FIELDS}
    for f in REMEDIATION_FIELDS:
        if f in values:
            setattr(item, f, values[f])
    _check_remediation(item)
    item.save()
    item.subject = subject
    record(
        actor,
        "remediation.edit",
        subject,
        f"Sửa nội dung khắc phục: {item.shortcoming[:120]}",
        changes=diff(before, {f: getattr(item, f) for f in REMEDIATION_FIELDS}),
    )
    return item


@transaction.atomic
def delete_remediation(item: RemediationItem, actor: Any) -> None:
    record(actor, "remediation.delete", item.subject, f"Xóa nội dung khắc phục: {item.shortcoming[:120]}")
    RemediationItem.objects.filter(pk=item.pk).delete()
