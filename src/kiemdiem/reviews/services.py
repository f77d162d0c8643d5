"""Reviews: collective reports and self-reviews, what applies to each subject, evidence, submission.

Everything that changes state goes through these functions and those of the sibling modules
(feedback.py, meetings.py, ballots.py): views and the API stay thin, each write is one transaction
with its audit record, so no request can leave half-written state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kiemdiem.audit.services import record
from kiemdiem.lib import dates
from kiemdiem.members.models import Member
from kiemdiem.plans.models import (
    COLLECTIVE_KINDS,
    INDIVIDUAL_KINDS,
    DeadlineLevel,
    PlanStep,
    PlanSubject,
    RemediationItem,
    SubjectKind,
)
from kiemdiem.rules.procedure import draft_sent_in_time

from .models import (
    Evidence,
    Review,
    ReviewPlace,
    ReviewStatus,
)

# ----------------------------------------------------------------------------------------------
# Reviews (báo cáo kiểm điểm tập thể, bản kiểm điểm cá nhân)
# ----------------------------------------------------------------------------------------------

TEXT_FIELDS = (
    "strengths",
    "shortcomings",
    "causes",
    "prior_results",
    "responsibility",
    "remedies",
    "evidence_text",
)
TASK_FIELDS = ("tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeded", "tasks_late")


def collective_subject_for(subject: PlanSubject, place: str) -> PlanSubject | None:
    """The collective whose review an individual review links to: the cell, or the leadership collective."""
    if subject.kind not in INDIVIDUAL_KINDS:
        return None
    qs = subject.plan.subjects
    if place == ReviewPlace.COLLECTIVE and subject.collective_id:
        return qs.filter(kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=subject.collective_id).first()
    if subject.cell_id is None:  # an individual always has a cell; no cell subject matches none
        return None
    return qs.filter(kind=SubjectKind.CELL, organization_id=subject.cell_id).first()


def review_deadline(subject: PlanSubject, place: str = ReviewPlace.CELL) -> dt.date | None:
    """The plan's deadline for writing this review: cells' deadline at a cell, the committee's otherwise."""
    code = "bao_cao_tap_the" if subject.kind in COLLECTIVE_KINDS else "ban_kiem_diem"
    # The plan's steps are read once per plan object (a review page asks several times).
    steps: dict[str, PlanStep] | None = subject.plan.__dict__.get("_steps_by_code")
    if steps is None:
        steps = subject.plan.__dict__["_steps_by_code"] = {s.code: s for s in subject.plan.steps.all()}
    step = steps.get(code)
    if step is None:
        return None
    at_cell = (
        place == ReviewPlace.CELL
        and subject.kind != SubjectKind.GRASSROOTS_ORG
        and subject.kind != SubjectKind.LEADERSHIP_COLLECTIVE
    )
    return step.due_for(DeadlineLevel.CELLS if at_cell else DeadlineLevel.COMMITTEE)


def is_locked(review: Review, today: dt.date | None = None) -> bool:
    """Submitted reviews and drafts past their deadline are locked, unless the office reopened them."""
    if review.status == ReviewStatus.REOPENED:
        return False
    if review.status == ReviewStatus.SUBMITTED:
        return True
    due = review_deadline(review.subject, review.place)
    return due is not None and (today or dates.today()) > due


def prior_remediation_text(subject: PlanSubject) -> str:
    """Last year's remediation plan of the same person or organization, for section III of the form."""
    items = RemediationItem.objects.filter(
        subject__plan__year=subject.plan.year - 1, subject__plan__organization=subject.plan.organization
    )
    if subject.member_id:
        items = items.filter(subject__member_id=subject.member_id)
    elif subject.organization_id:
        items = items.filter(subject__organization_id=subject.organization_id, subject__member__isnull=True)
    elif subject.collective_id:
        items = items.filter(
            subject__collective_id=subject.collective_id, subject__kind=SubjectKind.LEADERSHIP_COLLECTIVE
        )
    lines = [
        f"- {i.shortcoming} — {i.get_status_display().lower()}{': ' + i.progress_note if i.progress_note else ''}"
        for i in items
    ]
    return "\n".join(lines)


