"""Review services: collective reports and self-reviews, feedback, meetings, tallies and secret ballots.

Everything that changes state goes through these functions (views and the API stay thin), each in one
transaction with its audit record, so no request can leave half-written state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kiemdiem.audit.services import record
from kiemdiem.lib import dates, sealed_ballots
from kiemdiem.members.models import Member, Position
from kiemdiem.plans.models import (
    COLLECTIVE_KINDS,
    INDIVIDUAL_KINDS,
    DeadlineLevel,
    PlanSubject,
    RemediationItem,
    SubjectKind,
)
from kiemdiem.rules.levels import LEVEL_CODES
from kiemdiem.rules.procedure import draft_sent_in_time

from .models import (
    GROUP_SOURCES,
    Ballot,
    BallotBox,
    CountedReceipt,
    CountingKey,
    Evidence,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSource,
    Level,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PaperTally,
    Review,
    ReviewPlace,
    ReviewStatus,
    VoteMode,
    VoterRollEntry,
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
    return qs.filter(kind=SubjectKind.CELL, organization_id=subject.cell_id).first()


def review_deadline(subject: PlanSubject, place: str = ReviewPlace.CELL) -> dt.date | None:
    """The plan's deadline for writing this review: cells' deadline at a cell, the committee's otherwise."""
    code = "bao_cao_tap_the" if subject.kind in COLLECTIVE_KINDS else "ban_kiem_diem"
    # The plan's steps are read once per plan object (a review page asks several times).
    steps = subject.plan.__dict__.get("_steps_by_code")
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


def meeting_circulation_warnings(meeting: Meeting) -> list[str]:
    """C-DOC-01 for every collective reviewed at the meeting (its own report), named when there are several."""
    own = meeting.items.filter(subject__member__isnull=True).values("subject_id")
    reviews = Review.objects.filter(subject__in=own, place=ReviewPlace.CELL).select_related("subject__plan")
    found = [(r.subject.name, w) for r in reviews.order_by("subject_id") if (w := circulation_warning(r, meeting.date))]
    return [f"{name}: {w}" if len(found) > 1 else w for name, w in found]


# ----------------------------------------------------------------------------------------------
# Feedback (ý kiến nhận xét nhiều nguồn)
# ----------------------------------------------------------------------------------------------


@transaction.atomic
def request_feedback(
    plan: Any, sources: list[str], due_date: dt.date, actor: Any, subjects: Any = None
) -> int:
    """Create the feedback requests for every reviewed individual (idempotent).

    The residence-place source is sent only for members active elsewhere (QĐ 213), addressed to their
    residence cell; the other sources go to every individual.
    """
    unknown = set(sources) - set(FeedbackSource.values)
    if unknown:
        raise ValidationError(f"Nguồn nhận xét không hợp lệ: {', '.join(sorted(unknown))}.")
    subjects = (
        subjects if subjects is not None else plan.subjects.filter(kind__in=INDIVIDUAL_KINDS, reviewed=True)
    )
    existing = set(FeedbackRequest.objects.filter(subject__plan=plan).values_list("subject_id", "source"))
    created: list[FeedbackRequest] = []
    for s in subjects.select_related("member"):
        for source in sources:
            if (s.pk, source) in existing:
                continue
            if source == FeedbackSource.RESIDENCE:
                if not s.needs_residence_comment:
                    continue
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        organization_id=s.member.residence_cell_id,
                        addressee="Chi ủy chi bộ nơi cư trú",
                        due_date=due_date,
                        created_by=actor,
                    )
                )
            elif source == FeedbackSource.WORKPLACE:
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        addressee=s.member.workplace,
                        due_date=due_date,
                        created_by=actor,
                    )
                )
            else:
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        organization_id=s.cell_id,
                        due_date=due_date,
                        created_by=actor,
                    )
                )
    FeedbackRequest.objects.bulk_create(created)
    record(actor, "feedback.request", plan, f"Gửi {len(created)} yêu cầu nhận xét, hạn {due_date:%d/%m/%Y}")
    return len(created)


