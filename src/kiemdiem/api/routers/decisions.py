"""Thẩm định, quyết định xếp loại, xếp loại lại, công bố kết quả."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.params.functions import Query

from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.decisions import services
from kiemdiem.decisions.appraisal import appraise
from kiemdiem.decisions.models import Decision, DecisionEntry

from .. import cycle_serialize as out
from ..auth import ApiRequest
from ..cycle_schemas import (
    AppraisalOut,
    DecideIn,
    DecisionCreate,
    DecisionEntryOut,
    DecisionOut,
    Published,
    ReclassificationOut,
    ReclassifyIn,
)
from ..schemas import InvalidInput, Message

router = Router(tags=["Thẩm định, quyết định"])

NOT_APPRAISER = "Chỉ văn phòng, Ban Thường vụ Đảng ủy thẩm định và xem quyết định xếp loại."
NOT_DECIDER = "Chỉ Ban Thường vụ Đảng ủy quyết định, xếp loại lại và công bố kết quả."
NOT_IN_PLAN = "Đối tượng {id} không thuộc kế hoạch."
TWICE = "Đối tượng {id} được chọn hai lần."


def _decision_for(request: ApiRequest, decision_id: int) -> Decision:
    scope = scope_of(request)
    decision = get_object_or_404(
        Decision.objects.select_related("plan__organization"), pk=decision_id, plan__in=scope.plans()
    )
    if not scope.can_appraise(decision.plan):
        out.forbidden(NOT_APPRAISER)
    return decision


def _decision_json(decision: Decision) -> dict[str, Any]:
    entries = decision.entries.select_related("subject").order_by("subject__kind", "subject__name", "id")
    return {
        "id": decision.pk,
        "plan_id": decision.plan_id,
        "number": decision.number,
        "date": decision.date,
        "outstanding_unit": decision.outstanding_unit,
        "entries": [out.decision_entry(e) for e in entries],
    }


@router.get(
    "/plans/{plan_id}/appraisal",
    response={200: AppraisalOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Thẩm định",
    description=(
        "Văn phòng, Ban Thường vụ Đảng ủy. Với mỗi đối tượng: mức đề xuất, mức tối đa quy định cho phép "
        "và căn cứ, các trường hợp cần cấp có thẩm quyền xem xét, các vướng mắc (thiếu bước, vượt mức, "
        "vượt tỷ lệ…); theo nhóm: số lượng theo mức và mức trần HTXSNV."
    ),
)
def appraisal(
    request: ApiRequest,
    plan_id: int,
    outstanding_unit: bool = Query(False, description="Tính tỷ lệ của đơn vị có thành tích nổi bật."),  # noqa: B008
) -> dict[str, Any]:
    plan = plan_for(request, plan_id, may="appraise")
    result = appraise(plan, outstanding_unit=outstanding_unit)
    return {
        "review_date": result.review_date,
        "rows": [
            {
                "subject": out.subject(r.subject),
                "proposed_level": r.proposed_level,
                "self_level": r.self_level,
                "max_level": r.max_level,
                "level": r.level,
                "classified": r.classified,
                "not_classified_reason": r.not_classified_reason,
                "reasons": r.reasons,
                "needs_decision": r.needs_decision,
                "flags": r.flags,
                "conflicts": [
                    {"code": c.code, "message": c.message, "blocking": c.blocking} for c in r.conflicts
                ],
                "decided": (
                    {"entry_id": r.decided.pk, "decision_id": r.decided.decision_id, "level": r.decided.level}
                    if r.decided
                    else None
                ),
            }
            for r in result.rows
        ],
        "quota": result.quota,
    }


@router.get(
    "/plans/{plan_id}/decisions",
    response={200: list[DecisionOut], 403: Message, 404: Message},
    summary="Các quyết định xếp loại của kế hoạch",
    description="Văn phòng, Ban Thường vụ Đảng ủy: số, ngày quyết định và kết quả từng đối tượng.",
)
def list_decisions(request: ApiRequest, plan_id: int) -> list[dict[str, Any]]:
    plan = plan_for(request, plan_id, may="appraise")
    return [_decision_json(d) for d in plan.decisions.order_by("date", "number", "id")]


@router.post(
    "/plans/{plan_id}/decisions",
    response={201: DecisionOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Tạo quyết định xếp loại",
    description="Ban Thường vụ Đảng ủy: số và ngày của văn bản quyết định; rồi quyết định từng đối tượng.",
)
def create_decision(request: ApiRequest, plan_id: int, payload: DecisionCreate) -> Status[Any]:
    plan = plan_for(request, plan_id, may="decide")
    decision = services.create_decision(
        plan,
        number=payload.number,
        date=payload.date,
        outstanding_unit=payload.outstanding_unit,
        actor=request.auth,
    )
    return Status(201, _decision_json(decision))


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionOut, 403: Message, 404: Message},
    summary="Quyết định xếp loại",
    description="Văn phòng, Ban Thường vụ Đảng ủy.",
)
def get_decision(request: ApiRequest, decision_id: int) -> dict[str, Any]:
    return _decision_json(_decision_for(request, decision_id))


@router.post(
    "/decisions/{decision_id}/entries",
    response={201: list[DecisionEntryOut], 403: Message, 404: Message, 422: InvalidInput},
    summary="Quyết định mức xếp loại",
    description=(
        "Ban Thường vụ Đảng ủy, cho một danh sách đối tượng: tất cả hoặc không. Bị từ chối (422, liệt kê "
        "mọi vướng mắc) khi vượt mức quy định, khác đề xuất mà không có lý do, còn vướng mắc chưa cho qua "
        "(`overrides` kèm `reason`), sai thứ tự (đảng viên trước chi bộ, tập thể trước người đứng đầu) "
        "hoặc vượt tỷ lệ."
    ),
)
def decide(request: ApiRequest, decision_id: int, payload: DecideIn) -> Status[Any]:
    decision = _decision_for(request, decision_id)
    if not scope_of(request).can_decide(decision.plan):
        out.forbidden(NOT_DECIDER)
    ids = [c.subject_id for c in payload.choices]
    subjects = {s.pk: s for s in decision.plan.subjects.filter(pk__in=ids).select_related("member", "cell")}
    problems = [NOT_IN_PLAN.format(id=i) for i in ids if i not in subjects]
    problems += [TWICE.format(id=i) for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise ValidationError(problems)
    choices = [
        services.Choice(subjects[c.subject_id], str(c.level), c.reason, list(c.overrides))
        for c in payload.choices
    ]
    entries = services.decide(decision, choices, request.auth)
    return Status(201, [out.decision_entry(e) for e in entries])


@router.post(
    "/decision-entries/{entry_id}/reclassify",
    response={201: ReclassificationOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Xếp loại lại (Mẫu 03)",
    description="Ban Thường vụ Đảng ủy, luôn kèm lý do; tỷ lệ vẫn được kiểm tra.",
)
def reclassify(request: ApiRequest, entry_id: int, payload: ReclassifyIn) -> Status[Any]:
    scope = scope_of(request)
    entry = get_object_or_404(
        DecisionEntry.objects.select_related("subject__plan__organization", "decision"),
        pk=entry_id,
        subject__plan__in=scope.plans(),
    )
    if not scope.can_decide(entry.subject.plan):
        out.forbidden(NOT_DECIDER)
    rec = services.reclassify(
        entry,
        str(payload.new_level),
        payload.reason,
        request.auth,
        number=payload.number,
        date=payload.date,
    )
    return Status(
        201,
        {
            "id": rec.pk,
            "entry_id": entry.pk,
            "old_level": rec.old_level,
            "new_level": rec.new_level,
            "reason": rec.reason,
            "number": rec.number,
            "date": rec.date,
        },
    )


@router.post(
    "/plans/{plan_id}/publish-results",
    response={200: Published, 403: Message, 404: Message},
    summary="Công bố kết quả xếp loại",
    description="Ban Thường vụ Đảng ủy: mỗi đối tượng thấy kết quả của mình, chi bộ thấy của đảng viên mình.",
)
def publish_results(request: ApiRequest, plan_id: int) -> dict[str, Any]:
    plan = plan_for(request, plan_id, may="decide")
    return {"published": services.publish_results(plan, request.auth)}