@transaction.atomic
def get_or_create_review(subject: PlanSubject, place: str = ReviewPlace.CELL, actor: Any = None) -> Review:
    if not subject.reviewed:
        raise ValidationError(
            f"{subject.name} không thuộc diện kiểm điểm ({subject.get_not_reviewed_reason_display()})."
        )
    if place == ReviewPlace.COLLECTIVE and not subject.collective_id:
        raise ValidationError("Đối tượng này không kiểm điểm tại tập thể lãnh đạo.")
    review = Review.objects.filter(subject=subject, place=place).first()
    if review:
        return review
    collective = collective_subject_for(subject, place)
    linked = Review.objects.filter(subject=collective).order_by("id").first() if collective else None
    review = Review.objects.create(
        subject=subject,
        place=place,
        form_code=subject.form_code,
        collective_review=linked,
        prior_results=prior_remediation_text(subject),
        sections={str(i): "" for i, _ in enumerate(subject.plan.content_items.get(subject.kind, []), 1)},
    )
    record(actor, "review.create", review, f"Tạo bản kiểm điểm của {subject.name}")
    return review


UNKNOWN_SECTION = "Không có mục «{key}» trong nội dung kiểm điểm."
UNKNOWN_CRITERION = "Không có tiêu chí «{key}»."
NOT_FOR_FRAMEWORK = "Quy định áp dụng cho kế hoạch này không dùng trường này."
NOT_FOR_KIND = "Trường này không dùng cho loại đối tượng này."


@dataclass(frozen=True)
class ScoreGroup:
    field: str  # score_general | score_tasks
    id: str  # I | II
    title: str
    max_points: Decimal


@dataclass(frozen=True)
class ReviewFields:
    """Which parts of a review apply to a subject, by its kind and its plan's framework.

    The web form is built from it and ``save_review`` refuses what it excludes (whoever sends it).
    """

    sections: tuple[tuple[str, str], ...]  # (key, title) of the plan's content items for the kind
    tasks: bool  # an individual's task figures (not a collective's)
    scored: bool  # QĐ 366: points per criteria group; else a grade per criterion
    score_groups: tuple[ScoreGroup, ...]
    criteria: tuple[Any, ...]  # the graded criteria (id, title, key) when not scored
    circulated_on: bool  # a collective's draft report is circulated before its meeting


def review_fields(subject: PlanSubject) -> ReviewFields:
    plan = subject.plan
    fw = plan.framework()
    collective = subject.kind in COLLECTIVE_KINDS
    criteria = fw.criteria.get(subject.kind)
    groups: tuple[ScoreGroup, ...] = ()
    if fw.scored:
        by_id = {g.id: g for g in getattr(criteria, "groups", ())}
        groups = tuple(
            ScoreGroup(
                name,
                gid,
                by_id[gid].title if gid in by_id else "",
                Decimal(str(by_id[gid].max_points)) if gid in by_id else Decimal(30 if gid == "I" else 70),
            )
            for name, gid in (("score_general", "I"), ("score_tasks", "II"))
        )
    return ReviewFields(
        sections=tuple((str(i), t) for i, t in enumerate(plan.content_items.get(subject.kind, []), 1)),
        tasks=not collective,
        scored=fw.scored,
        score_groups=groups,
        criteria=() if fw.scored else tuple(getattr(criteria, "criteria", ())),
        circulated_on=collective,
    )