@transaction.atomic
def respond_feedback(
    request: FeedbackRequest,
    actor: Any,
    *,
    text: str,
    proposed_level: str = "",
    anonymous: bool = False,
    responded_on: dt.date | None = None,
) -> FeedbackResponse:
    if not text.strip():
        raise ValidationError({"text": "Cần nhập nội dung nhận xét."})
    if proposed_level and proposed_level not in Level.values:
        raise ValidationError({"proposed_level": "Mức xếp loại không hợp lệ."})
    if anonymous and request.source not in GROUP_SOURCES:
        raise ValidationError(
            {"anonymous": "Chỉ ý kiến của tập thể (đảng viên trong chi bộ, đoàn thể) mới được ẩn danh."}
        )
    day = responded_on or dates.today()
    if day > dates.today():
        raise ValidationError({"responded_on": "Ngày nhận xét không được sau hôm nay."})
    response = FeedbackResponse.objects.create(
        request=request,
        text=text.strip(),
        proposed_level=proposed_level,
        anonymous=anonymous,
        responded_by=None if anonymous else actor,
        responded_on=day,
    )
    # An anonymous answer leaves no actor in the audit trail either.
    record(
        None if anonymous else actor,
        "feedback.respond",
        request,
        f"Nhận xét ({request.get_source_display()}) về {request.subject.name}",
    )
    return response


@dataclass
class FeedbackRow:
    subject: PlanSubject
    by_source: dict[str, list[FeedbackResponse]] = field(default_factory=dict)
    requested: set[str] = field(default_factory=set)
    self_level: str = ""

    @property
    def missing(self) -> list[str]:
        return [FeedbackSource(s).label for s in sorted(self.requested) if not self.by_source.get(s)]


def feedback_summary(subjects: Any) -> list[FeedbackRow]:
    """The "tổng hợp ý kiến" sheet: per subject, every source's opinions and proposed levels, and what is missing."""
    rows = {s.pk: FeedbackRow(s) for s in subjects.select_related("member", "cell")}
    for req in FeedbackRequest.objects.filter(subject_id__in=rows).prefetch_related("responses"):
        row = rows[req.subject_id]
        row.requested.add(req.source)
        row.by_source[req.source] = list(req.responses.all())
    for review in Review.objects.filter(subject_id__in=rows, place=ReviewPlace.CELL):
        rows[review.subject_id].self_level = review.self_level
    return list(rows.values())


# ----------------------------------------------------------------------------------------------
# Meetings, votes, secret ballots
# ----------------------------------------------------------------------------------------------

# Điều lệ Đảng practice: a cell meeting is valid with at least 2/3 of its official members (exempt
# members not counted) present. Kept as a constant here; the plan's framework does not define it.
QUORUM = Decimal(2) / Decimal(3)


def quorum_ok(meeting: Meeting) -> bool:
    return meeting.total > 0 and Decimal(meeting.present) >= QUORUM * meeting.total


@transaction.atomic
def open_meeting(
    plan: Any,
    *,
    date: dt.date,
    actor: Any,
    organization: Any = None,
    collective: Any = None,
    attendees: list[Member] | None = None,
    total: int | None = None,
    excused: int = 0,
    chair: Member | None = None,
    secretary: Member | None = None,
    place: str = "",
) -> Meeting:
    """Hội nghị kiểm điểm: the collective's item first, then the head, then the others (C-ORD-01)."""
    if (organization is None) == (collective is None):
        raise ValidationError("Hội nghị phải của một chi bộ hoặc một tập thể lãnh đạo.")
    attendees = attendees or []
    if organization is not None:
        items = plan.subjects.filter(reviewed=True).filter(
            organization=organization, member__isnull=True
        ) | plan.subjects.filter(reviewed=True, cell=organization, member__isnull=False)
        roll = plan.subjects.filter(cell=organization, member__isnull=False, reviewed=True).count()
    else:
        items = plan.subjects.filter(
            reviewed=True, kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective=collective
        ) | plan.subjects.filter(reviewed=True, kind=SubjectKind.LEADER, collective=collective)
        roll = collective.positions.filter(end__isnull=True).values("member").distinct().count()
    total = total if total is not None else roll
    problems = []
    if not plan.is_published:
        problems.append("Kế hoạch chưa ban hành.")
    if len(attendees) + excused > total:
        problems.append("Số người có mặt và vắng có lý do vượt quá số được triệu tập.")
    if organization is not None:
        allowed = set(
            plan.subjects.filter(cell=organization, member__isnull=False).values_list("member_id", flat=True)
        )
    else:
        allowed = set(collective.positions.values_list("member_id", flat=True))
    outsiders = [m.full_name for m in attendees if m.pk not in allowed]
    if outsiders:
        problems.append("Không thuộc danh sách triệu tập: " + ", ".join(outsiders) + ".")
    open_meetings = Meeting.objects.filter(
        plan=plan, organization=organization, collective=collective, status=MeetingStatus.OPEN
    )
    if open_meetings.exists():
        problems.append(
            "Đã có một hội nghị đang họp cho tổ chức này; cần kết thúc trước khi mở hội nghị mới."
        )
    if problems:
        raise ValidationError(problems)
    meeting = Meeting.objects.create(
        plan=plan,
        organization=organization,
        collective=collective,
        date=date,
        place=place,
        chair=chair,
        secretary=secretary,
        total=total,
        present=len(attendees),
        excused=excused,
    )
    meeting.attendees.set(attendees)
    # "Head first" means the head of this cell or collective, not of some other body.
    own_heads = Position.objects.filter(is_head=True, end__isnull=True)
    own_heads = (
        own_heads.filter(organization=organization)
        if organization is not None
        else own_heads.filter(collective=collective)
    )
    heads = set(own_heads.values_list("member_id", flat=True))

    def order(s: PlanSubject) -> tuple[int, str]:
        if s.member_id is None:
            return (0, s.name)
        return (1 if s.member_id in heads else 2, s.member.sort_key if s.member else s.name)

    subjects = sorted(items.select_related("member").distinct(), key=order)
    MeetingItem.objects.bulk_create(
        [MeetingItem(meeting=meeting, subject=s, order=i) for i, s in enumerate(subjects, 1)]
    )
    record(
        actor, "meeting.open", meeting, f"Mở {meeting}", changes={"present": meeting.present, "total": total}
    )
    return meeting


