"""Đảng viên: search and read within the caller's scope; the committee office adds and edits."""

from __future__ import annotations

from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.params.functions import Query

from kiemdiem.access.objects import scope_of
from kiemdiem.members.models import ActivityStatus, Member

from .. import registry, serialize
from ..auth import ApiRequest
from ..schemas import InvalidInput, MemberCreate, MemberDetail, MemberPage, MemberUpdate, Message, PartyStatus

router = Router(tags=["Đảng viên"])

ORDERINGS: dict[str, tuple[str, ...]] = {
    "name": ("sort_key", "id"),  # Vietnamese order: given name, middle names, family name
    "-name": ("-sort_key", "-id"),
    "card_number": ("card_number",),
    "admitted_on": ("admitted_on", "sort_key", "id"),
    "-admitted_on": ("-admitted_on", "sort_key", "id"),
}
Ordering = Literal["name", "-name", "card_number", "admitted_on", "-admitted_on"]
MAX_PAGE_SIZE = 200

CANNOT_ADD = "Bạn không có quyền thêm đảng viên: chỉ văn phòng Đảng ủy quản lý danh sách đảng viên."
CANNOT_EDIT = "Bạn không có quyền sửa hồ sơ đảng viên này: chỉ văn phòng Đảng ủy quản lý danh sách đảng viên."


def _detail(request: ApiRequest, member: Member) -> dict[str, Any]:
    scope = scope_of(request)
    return serialize.member_detail(
        member, sensitive=scope.can_see_sensitive(member), can_manage=scope.can_manage_member(member)
    )


@router.get(
    "/members",
    response={200: MemberPage, 422: InvalidInput},
    summary="Danh sách đảng viên",
    description=(
        "Tìm theo tên (không phân biệt dấu, hoa thường: «nguyen van a» tìm được «Nguyễn Văn A») "
        "hoặc số thẻ; lọc theo chi bộ, tình trạng, đảng viên chính thức/dự bị; sắp xếp theo tên kiểu "
        "Việt Nam (tên, tên đệm, họ). Chỉ gồm đảng viên trong phạm vi của bạn."
    ),
)
def list_members(
    request: ApiRequest,
    q: str = Query("", max_length=120, description="Tên hoặc số thẻ."),  # noqa: B008
    cell: int | None = Query(None, description="Mã số (id) chi bộ."),  # noqa: B008
    status: ActivityStatus | None = Query(None, description="Tình trạng sinh hoạt."),  # noqa: B008
    party_status: PartyStatus | None = Query(  # noqa: B008
        None, description="official: chính thức; probationary: dự bị."
    ),
    ordering: Ordering = Query("name", description="Sắp xếp; «-» đứng trước là giảm dần."),  # noqa: B008
    page: int = Query(1, ge=1, description="Trang (từ 1)."),  # noqa: B008
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="Số kết quả mỗi trang."),  # noqa: B008
) -> dict[str, Any]:
    members = scope_of(request).members().select_related("cell")
    if q.strip():
        members = members.search(q)
    if cell is not None:
        members = members.filter(cell_id=cell)
    if status:
        members = members.filter(activity_status=status)
    if party_status == "official":
        members = members.filter(official_on__isnull=False)
    elif party_status == "probationary":
        members = members.filter(official_on__isnull=True)
    members = members.order_by(*ORDERINGS[ordering])
    offset = (page - 1) * page_size
    return {
        "count": members.count(),
        "page": page,
        "page_size": page_size,
        "items": [serialize.member(m) for m in members[offset : offset + page_size]],
    }


@router.get(
    "/members/{member_id}",
    response={200: MemberDetail, 404: Message},
    summary="Hồ sơ đảng viên",
    description=(
        "Quá trình sinh hoạt, tình trạng, chức vụ. Ngày sinh, số CCCD và lý do tình trạng chỉ có "
        "khi bạn được xem thông tin nhạy cảm (`sensitive_visible`); nếu không, chúng là null."
    ),
)
def get_member(request: ApiRequest, member_id: int) -> dict[str, Any]:
    member = get_object_or_404(
        scope_of(request).members().select_related("cell", "residence_cell"), pk=member_id
    )
    return _detail(request, member)


@router.post(
    "/members",
    response={201: MemberDetail, 403: Message, 422: InvalidInput},
    summary="Thêm đảng viên",
    description="Chỉ văn phòng Đảng ủy, vào chi bộ trong phạm vi quản lý. Kiểm tra như khi nhập từ tệp.",
)
def create_member(request: ApiRequest, payload: MemberCreate) -> Status[Any]:
    scope = scope_of(request)
    if not scope.can_manage_registry:
        raise HttpError(403, CANNOT_ADD)
    member = registry.create_member(payload.model_dump(), manageable=scope.manageable_organizations())
    return Status(201, _detail(request, member))


@router.patch(
    "/members/{member_id}",
    response={200: MemberDetail, 403: Message, 404: Message, 422: InvalidInput},
    summary="Sửa hồ sơ đảng viên",
    description=(
        "Chỉ các trường được gửi. Chuyển sinh hoạt: `cell_id` kèm `transfer_date` và `reason`. "
        "Đổi tình trạng: `activity_status` kèm `activity_status_since` (và `activity_status_reason` "
        "khi miễn, đình chỉ sinh hoạt). Mọi thay đổi được ghi cùng lúc, hoặc không ghi gì."
    ),
)
def update_member(request: ApiRequest, member_id: int, payload: MemberUpdate) -> dict[str, Any]:
    scope = scope_of(request)
    member = get_object_or_404(scope.members().select_related("cell"), pk=member_id)
    if not scope.can_manage_member(member):
        raise HttpError(403, CANNOT_EDIT)
    registry.update_member(
        member, payload.model_dump(exclude_unset=True), manageable=scope.manageable_organizations()
    )
    member.refresh_from_db()
    return _detail(request, member)