def _not_applicable(review: Review, fields: ReviewFields, data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in data.get("sections") or {}:
        if key not in review.sections:
            errors.setdefault("sections", []).append(UNKNOWN_SECTION.format(key=key))
    if "grades" in data:
        if fields.scored:
            errors.setdefault("grades", []).append(NOT_FOR_FRAMEWORK)
        else:
            ids = {c.id for c in fields.criteria}
            for key in data["grades"] or {}:
                if key not in ids:
                    errors.setdefault("grades", []).append(UNKNOWN_CRITERION.format(key=key))
    for name in ("score_general", "score_tasks"):
        if name in data and not fields.scored:
            errors.setdefault(name, []).append(NOT_FOR_FRAMEWORK)
    for name in TASK_FIELDS:
        if name in data and not fields.tasks:
            errors.setdefault(name, []).append(NOT_FOR_KIND)
    if "circulated_on" in data and not fields.circulated_on:
        errors.setdefault("circulated_on", []).append(NOT_FOR_KIND)
    return errors


def _validate(review: Review) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for group in review_fields(review.subject).score_groups:
        value = getattr(review, group.field)
        if value is not None and not (0 <= value <= group.max_points):
            errors.setdefault(group.field, []).append(f"Điểm nhóm {group.id} phải từ 0 đến {group.max_points:g}.")
    for name in TASK_FIELDS:
        value = getattr(review, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append("Không được là số âm.")
    if errors:
        return errors
    total, done = review.tasks_total, review.tasks_done
    if total is not None:
        for name in TASK_FIELDS[1:]:
            value = getattr(review, name)
            if value is not None and value > total:
                errors.setdefault(name, []).append("Không được lớn hơn tổng số nhiệm vụ được giao.")
        for name in ("tasks_on_time", "tasks_exceeded", "tasks_late"):
            value = getattr(review, name)
            if value is not None and done is not None and value > done:
                errors.setdefault(name, []).append("Không được lớn hơn số nhiệm vụ đã hoàn thành.")
    elif any(getattr(review, n) is not None for n in TASK_FIELDS[1:]):
        errors.setdefault("tasks_total", []).append("Cần nhập tổng số nhiệm vụ, chỉ tiêu được giao.")
    return errors


def _lock(review: Review) -> Review:
    """The review's row, locked for this transaction; the caller's subject (and its plan with the steps
    already read) is reused: a review's subject never changes."""
    current = Review.objects.select_for_update().get(pk=review.pk)
    if Review.subject.is_cached(review) and review.subject_id == current.subject_id:
        current.subject = review.subject
    return current


def _copy_back(review: Review, current: Review) -> None:
    """Give the caller's object the values just saved (what refresh_from_db would read, without the query)."""
    if review is not current:
        for f in Review._meta.concrete_fields:
            setattr(review, f.attname, getattr(current, f.attname))


@transaction.atomic
def save_review(
    review: Review,
    data: dict[str, Any],
    actor: Any,
    *,
    version: int,
    acting_member: Member | None = None,
    today: dt.date | None = None,
) -> Review:
    """Lưu nháp: refuse a stale version (two people editing), a locked review, and invalid values.

    ``acting_member`` is the member the actor is (None for office staff); when it is not the subject's
    member, the review is marked as entered on behalf (nhập thay).
    """
    current = _lock(review)
    if current.version != version:
        raise ValidationError(
            "Bản kiểm điểm vừa được người khác sửa. Vui lòng tải lại trang trước khi lưu.", code="stale"
        )
    if is_locked(current, today):
        raise ValidationError(
            "Bản kiểm điểm đã khóa (đã nộp hoặc quá hạn). Văn phòng Đảng ủy có thể mở lại.", code="locked"
        )
    refused = _not_applicable(current, review_fields(current.subject), data)
    if refused:
        raise ValidationError(refused)
    before = {k: getattr(current, k) for k in data}
    for key, value in data.items():
        setattr(current, key, value)
    errors = _validate(current)
    if errors:
        raise ValidationError(errors)
    subject_member = current.subject.member_id
    if subject_member and (acting_member is None or acting_member.pk != subject_member):
        current.entered_on_behalf = True
        current.entered_by = actor
    current.version += 1
    current.save()
    changed = {k: [str(before[k]), str(v)] for k, v in data.items() if before[k] != v}
    if changed:
        record(
            actor,
            "review.save",
            current,
            f"Lưu bản kiểm điểm của {current.subject.name}",
            changes={k: "đã sửa" for k in changed},
        )
    _copy_back(review, current)
    return current


@transaction.atomic
def add_evidence(review: Review, actor: Any, description: str, upload: Any) -> Evidence:
    """Sản phẩm cụ thể, minh chứng: a file with its description, on a review that is not locked."""
    if is_locked(review):
        raise ValidationError("Bản kiểm điểm đã khóa, không thêm được minh chứng.")
    evidence = Evidence(review=review, description=description, uploaded_by=actor)
    evidence.file.save(PurePath(upload.name).name, upload, save=False)
    evidence.save()
    record(actor, "review.evidence", review, f"Thêm minh chứng “{evidence.description}”")
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, actor: Any) -> None:
    """The row now; the file once the deletion is committed (a rollback keeps both)."""
    review = evidence.review
    if is_locked(review):
        raise ValidationError("Bản kiểm điểm đã khóa, không xóa được minh chứng.")
    record(actor, "review.evidence_delete", review, f"Xóa minh chứng “{evidence.description}”")
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.delete(save=False))


