"""Kế hoạch: the year's plan, its subjects, publication and acknowledgement; progress per cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Status
from ninja.params.functions import Query

from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.access.scope import Scope
from kiemdiem.lib import dates
from kiemdiem.organizations.models import OrganizationQuerySet, OrgKind
from kiemdiem.plans import services
from kiemdiem.plans.models import Plan, PlanAcknowledgement, SubjectKind
from kiemdiem.plans.services import update_plan
from kiemdiem.reports.progress import progress as plan_progress

from .. import cycle_serialize as out
from ..auth import ApiRequest
from ..cycle_schemas import (
    AcknowledgeIn,
    AcknowledgementOut,
    PlanCreate,
    PlanDetail,
    PlanOut,
    PlanUpdate,
    ProgressOut,
    SubjectCounts,
    SubjectPage,
)
from ..schemas import InvalidInput, Message
from ..serialize import org_ref

router = Router(tags=["Kế hoạch"])

NOT_MANAGER = "Chỉ văn phòng Đảng ủy ban hành kế hoạch mới thực hiện được thao tác này."
NO_COMMITTEE = "Bạn không quản lý đảng ủy cơ sở nào để ban hành kế hoạch."
NOT_SECRETARY = "Chỉ bí thư chi bộ nhận kế hoạch mới xác nhận được, và chỉ cho chi bộ của mình."
NO_PROGRESS = "Bạn không được xem tiến độ của kế hoạch này."
UNKNOWN_FRAMEWORK = "Không có quy định «{id}»."
MAX_PAGE_SIZE = 500


def plan_detail(request: ApiRequest, plan: Plan) -> dict[str, Any]:
    scope = scope_of(request)
    can_manage = scope.can_manage_plan(plan)
    summary = services.subjects_summary(plan)
    acks = plan.acknowledgements.select_related("cell").order_by("cell__path")
    if not can_manage:
        acks = acks.filter(cell__in=scope.secretary_cells())
    return out.plan(plan, can_manage=can_manage) | {
        "purpose": plan.purpose,
        "framework_reason": plan.framework_reason,
        "launch_place": plan.launch_place,
        "launch_chair": out.member_brief(plan.launch_chair) if plan.launch_chair_id else None,
        "launch_attendees": plan.launch_attendees,
        "content_items": plan.content_items,
        "steps": [out.step(s) for s in plan.steps.all()],
        "problems": services.publication_problems(plan) if can_manage and not plan.is_published else [],
        "subjects": {
            "reviewed": summary["reviewed"],
            "not_reviewed": len(summary["not_reviewed"]),
            "by_kind": summary["by_kind"],
            "residence": summary["residence"],
        },
        "acknowledgements": [{"cell": org_ref(a.cell), "acknowledged_at": a.acknowledged_at} for a in acks],
    }


def _committees(scope: Scope) -> OrganizationQuerySet:
    return scope.manageable_organizations().filter(
        kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL]
    )


@router.get(
    "/plans",
    response=list[PlanOut],
    summary="Danh sách kế hoạch kiểm điểm",
    description=(
        "Văn phòng, Ban Thường vụ, cấp trên: mọi kế hoạch trong phạm vi (cả dự thảo); bí thư chi bộ, "
        "đảng viên: các kế hoạch đã ban hành của cấp ủy cấp trên chi bộ mình."
    ),
)
def list_plans(request: ApiRequest) -> list[dict[str, Any]]:
    scope = scope_of(request)
    return [out.plan(p, can_manage=scope.can_manage_plan(p)) for p in scope.plans()]


@router.post(
    "/plans",
    response={201: PlanDetail, 403: Message, 422: InvalidInput},
    summary="Tạo kế hoạch",
    description=(
        "Chỉ văn phòng Đảng ủy. Quy định chọn theo năm; chọn quy định khác cần `framework_reason`. "
        "Các bước và nội dung kiểm điểm lấy từ quy định; đặt hạn bằng `PATCH /api/plans/{id}`."
    ),
)
def create_plan(request: ApiRequest, payload: PlanCreate) -> Status[Any]:
    scope = scope_of(request)
    committees = _committees(scope).order_by("path")
    if payload.organization_id is not None:
        committees = committees.filter(pk=payload.organization_id)
    committee = committees.first()
    if committee is None:
        out.forbidden(NO_COMMITTEE)
    data = payload.model_dump(exclude={"organization_id"})
    try:
        plan = services.create_plan(committee, actor=request.auth, **data)
    except KeyError as exc:
        raise ValidationError({"framework_id": UNKNOWN_FRAMEWORK.format(id=payload.framework_id)}) from exc
    return Status(201, plan_detail(request, plan))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetail, 404: Message},
    summary="Chi tiết kế hoạch",
    description=(
        "Các bước và hạn chót, hội nghị triển khai, số đối tượng; với người quản lý kế hoạch dự thảo: "
        "những lý do chưa ban hành được (`problems`); xác nhận đã nhận của các chi bộ."
    ),
)
def get_plan(request: ApiRequest, plan_id: int) -> dict[str, Any]:
    return plan_detail(request, plan_for(request, plan_id))


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanDetail, 403: Message, 404: Message, 409: Message, 422: InvalidInput},
    summary="Sửa kế hoạch dự thảo: hạn chót, hội nghị triển khai",
    description=(
        "Chỉ văn phòng Đảng ủy, khi kế hoạch còn là dự thảo. Gửi kèm `version` đã đọc: nếu người khác "
        "vừa sửa, yêu cầu bị từ chối (409) và không thay đổi gì. `steps`: hạn theo mã bước."
    ),
)
def update(request: ApiRequest, plan_id: int, payload: PlanUpdate) -> dict[str, Any]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id, may="manage")
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "steps" in data:
        data["steps"] = [s.model_dump(exclude_unset=True) for s in payload.steps or []]
    chairs = scope.members().filter(cell__path__startswith=plan.organization.path)
    try:
        plan = update_plan(plan, data, request.auth, version=payload.version, chairs=chairs)
    except ValidationError as exc:
        out.conflict_or_invalid(exc)
    return plan_detail(request, plan)


@router.post(
    "/plans/{plan_id}/compute-subjects",
    response={200: SubjectCounts, 403: Message, 404: Message, 422: InvalidInput},
    summary="Tính danh sách đối tượng kiểm điểm",
    description=(
        "Chỉ văn phòng Đảng ủy, khi kế hoạch còn là dự thảo: tính lại từ danh sách tổ chức, đảng viên, "
        "chức vụ vào ngày chốt, kèm những người không kiểm điểm và lý do."
    ),
)
def compute_subjects(request: ApiRequest, plan_id: int) -> dict[str, Any]:
    plan = plan_for(request, plan_id, may="manage")
    return {"counts": services.compute_subjects(plan, request.auth)}


@router.post(
    "/plans/{plan_id}/publish",
    response={200: PlanDetail, 403: Message, 404: Message, 422: InvalidInput},
    summary="Ban hành kế hoạch",
    description=(
        "Chỉ văn phòng Đảng ủy. Từ chối (422, kèm mọi lý do) khi thiếu danh sách đối tượng, ngày hội nghị "
        "triển khai, hạn bắt buộc, hoặc hạn sau thời hạn của quy định. Ban hành xong, kế hoạch được gửi "
        "đến mọi chi bộ để xác nhận đã nhận."
    ),
)
def publish(request: ApiRequest, plan_id: int) -> dict[str, Any]:
    plan = plan_for(request, plan_id, may="manage")
    services.publish_plan(plan, request.auth)
    plan.refresh_from_db()
    return plan_detail(request, plan)


@router.post(
    "/plans/{plan_id}/acknowledge",
    response={200: list[AcknowledgementOut], 403: Message, 404: Message, 422: InvalidInput},
    summary="Chi bộ xác nhận đã nhận kế hoạch",
    description=(
        "Bí thư chi bộ xác nhận cho chi bộ của mình (`cell_id`, mặc định: mọi chi bộ mình làm bí thư "
        "mà kế hoạch được gửi đến). Xác nhận lại không thay đổi thời điểm đã ghi."
    ),
)
def acknowledge(request: ApiRequest, plan_id: int, payload: AcknowledgeIn | None = None) -> list[dict[str, Any]]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id)
    mine = scope.secretary_cells()
    cell_id = payload.cell_id if payload else None
    if cell_id is not None:
        cells = [c for c in mine if c.pk == cell_id]
    else:
        sent = set(PlanAcknowledgement.objects.filter(plan=plan).values_list("cell_id", flat=True))
        cells = [c for c in mine if c.pk in sent]
    if not cells:
        out.forbidden(NOT_SECRETARY)
    acks = [services.acknowledge(plan, cell, request.auth) for cell in cells]
    return [{"cell": org_ref(a.cell), "acknowledged_at": a.acknowledged_at} for a in acks]


@router.get(
    "/plans/{plan_id}/subjects",
    response={200: SubjectPage, 404: Message, 422: InvalidInput},
    summary="Đối tượng kiểm điểm của kế hoạch",
    description=(
        "Tổ chức, tập thể lãnh đạo: mọi người đọc được kế hoạch; cá nhân: chỉ trong phạm vi đảng viên "
        "của bạn (bí thư: chi bộ mình; đảng viên: chính mình; chi bộ nơi cư trú: người cư trú)."
    ),
)
def list_subjects(
    request: ApiRequest,
    plan_id: int,
    kind: SubjectKind | None = Query(None, description="Loại đối tượng."),  # noqa: B008
    reviewed: bool | None = Query(None, description="Thuộc diện kiểm điểm hay không."),  # noqa: B008
    needs_residence_comment: bool | None = Query(  # noqa: B008
        None, description="Cần nhận xét của chi bộ nơi cư trú."
    ),
    cell: int | None = Query(None, description="Mã số (id) chi bộ nơi kiểm điểm."),  # noqa: B008
    page: int = Query(1, ge=1, description="Trang (từ 1)."),  # noqa: B008
    page_size: int = Query(100, ge=1, le=MAX_PAGE_SIZE, description="Số kết quả mỗi trang."),  # noqa: B008
) -> dict[str, Any]:
    plan = plan_for(request, plan_id)
    subjects = scope_of(request).plan_subjects().filter(plan=plan)
    if kind:
        subjects = subjects.filter(kind=kind)
    if reviewed is not None:
        subjects = subjects.filter(reviewed=reviewed)
    if needs_residence_comment is not None:
        subjects = subjects.filter(needs_residence_comment=needs_residence_comment)
    if cell is not None:
        subjects = subjects.filter(cell_id=cell)
    subjects = subjects.select_related("member", "organization", "collective", "cell").order_by(
        "kind", "cell__path", "member__sort_key", "name", "id"
    )
    offset = (page - 1) * page_size
    return {
        "count": subjects.count(),
        "page": page,
        "page_size": page_size,
        "items": [out.subject(s) for s in subjects[offset : offset + page_size]],
    }


@router.get(
    "/plans/{plan_id}/progress",
    response={200: ProgressOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Tiến độ theo chi bộ",
    description=(
        "Theo từng chi bộ và từng bước: đã xong / tổng số, hạn chót, trạng thái (done: xong; late: quá "
        "hạn; open: còn hạn) và những đối tượng còn thiếu. Văn phòng, Ban Thường vụ, cấp trên: mọi chi "
        "bộ; bí thư: chi bộ của mình. `date`: tính như vào ngày đó (mặc định hôm nay)."
    ),
)
def progress(
    request: ApiRequest,
    plan_id: int,
    date: dt.date | None = Query(None, description="Ngày tính tiến độ (YYYY-MM-DD)."),  # noqa: B008
) -> dict[str, Any]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id)
    visible = scope.plan_subjects().filter(plan=plan)
    whole = scope.can_watch_progress(plan)
    cells = None if whole else {c.pk for c in scope.secretary_cells() if scope.can_run_meeting(plan, c)}
    if cells is not None and not cells:
        out.forbidden(NO_PROGRESS)
    day = date or dates.today()
    visible_ids = set(visible.values_list("pk", flat=True))
    rows = []
    for row in plan_progress(plan, today=day):
        if cells is not None and row["cell"].pk not in cells:
            continue
        rows.append(
            {
                "cell": org_ref(row["cell"]),
                "members": row["members"],
                "acknowledged_at": row["acknowledged"],
                "steps": [
                    step
                    | {
                        "missing": [
                            {"id": s.pk, "name": s.name} for s in step["missing"] if s.pk in visible_ids
                        ]
                    }
                    for step in row["steps"]
                ],
            }
        )
    return {"date": day, "rows": rows}