MEETING_CLOSED = "Hội nghị đã kết thúc, không ghi thêm được."


def _check_open(meeting: Meeting) -> None:
    """Nothing is recorded on a meeting that has ended: every write on a meeting checks this here."""
    if meeting.status != MeetingStatus.OPEN:
        raise ValidationError(MEETING_CLOSED)


@transaction.atomic
def add_criticism(item: MeetingItem, actor: Any, who: str, what: str) -> None:
    if not what.strip():
        raise ValidationError("Cần nhập nội dung góp ý.")
    item = MeetingItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _check_open(item.meeting)
    item.criticism = [*item.criticism, {"who": who.strip(), "what": what.strip()}]
    item.save(update_fields=["criticism"])
    record(actor, "meeting.criticism", item.meeting, f"Góp ý đối với {item.subject.name}")


@transaction.atomic
def record_response(item: MeetingItem, actor: Any, response: str, presented: bool) -> MeetingItem:
    """Ý kiến tiếp thu, giải trình of the reviewed person, and whether the review was presented."""
    item = MeetingItem.objects.select_for_update().select_related("meeting", "subject").get(pk=item.pk)
    _check_open(item.meeting)
    item.response = response.strip()
    item.review_presented = presented
    item.save(update_fields=["response", "review_presented"])
    record(actor, "meeting.response", item.meeting, f"Tiếp thu, giải trình: {item.subject.name}")
    return item


def level_from_votes(counts: dict[str, int], voters: int) -> str:
    """The proposed level a vote yields.

    Reading chosen: the highest level L such that the votes for L *or a higher level* are more than half
    of the members who voted (a vote for HTXSNV also supports HTTNV). With no majority at any level
    the result is KHTNV (no level reached the required support).
    """
    if voters <= 0:
        return ""
    cumulative = 0
    for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV"):
        cumulative += counts.get(level, 0)
        if 2 * cumulative > voters:
            return level
    return "KHTNV"


def _check_counts(counts: dict[str, int], invalid: int, present: int) -> dict[str, int]:
    if not isinstance(invalid, int) or invalid < 0:
        raise ValidationError("Số phiếu không hợp lệ phải là số nguyên không âm.")
    clean = {}
    for level in Level.values:
        value = counts.get(level, 0)
        if not isinstance(value, int) or value < 0:
            raise ValidationError("Số phiếu phải là số nguyên không âm.")
        clean[level] = value
    if sum(clean.values()) + invalid > present:
        raise ValidationError(
            f"Tổng số phiếu ({sum(clean.values()) + invalid}) vượt quá số người có mặt ({present})."
        )
    return clean