def submission_problems(review: Review) -> list[str]:
    problems: list[str] = []
    if not review.self_level:
        problems.append("Chưa tự nhận mức xếp loại.")
    if not (review.strengths.strip() or any(str(v).strip() for v in review.sections.values())):
        problems.append("Chưa viết nội dung kiểm điểm.")
    if review.subject.plan.framework().scored and (
        review.score_general is None or review.score_tasks is None
    ):
        problems.append("Chưa tự chấm điểm nhóm I và nhóm II.")
    collective = collective_subject_for(review.subject, review.place)
    if collective is not None:
        col_review = Review.objects.filter(subject=collective, status=ReviewStatus.SUBMITTED).first()
        if col_review is None:
            problems.append(
                f"Báo cáo kiểm điểm của tập thể ({collective.name}) chưa hoàn thành: tập thể kiểm điểm trước, cá nhân sau."
            )
    if review.place == ReviewPlace.COLLECTIVE:
        at_cell = Review.objects.filter(
            subject=review.subject, place=ReviewPlace.CELL, status=ReviewStatus.SUBMITTED
        )
        if not at_cell.exists():
            problems.append(
                "Cán bộ lãnh đạo kiểm điểm ở chi bộ trước, sau đó mới kiểm điểm ở tập thể lãnh đạo."
            )
    return problems


@transaction.atomic
def submit_review(review: Review, actor: Any, *, today: dt.date | None = None) -> Review:
    current = _lock(review)
    if current.status == ReviewStatus.SUBMITTED:
        raise ValidationError("Bản kiểm điểm đã được nộp.")
    if is_locked(current, today):
        raise ValidationError("Đã quá hạn nộp bản kiểm điểm. Văn phòng Đảng ủy có thể mở lại.")
    problems = submission_problems(current)
    if problems:
        raise ValidationError(problems)
    if current.collective_review_id is None:
        collective = collective_subject_for(current.subject, current.place)
        if collective is not None:
            current.collective_review = Review.objects.filter(subject=collective).first()
    current.status = ReviewStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.version += 1
    current.save()
    record(actor, "review.submit", current, f"Nộp bản kiểm điểm của {current.subject.name}")
    _copy_back(review, current)
    return current


@transaction.atomic
def reopen_review(review: Review, actor: Any, reason: str) -> Review:
    if not reason.strip():
        raise ValidationError("Cần ghi lý do mở lại bản kiểm điểm.")
    current = Review.objects.select_for_update().get(pk=review.pk)
    current.status = ReviewStatus.REOPENED
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    record(actor, "review.reopen", current, f"Mở lại bản kiểm điểm của {current.subject.name}", reason=reason)
    review.refresh_from_db()
    return current


def circulation_warning(review: Review, meeting_date: dt.date) -> str:
    """C-DOC-01: warn when a collective's draft reached participants too late (366: 3 working days)."""
    fw = review.subject.plan.framework()
    if fw.draft_min_working_days is None:
        return ""
    if review.circulated_on is None:
        return "Dự thảo báo cáo của tập thể chưa được gửi đến người dự hội nghị."
    if not draft_sent_in_time(fw, review.circulated_on, meeting_date):
        return (
            f"Dự thảo gửi ngày {review.circulated_on:%d/%m/%Y}, chưa đủ {fw.draft_min_working_days} ngày làm việc "
            f"trước hội nghị ngày {meeting_date:%d/%m/%Y} (C-DOC-01)."
        )
    return ""
