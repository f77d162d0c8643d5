"""Bản kiểm điểm (self-reviews and collective reports) and ý kiến nhận xét (multi-source feedback)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.params.functions import Query

from kiemdiem.access.objects import plan_for, review_for, scope_of, subject_for
from kiemdiem.plans.models import INDIVIDUAL_KINDS, SubjectKind
from kiemdiem.reviews import feedback as feedback_service
from kiemdiem.reviews import services
from kiemdiem.reviews.models import FeedbackRequest, FeedbackSource, MeetingItem, Review, ReviewPlace

from .. import cycle_serialize as out
from ..auth import ApiRequest
from ..cycle_schemas import (
    Created,
    FeedbackRequestOut,
    FeedbackRespond,
    FeedbackResponseOut,
    FeedbackSend,
    FeedbackSummaryRow,
    ReasonIn,
    ReviewOut,
    ReviewUpdate,
)
from ..schemas import InvalidInput, Message
from .plans import NOT_MANAGER

router = Router()

CANNOT_EDIT = "Đồng chí không có quyền viết, sửa bản kiểm điểm này."
NO_REVIEW = "Chưa có bản kiểm điểm tại nơi này."
NOT_SUMMARY = (
    "Chỉ văn phòng Đảng ủy (mọi chi bộ) hoặc bí thư chi bộ (chi bộ mình) xem được bảng tổng hợp ý kiến."
)
NOT_A_PLAN_CELL = "Chi bộ không thuộc kế hoạch, hoặc nằm ngoài phạm vi của bạn."
PLACE_HELP = "Nơi kiểm điểm: chi_bo (mặc định) hoặc tap_the (cán bộ lãnh đạo, lần hai)."


def _review_json(request: ApiRequest, review: Review) -> dict[str, Any]:
    return out.review(review, can_edit=scope_of(request).can_edit_review(review.subject))


def _changes(review: Review, data: dict[str, Any]) -> dict[str, Any]:
    """The sent fields as ``save_review`` takes them: sections and grades merged into the saved ones
    (``save_review`` refuses what does not apply to the subject, as for the web form)."""
    for name, saved in (("sections", review.sections), ("grades", review.grades)):
        if name in data:
            if data[name] is None:  # null: nothing to change (it cannot empty the form)
                del data[name]
            else:
                data[name] = {**saved, **data[name]}
    for name in ("self_level", *services.TEXT_FIELDS):
        if name in data and data[name] is None:
            data[name] = ""
    return data


# --- reviews -------------------------------------------------------------------------------------
@router.get(
    "/subjects/{subject_id}/review",
    response={200: ReviewOut, 404: Message, 422: InvalidInput},
    tags=["Bản kiểm điểm"],
    summary="Bản kiểm điểm của một đối tượng",
    description="Bản kiểm điểm (báo cáo kiểm điểm của tập thể) tại nơi `place`, nếu đã có.",
)
def get_subject_review(
    request: ApiRequest,
    subject_id: int,
    place: ReviewPlace = Query(ReviewPlace.CELL, description=PLACE_HELP),  # noqa: B008
) -> dict[str, Any]:
    subject = subject_for(request, subject_id)
    review = Review.objects.filter(subject=subject, place=place).first()
    if review is None:
        raise Http404(NO_REVIEW)
    return _review_json(request, review)


@router.post(
    "/subjects/{subject_id}/review",
    response={200: ReviewOut, 403: Message, 404: Message, 422: InvalidInput},
    tags=["Bản kiểm điểm"],
    summary="Mở (tạo nếu chưa có) bản kiểm điểm",
    description=(
        "Chính đảng viên; bí thư chi bộ (báo cáo của chi bộ, hoặc nhập thay đảng viên); văn phòng Đảng "
        "ủy. Bản mới gắn với báo cáo của tập thể và điền sẵn kết quả khắc phục năm trước. Gọi lại trả "
        "về bản đã có."
    ),
)
def open_review(
    request: ApiRequest,
    subject_id: int,
    place: ReviewPlace = Query(ReviewPlace.CELL, description=PLACE_HELP),  # noqa: B008
) -> dict[str, Any]:
    scope = scope_of(request)
    subject = subject_for(request, subject_id)
    if not scope.can_edit_review(subject):
        out.forbidden(CANNOT_EDIT)
    review = services.get_or_create_review(subject, place, actor=request.auth)
    return _review_json(request, review)


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewOut, 404: Message},
    tags=["Bản kiểm điểm"],
    summary="Đọc bản kiểm điểm",
    description="Trong phạm vi đối tượng bạn được xem; `can_edit` cho biết bạn có sửa được không.",
)
def get_review(request: ApiRequest, review_id: int) -> dict[str, Any]:
    return _review_json(request, review_for(request, review_id))


@router.patch(
    "/reviews/{review_id}",
    response={200: ReviewOut, 403: Message, 404: Message, 409: Message, 422: InvalidInput},
    tags=["Bản kiểm điểm"],
    summary="Lưu nháp bản kiểm điểm",
    description=(
        "Chỉ các trường được gửi. Gửi kèm `version` đã đọc: nếu người khác vừa lưu, hoặc bản đã khóa "
        "(đã nộp, quá hạn), yêu cầu bị từ chối (409) và không thay đổi gì. Bí thư, văn phòng lưu bản "
        "của đảng viên thì bản được đánh dấu «nhập thay»."
    ),
)
def save_review(request: ApiRequest, review_id: int, payload: ReviewUpdate) -> dict[str, Any]:
    review = review_for(request, review_id)
    if not scope_of(request).can_edit_review(review.subject):
        out.forbidden(CANNOT_EDIT)
    data = _changes(review, payload.model_dump(exclude_unset=True, exclude={"version"}))
    user = request.auth
    try:
        saved = services.save_review(
            review, data, user, version=payload.version, acting_member=user.member if user.member_id else None
        )
    except ValidationError as exc:
        out.conflict_or_invalid(exc)
    return _review_json(request, saved)


@router.post(
    "/reviews/{review_id}/submit",
    response={200: ReviewOut, 403: Message, 404: Message, 409: Message, 422: InvalidInput},
    tags=["Bản kiểm điểm"],
    summary="Nộp bản kiểm điểm",
    description=(
        "Từ chối (422, kèm mọi lý do) khi chưa tự nhận mức, chưa có nội dung, chưa tự chấm điểm (QĐ 366), "
        "tập thể chưa nộp báo cáo (tập thể trước, cá nhân sau), hoặc đã quá hạn."
    ),
)
def submit_review(request: ApiRequest, review_id: int) -> dict[str, Any]:
    review = review_for(request, review_id)
    if not scope_of(request).can_edit_review(review.subject):
        out.forbidden(CANNOT_EDIT)
    submitted = services.submit_review(review, request.auth)
    return _review_json(request, submitted)


@router.post(
    "/reviews/{review_id}/reopen",
    response={200: ReviewOut, 403: Message, 404: Message, 422: InvalidInput},
    tags=["Bản kiểm điểm"],
    summary="Mở lại bản kiểm điểm đã khóa",
    description="Chỉ văn phòng Đảng ủy, luôn kèm lý do (ghi vào nhật ký).",
)
def reopen_review(request: ApiRequest, review_id: int, payload: ReasonIn) -> dict[str, Any]:
    review = review_for(request, review_id)
    if not scope_of(request).can_manage_plan(review.subject.plan):
        out.forbidden(NOT_MANAGER)
    reopened = services.reopen_review(review, request.auth, payload.reason)
    return _review_json(request, reopened)


# --- feedback ------------------------------------------------------------------------------------
@router.post(
    "/plans/{plan_id}/feedback-requests",
    response={200: Created, 403: Message, 404: Message, 422: InvalidInput},
    tags=["Ý kiến nhận xét"],
    summary="Gửi yêu cầu nhận xét",
    description=(
        "Chỉ văn phòng Đảng ủy. Với mọi đảng viên thuộc diện kiểm điểm (hoặc của chi bộ `cell_id`), "
        "gửi đến các nguồn đã chọn; nguồn «nơi cư trú» chỉ cho người sinh hoạt nơi khác, gửi chi bộ nơi "
        "cư trú. Gửi lại không tạo trùng."
    ),
)
def send_feedback_requests(request: ApiRequest, plan_id: int, payload: FeedbackSend) -> dict[str, Any]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id, may="manage")
    if not plan.is_published:
        raise Http404
    subjects = plan.subjects.filter(kind__in=INDIVIDUAL_KINDS, reviewed=True)
    if payload.cell_id is not None:
        cells = plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id")
        if not scope.organizations().filter(pk=payload.cell_id, pk__in=cells).exists():
            raise ValidationError({"cell_id": NOT_A_PLAN_CELL})
        subjects = subjects.filter(cell_id=payload.cell_id)
    n = feedback_service.request_feedback(
        plan,
        [str(s) for s in payload.sources],
        payload.due_date,
        request.auth,
        subjects=subjects,
    )
    return {"created": n}


def _requests(request: ApiRequest) -> QuerySet[FeedbackRequest]:
    return (
        scope_of(request)
        .feedback_requests()
        .select_related("subject__cell", "organization")
        .prefetch_related("responses__responded_by")
    )


@router.get(
    "/feedback-requests",
    response={200: list[FeedbackRequestOut], 422: InvalidInput},
    tags=["Ý kiến nhận xét"],
    summary="Yêu cầu nhận xét tôi trả lời được",
    description=(
        "Bí thư chi bộ nơi cư trú: chỉ yêu cầu về người cư trú gửi chi bộ mình; bí thư chi bộ: yêu cầu "
        "về đảng viên chi bộ mình; văn phòng: mọi yêu cầu của kế hoạch mình quản lý."
    ),
)
def list_feedback_requests(
    request: ApiRequest,
    plan: int | None = Query(None, description="Mã số (id) kế hoạch."),  # noqa: B008
    missing: bool = Query(False, description="Chỉ những yêu cầu chưa có ý kiến."),  # noqa: B008
) -> list[dict[str, Any]]:
    requests = _requests(request)
    if plan is not None:
        requests = requests.filter(subject__plan_id=plan)
    if missing:
        requests = requests.filter(responses__isnull=True)
    requests = requests.order_by(
        "-subject__plan__year", "due_date", "subject__cell__path", "subject__name", "id"
    )
    return [out.feedback_request(r) for r in requests]


@router.post(
    "/feedback-requests/{request_id}/responses",
    response={201: FeedbackResponseOut, 404: Message, 422: InvalidInput},
    tags=["Ý kiến nhận xét"],
    summary="Trả lời yêu cầu nhận xét",
    description="Ghi ý kiến kèm nguồn và ngày; ý kiến của tập thể (đảng viên trong chi bộ, đoàn thể) được ẩn danh.",
)
def respond(request: ApiRequest, request_id: int, payload: FeedbackRespond) -> Status[Any]:
    req = get_object_or_404(_requests(request), pk=request_id)
    response = feedback_service.respond_feedback(
        req,
        request.auth,
        text=payload.text,
        proposed_level=payload.proposed_level,
        anonymous=payload.anonymous,
        responded_on=payload.responded_on,
    )
    return Status(201, out.feedback_response(response))


@router.get(
    "/plans/{plan_id}/feedback-summary",
    response={200: list[FeedbackSummaryRow], 403: Message, 404: Message, 422: InvalidInput},
    tags=["Ý kiến nhận xét"],
    summary="Tổng hợp ý kiến theo từng đảng viên",
    description=(
        "Mỗi đảng viên: mức tự nhận, mức hội nghị đề xuất, ý kiến và mức đề xuất của từng nguồn, nguồn "
        "còn thiếu. Văn phòng: mọi chi bộ (lọc bằng `cell`); bí thư: chi bộ của mình."
    ),
)
def feedback_summary(
    request: ApiRequest,
    plan_id: int,
    cell: int | None = Query(None, description="Mã số (id) chi bộ."),  # noqa: B008
) -> list[dict[str, Any]]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id)
    if not plan.is_published:
        raise Http404
    subjects = scope.plan_subjects().filter(plan=plan, kind__in=INDIVIDUAL_KINDS, reviewed=True)
    if not scope.can_manage_plan(plan):
        mine = [c.pk for c in scope.secretary_cells() if scope.can_run_meeting(plan, c)]
        if not mine:
            out.forbidden(NOT_SUMMARY)
        subjects = subjects.filter(cell_id__in=mine)
    if cell is not None:
        subjects = subjects.filter(cell_id=cell)
    rows = feedback_service.feedback_summary(subjects.select_related("organization", "collective"))
    rows.sort(key=lambda r: (r.subject.cell.path if r.subject.cell else "", r.subject.name, r.subject.pk))
    voted = {
        item.subject_id: item.proposed_level
        for item in MeetingItem.objects.filter(subject__in=[r.subject.pk for r in rows])
        .exclude(proposed_level="")
        .select_related("ballot_box")
        if out.level_shown(item)
    }
    return [
        {
            "subject": out.subject(r.subject),
            "self_level": r.self_level,
            "voted_level": voted.get(r.subject.pk, ""),
            "sources": [
                {
                    "source": s.value,
                    "label": s.label,
                    "requested": s.value in r.requested,
                    "responses": [out.feedback_response(x) for x in r.by_source.get(s.value, [])],
                }
                for s in FeedbackSource
                if s.value in r.requested
            ],
            "missing": r.missing,
        }
        for r in rows
    ]