@transaction.atomic
def enter_paper_tally(item: MeetingItem, actor: Any, counts: dict[str, int], invalid: int = 0) -> str:
    """Kiểm phiếu giấy: two entries by two different people; accepted only when they agree.

    Returns "waiting" after the first entry, "accepted" when the second matches, and raises (keeping
    both entries for comparison) when they differ.
    """
    item = MeetingItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _check_open(item.meeting)
    if item.vote_mode == VoteMode.ONLINE:
        raise ValidationError("Đối tượng này đang biểu quyết bằng phiếu kín trực tuyến.")
    if item.proposed_level:
        raise ValidationError("Kết quả biểu quyết đã được ghi nhận.")
    clean = _check_counts(counts, invalid, item.meeting.present)
    entries = list(item.tallies.order_by("entry_no"))
    if len(entries) >= 2:
        entries[1].delete()
        entries = entries[:1]
    if entries and entries[0].entered_by_id == getattr(actor, "pk", None):
        raise ValidationError("Lần nhập thứ hai phải do người khác thực hiện.")
    PaperTally.objects.create(
        item=item, entry_no=len(entries) + 1, entered_by=actor, counts=clean, invalid=invalid
    )
    item.vote_mode = VoteMode.PAPER
    if not entries:
        item.save(update_fields=["vote_mode"])
        record(actor, "vote.tally1", item.meeting, f"Nhập kết quả kiểm phiếu lần 1: {item.subject.name}")
        return "waiting"
    first = entries[0]
    if first.counts != clean or first.invalid != invalid:
        item.save(update_fields=["vote_mode"])
        raise ValidationError(
            "Hai lần nhập kết quả kiểm phiếu không khớp nhau; cần kiểm tra lại phiếu và nhập lại."
        )
    voters = sum(clean.values())
    item.result = {**clean, "invalid": invalid, "voters": voters}
    item.proposed_level = level_from_votes(clean, voters)
    item.save(update_fields=["vote_mode", "result", "proposed_level"])
    record(
        actor,
        "vote.accept",
        item.meeting,
        f"Chấp nhận kết quả kiểm phiếu: {item.subject.name} — {item.proposed_level}",
    )
    return "accepted"


# Secret ballots. The design (sealed ballots, a counting code that only people hold) and what it
# guarantees are in docs/security.md; the cryptography is in lib/sealed_ballots.py.

# Below this a secret ballot cannot stay secret enough: the totals of a few ballots tell who chose what
# as soon as all but one voter say what they chose, and a unanimous result tells everyone's choice.
# The regulation fixes no number; a cell of fewer members present votes on paper.
MIN_BALLOTS_FOR_RESULTS = 5

LEVEL_INDEX = {level: i for i, level in enumerate(LEVEL_CODES)}  # the sealed ballot's level byte


def _lock_meeting_for_ballots(meeting_id: int) -> Meeting:
    """The meeting row locked: the counting key is made, used and destroyed under this lock."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _stored_key(key: CountingKey) -> sealed_ballots.LockedKey:
    return sealed_ballots.LockedKey(bytes(key.public_key), bytes(key.salt), bytes(key.locked_private_key))


@transaction.atomic
def open_ballot(item: MeetingItem, actor: Any) -> BallotBox:
    """Mở bỏ phiếu kín: the voter roll is frozen from the members present at the meeting.

    The first box opened while none of the meeting's boxes is open makes the meeting's counting key;
    its code is set on the returned box as ``counting_code`` (shown once, never stored). Boxes opened
    while another is open use the same key and code (``counting_code`` is then None).
    """
    item = MeetingItem.objects.select_for_update().select_related("meeting", "subject").get(pk=item.pk)
    meeting = _lock_meeting_for_ballots(item.meeting_id)
    _check_open(meeting)
    if item.vote_mode == VoteMode.PAPER or item.proposed_level:
        raise ValidationError("Đối tượng này đã biểu quyết bằng phiếu giấy.")
    if BallotBox.objects.filter(item=item).exists():
        raise ValidationError("Đã mở bỏ phiếu cho đối tượng này.")
    attendees = list(meeting.attendees.all())
    if len(attendees) < MIN_BALLOTS_FOR_RESULTS:
        raise ValidationError(
            f"Bỏ phiếu kín trực tuyến cần ít nhất {MIN_BALLOTS_FOR_RESULTS} đảng viên có mặt "
            "(ít hơn thì tổng số phiếu để lộ ai chọn mức nào); hãy biểu quyết bằng phiếu giấy."
        )
    code = None
    if not CountingKey.objects.filter(meeting=meeting).exists():
        locked, code = sealed_ballots.new_key()
        CountingKey.objects.create(
            meeting=meeting,
            public_key=locked.public_key,
            salt=locked.salt,
            locked_private_key=locked.locked_private_key,
        )
    box = BallotBox.objects.create(item=item, opened_by=actor)
    VoterRollEntry.objects.bulk_create([VoterRollEntry(box=box, member=m) for m in attendees])
    item.vote_mode = VoteMode.ONLINE
    item.save(update_fields=["vote_mode"])
    record(actor, "vote.open", meeting, f"Mở bỏ phiếu kín: {item.subject.name} ({len(attendees)} cử tri)")
    box.counting_code = sealed_ballots.format_code(code) if code else None  # type: ignore[attr-defined]
    return box


def _receipt_hash(box: BallotBox, code: str) -> str:
    return hashlib.sha256(f"{box.pk}:{sealed_ballots.normalize_code(code)}".encode()).hexdigest()


@transaction.atomic
def cast_ballot(box: BallotBox, member: Member, level: str) -> str:
    """Bỏ phiếu: one ballot per voter, impossible twice even under concurrent requests.

    The roll entry is flipped with a conditional UPDATE (only one request can change it from False to
    True). The ballot is written in the same transaction, sealed under the meeting's public key: the
    database links this row to the voter (same transaction id), but the row holds no level a reader
    could see. Returns the receipt code the voter keeps to check that the ballot was counted.
    """
    if level not in LEVEL_INDEX:
        raise ValidationError("Mức xếp loại không hợp lệ.")
    box = (
        BallotBox.objects.select_for_update(of=("self",))
        .select_related("item__meeting__counting_key")
        .get(pk=box.pk)
    )
    if not box.is_open:
        raise ValidationError("Hòm phiếu đã đóng.")
    key = getattr(box.item.meeting, "counting_key", None)
    if key is None:  # not reachable through the services: a key lives while a box of its meeting is open
        raise ValidationError("Hòm phiếu không còn khóa kiểm phiếu; hãy báo người điều hành hội nghị.")
    flipped = VoterRollEntry.objects.filter(box=box, member=member, has_voted=False).update(has_voted=True)
    if flipped != 1:
        if VoterRollEntry.objects.filter(box=box, member=member).exists():
            raise ValidationError("Đồng chí đã bỏ phiếu.", code="already_voted")
        raise PermissionDenied("Đồng chí không có trong danh sách cử tri của hòm phiếu này.")
    code = sealed_ballots.new_code(sealed_ballots.RECEIPT_CHARS)
    digest = _receipt_hash(box, code)
    sealed = sealed_ballots.seal(bytes(key.public_key), LEVEL_INDEX[level], bytes.fromhex(digest))
    Ballot.objects.create(box=box, sealed=sealed, receipt_hash=digest)
    return sealed_ballots.format_code(code)


def _drop_key_if_unused(meeting: Meeting) -> None:
    """The counting key is destroyed as soon as no box of the meeting is open."""
    if not BallotBox.objects.filter(item__meeting=meeting, closed_at__isnull=True).exists():
        CountingKey.objects.filter(meeting=meeting).delete()


def _unlock(meeting: Meeting, counting_code: str) -> Any:
    key = CountingKey.objects.filter(meeting=meeting).first()
    if key is None:
        raise ValidationError("Hòm phiếu không còn khóa kiểm phiếu; hãy hủy hòm phiếu và biểu quyết lại.")
    try:
        return sealed_ballots.unlock(_stored_key(key), counting_code)
    except sealed_ballots.WrongCode:
        raise ValidationError(
            "Mã kiểm phiếu không đúng. Nhập mã đã nhận khi mở bỏ phiếu kín của hội nghị này."
        ) from None


def _check_countable(box: BallotBox, cast: int) -> None:
    name = box.item.subject.name
    voted = box.roll.filter(has_voted=True).count()
    if cast != voted:
        raise ValidationError(
            f"{name}: trong hòm có {cast} phiếu nhưng danh sách cử tri ghi {voted} người đã bỏ phiếu; "
            "dữ liệu hòm phiếu đã bị thay đổi ngoài hệ thống. Không kiểm phiếu; hãy hủy hòm phiếu và "
            "biểu quyết lại."
        )
    if cast < MIN_BALLOTS_FOR_RESULTS:
        raise ValidationError(
            f"{name}: mới có {cast} phiếu; cần ít nhất {MIN_BALLOTS_FOR_RESULTS} phiếu để kiểm phiếu mà vẫn "
            "giữ bí mật. Chờ thêm người bỏ phiếu, hoặc hủy hòm phiếu và biểu quyết bằng phiếu giấy."
        )


def _count(box: BallotBox, private: Any, rows: list[tuple[bytes, str]], actor: Any) -> dict[str, int]:
    """Open the ballots in memory, keep the totals and the counted receipts, delete the ballots."""
    levels = Level.values
    counts = dict.fromkeys(levels, 0)
    invalid = 0
    counted: list[str] = []
    for sealed, receipt_hash in rows:
        try:
            index, digest = sealed_ballots.open_sealed(private, sealed)
        except sealed_ballots.MalformedBallot:
            invalid += 1
            continue
        if index >= len(levels) or digest.hex() != receipt_hash:
            invalid += 1
            continue
        counts[levels[index]] += 1
        counted.append(receipt_hash)
    Ballot.objects.filter(box=box).delete()
    CountedReceipt.objects.bulk_create([CountedReceipt(box=box, receipt_hash=h) for h in sorted(counted)])
    box.closed_at = timezone.now()
    box.save(update_fields=["closed_at"])
    voters = sum(counts.values())
    item = box.item
    item.result = {**counts, "invalid": invalid, "voters": voters, "roll": box.roll.count()}
    item.proposed_level = level_from_votes(counts, voters)
    item.save(update_fields=["result", "proposed_level"])
    level = Level(item.proposed_level).label.lower() if item.proposed_level else "không có"
    record(
        actor,
        "vote.close",
        item.meeting,
        f"Kiểm phiếu kín: {item.subject.name} — {voters} phiếu hợp lệ, {invalid} không hợp lệ, đề xuất {level}",
    )
    return counts


@transaction.atomic
def close_ballot(box: BallotBox, actor: Any, counting_code: str) -> dict[str, int]:
    """Đóng hòm phiếu, kiểm phiếu: the counting code opens the ballots in memory; only totals are kept.

    Refused, changing nothing, when the code is wrong, when fewer than the minimum were cast, or when
    the box holds another number of ballots than the roll says were cast (a ballot added or removed
    outside the system). A ballot that does not open under the key, or whose receipt does not match
    its row, is counted as invalid. The ballots are then deleted and their receipts kept, in the
    order of their hashes, as the list of counted ballots.
    """
    box = BallotBox.objects.select_for_update().select_related("item__subject", "item__meeting").get(pk=box.pk)
    meeting = _lock_meeting_for_ballots(box.item.meeting_id)
    _check_open(meeting)
    if not box.is_open:
        raise ValidationError("Hòm phiếu đã đóng.")
    rows = [(bytes(s), h) for s, h in Ballot.objects.filter(box=box).values_list("sealed", "receipt_hash")]
    _check_countable(box, len(rows))
    counts = _count(box, _unlock(meeting, counting_code), rows, actor)
    _drop_key_if_unused(meeting)
    return counts


@transaction.atomic
def close_all_ballots(meeting: Meeting, actor: Any, counting_code: str) -> int:
    """Kiểm phiếu mọi hòm phiếu đang mở của hội nghị, with one entry of the code; all or none.

    Returns the number of boxes counted. Refused, changing nothing, if any box cannot be counted.
    """
    meeting = _lock_meeting_for_ballots(meeting.pk)
    _check_open(meeting)
    boxes = list(
        BallotBox.objects.select_for_update()
        .filter(item__meeting=meeting, closed_at__isnull=True)
        .select_related("item__subject", "item__meeting")
        .order_by("item__order", "item_id")
    )
    if not boxes:
        raise ValidationError("Không có hòm phiếu nào đang mở.")
    rows: dict[int, list[tuple[bytes, str]]] = {b.pk: [] for b in boxes}
    for box_id, sealed, receipt_hash in Ballot.objects.filter(box__in=boxes).values_list(
        "box_id", "sealed", "receipt_hash"
    ):
        rows[box_id].append((bytes(sealed), receipt_hash))
    for box in boxes:
        _check_countable(box, len(rows[box.pk]))
    private = _unlock(meeting, counting_code)
    for box in boxes:
        _count(box, private, rows[box.pk], actor)
    _drop_key_if_unused(meeting)
    return len(boxes)


@transaction.atomic
def cancel_ballot(box: BallotBox, actor: Any, reason: str) -> MeetingItem:
    """Hủy hòm phiếu đang mở: its ballots are discarded unread and the subject can be voted again.

    The way out when too few voted, when the counting code is lost, or when the box was opened by
    mistake. A reason is required and kept in the audit trail.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần ghi lý do hủy hòm phiếu.")
    box = BallotBox.objects.select_for_update().select_related("item__subject").get(pk=box.pk)
    meeting = _lock_meeting_for_ballots(box.item.meeting_id)
    _check_open(meeting)
    if not box.is_open:
        raise ValidationError("Hòm phiếu đã kiểm phiếu xong, không hủy được.")
    item = box.item
    cast = box.ballots.count()
    box.delete()  # its roll and its ballots with it
    item.vote_mode = ""
    item.result = {}
    item.proposed_level = ""
    item.save(update_fields=["vote_mode", "result", "proposed_level"])
    _drop_key_if_unused(meeting)
    record(
        actor,
        "vote.cancel",
        meeting,
        f"Hủy hòm phiếu kín: {item.subject.name} ({cast} phiếu đã bỏ, không mở)",
        reason=reason,
    )
    return item


def ballot_results(box: BallotBox) -> dict[str, int] | None:
    """Totals, only after closing and only when enough ballots were cast that no one is exposed."""
    if box.is_open:
        return None
    result = box.item.result
    if result.get("voters", 0) + result.get("invalid", 0) < MIN_BALLOTS_FOR_RESULTS:
        return None
    return {level: result.get(level, 0) for level in Level.values}


def receipt_state(box: BallotBox, code: str) -> str:
    """Where the ballot with this receipt is: ``counted``, ``in_box`` (not yet counted) or ``unknown``.

    An invalid ballot (one that did not open under the key) is not in the counted list: ``unknown``.
    """
    digest = _receipt_hash(box, code)
    if box.is_open:
        return "in_box" if Ballot.objects.filter(box=box, receipt_hash=digest).exists() else "unknown"
    return "counted" if CountedReceipt.objects.filter(box=box, receipt_hash=digest).exists() else "unknown"


def receipt_counted(box: BallotBox, code: str) -> bool:
    return receipt_state(box, code) != "unknown"


RECEIPT_CHECKS_PER_WINDOW = 10
RECEIPT_CHECK_WINDOW_SECONDS = 600


def check_receipt(box: BallotBox, user: Any, code: str) -> str:
    """``receipt_state`` for a person, at most RECEIPT_CHECKS_PER_WINDOW times in the window.

    Receipts are 80 bits, so guessing is hopeless anyway; the limit keeps the check from being used
    to probe the counted list at all.
    """
    key = f"receipt-check:{getattr(user, 'pk', '')}"
    if not cache.add(key, 1, RECEIPT_CHECK_WINDOW_SECONDS):
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, RECEIPT_CHECK_WINDOW_SECONDS)
            count = 1
        if count > RECEIPT_CHECKS_PER_WINDOW:
            raise ValidationError("Đồng chí đã kiểm tra nhiều lần liên tiếp; hãy thử lại sau 10 phút.")
    return receipt_state(box, code)


@transaction.atomic
def close_meeting(meeting: Meeting, actor: Any, minutes: str = "") -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError("Hội nghị đã kết thúc.")
    open_boxes = list(
        BallotBox.objects.filter(item__meeting=meeting, closed_at__isnull=True)
        .select_related("item__subject")
        .order_by("item__order", "item_id")
    )
    if open_boxes:
        names = ", ".join(b.item.subject.name for b in open_boxes)
        raise ValidationError(
            f"Còn hòm phiếu chưa kiểm phiếu: {names}. Hãy kiểm phiếu hoặc hủy hòm phiếu trước khi kết thúc."
        )
    if minutes:
        meeting.minutes = minutes
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["minutes", "status"])
    record(actor, "meeting.close", meeting, f"Kết thúc {meeting}")
    return meeting
