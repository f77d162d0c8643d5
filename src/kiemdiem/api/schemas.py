"""Shapes of the JSON the API reads and writes. Dates are ISO (YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kiemdiem.members.models import ActivityStatus, Gender
from kiemdiem.organizations.models import CellCategory, CollectiveKind, EventKind, OrgKind

from .models import DEFAULT_DAYS, MAX_DAYS

PartyStatus = Literal["official", "probationary"]


class Message(Schema):
    detail: str = Field(description="Thông báo (tiếng Việt).")


class InvalidInput(Schema):
    detail: str = Field(description="Thông báo chung: «Dữ liệu không hợp lệ.»")
    errors: dict[str, list[str]] = Field(
        description="Lỗi theo từng trường (tên trường như trong yêu cầu; «chung» cho lỗi không gắn với trường nào)."
    )


# --- organizations -------------------------------------------------------------------------------
class OrganizationRef(Schema):
    id: int
    code: str = Field(description="Mã tổ chức.")
    name: str = Field(description="Tên tổ chức.")


class OrganizationOut(Schema):
    id: int
    code: str = Field(description="Mã tổ chức.")
    name: str = Field(description="Tên tổ chức.")
    kind: OrgKind = Field(description="Loại tổ chức.")
    kind_label: str = Field(description="Tên loại tổ chức.")
    category: CellCategory | Literal[""] = Field(description="Loại hình chi bộ (rỗng nếu không phải chi bộ).")
    category_label: str = Field(description="Tên loại hình chi bộ.")
    parent_id: int | None = Field(description="Tổ chức trực thuộc vào ngày được hỏi.")
    active_from: dt.date | None = Field(description="Hoạt động từ ngày.")
    active_to: dt.date | None = Field(description="Hoạt động đến ngày (rỗng nếu còn hoạt động).")
    member_count: int | None = Field(description="Số đảng viên sinh hoạt vào ngày được hỏi (chỉ với chi bộ).")


class OrganizationList(Schema):
    date: dt.date = Field(description="Ngày của cây tổ chức.")
    items: list[OrganizationOut]


class ParentPeriodOut(Schema):
    parent: OrganizationRef
    start: dt.date | None = Field(description="Từ ngày.")
    end: dt.date | None = Field(description="Đến ngày.")


class EventOut(Schema):
    id: int
    kind: EventKind = Field(description="Loại sự kiện.")
    kind_label: str
    date: dt.date = Field(description="Ngày hiệu lực.")
    decision: str = Field(description="Số quyết định.")
    reason: str = Field(description="Lý do.")
    sources: list[OrganizationRef] = Field(description="Tổ chức nguồn.")
    targets: list[OrganizationRef] = Field(description="Tổ chức đích.")


class CollectiveOut(Schema):
    id: int
    kind: CollectiveKind
    kind_label: str
    name: str
    active_from: dt.date | None
    active_to: dt.date | None


class OrganizationDetail(OrganizationOut):
    place_name: str = Field(description="Địa danh (dòng ngày tháng trên văn bản).")
    note: str = Field(description="Ghi chú.")
    ancestors: list[OrganizationRef] = Field(description="Các cấp trên trong phạm vi của bạn, từ gốc xuống.")
    children: list[OrganizationRef] = Field(description="Tổ chức trực thuộc hiện nay, trong phạm vi của bạn.")
    parent_periods: list[ParentPeriodOut] = Field(description="Quá trình trực thuộc.")
    events: list[EventOut] = Field(description="Sự kiện: thành lập, hợp nhất, chia tách, điều chuyển…")
    collectives: list[CollectiveOut] = Field(description="Tập thể lãnh đạo, quản lý.")


# --- members -------------------------------------------------------------------------------------
class MemberOut(Schema):
    id: int
    card_number: str = Field(description="Số thẻ đảng viên (8 chữ số).")
    full_name: str = Field(description="Họ và tên.")
    gender: Gender = Field(description="Giới tính.")
    gender_label: str
    cell: OrganizationRef = Field(description="Chi bộ đang sinh hoạt.")
    admitted_on: dt.date = Field(description="Ngày vào Đảng.")
    official_on: dt.date | None = Field(description="Ngày chính thức (rỗng khi còn dự bị).")
    party_status: PartyStatus = Field(description="official: chính thức; probationary: dự bị.")
    party_status_label: str
    activity_status: ActivityStatus = Field(description="Tình trạng sinh hoạt.")
    activity_status_label: str


class MemberPage(Schema):
    count: int = Field(description="Tổng số kết quả.")
    page: int = Field(description="Trang hiện tại (từ 1).")
    page_size: int = Field(description="Số kết quả mỗi trang.")
    items: list[MemberOut]


class MembershipOut(Schema):
    organization: OrganizationRef
    start: dt.date | None
    end: dt.date | None
    reason: str


class StatusPeriodOut(Schema):
    status: ActivityStatus
    status_label: str
    start: dt.date | None
    end: dt.date | None
    reason: str | None = Field(description="Lý do (chỉ khi bạn được xem thông tin nhạy cảm).")


class PositionOut(Schema):
    title: str = Field(description="Chức vụ.")
    organization: OrganizationRef | None
    collective: str | None = Field(description="Tập thể lãnh đạo.")
    body: str = Field(description="Cơ quan, đơn vị.")
    is_head: bool = Field(description="Người đứng đầu.")
    start: dt.date | None
    end: dt.date | None


class MemberDetail(MemberOut):
    sensitive_visible: bool = Field(
        description="Bạn có được xem thông tin nhạy cảm (ngày sinh, số CCCD, lý do tình trạng) không."
    )
    date_of_birth: dt.date | None = Field(description="Ngày sinh (nhạy cảm).")
    citizen_id: str | None = Field(description="Số CCCD (nhạy cảm).")
    activity_status_since: dt.date | None = Field(description="Tình trạng từ ngày.")
    activity_status_reason: str | None = Field(description="Lý do của tình trạng (nhạy cảm).")
    residence_address: str = Field(description="Nơi cư trú.")
    residence_cell: OrganizationRef | None = Field(description="Chi bộ nơi cư trú.")
    workplace: str = Field(description="Nơi làm việc.")
    can_manage: bool = Field(description="Bạn có được sửa hồ sơ này không.")
    memberships: list[MembershipOut] = Field(description="Quá trình sinh hoạt.")
    status_periods: list[StatusPeriodOut] = Field(description="Quá trình tình trạng sinh hoạt.")
    positions: list[PositionOut] = Field(description="Chức vụ lãnh đạo, quản lý.")


class _StrictInput(Schema):
    # A misspelt field must be an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class MemberCreate(_StrictInput):
    card_number: str = Field(description="Số thẻ đảng viên (8 chữ số).")
    full_name: str = Field(max_length=120, description="Họ và tên.")
    gender: Gender = Field(description="Giới tính: nam hoặc nu.")
    date_of_birth: dt.date = Field(description="Ngày sinh.")
    admitted_on: dt.date = Field(description="Ngày vào Đảng.")
    official_on: dt.date | None = Field(None, description="Ngày chính thức (bỏ trống nếu dự bị).")
    cell_id: int = Field(description="Chi bộ sinh hoạt (trong phạm vi bạn quản lý).")
    joined_on: dt.date | None = Field(
        None, description="Ngày bắt đầu sinh hoạt tại chi bộ (mặc định: ngày vào Đảng)."
    )
    residence_address: str = Field("", max_length=255, description="Nơi cư trú.")
    residence_cell_id: int | None = Field(None, description="Chi bộ nơi cư trú.")
    workplace: str = Field("", max_length=255, description="Nơi làm việc.")
    citizen_id: str = Field("", description="Số CCCD (12 chữ số), không bắt buộc.")
    activity_status: ActivityStatus = Field(ActivityStatus.ACTIVE, description="Tình trạng sinh hoạt.")
    activity_status_since: dt.date | None = Field(
        None, description="Tình trạng từ ngày (bắt buộc nếu tình trạng khác «đang sinh hoạt»)."
    )
    activity_status_reason: str = Field(
        "", max_length=255, description="Lý do (bắt buộc khi miễn, đình chỉ)."
    )


class MemberUpdate(_StrictInput):
    """Only the fields sent are changed."""

    card_number: str | None = Field(None, description="Số thẻ đảng viên (8 chữ số).")
    full_name: str | None = Field(None, max_length=120, description="Họ và tên.")
    gender: Gender | None = Field(None, description="Giới tính.")
    date_of_birth: dt.date | None = Field(None, description="Ngày sinh.")
    admitted_on: dt.date | None = Field(None, description="Ngày vào Đảng.")
    official_on: dt.date | None = Field(None, description="Ngày chính thức (null: dự bị).")
    residence_address: str | None = Field(None, max_length=255, description="Nơi cư trú.")
    residence_cell_id: int | None = Field(None, description="Chi bộ nơi cư trú (null: không có).")
    workplace: str | None = Field(None, max_length=255, description="Nơi làm việc.")
    citizen_id: str | None = Field(None, description="Số CCCD (12 chữ số; chuỗi rỗng để xóa).")
    cell_id: int | None = Field(
        None, description="Chuyển sinh hoạt sang chi bộ này (cần transfer_date, reason)."
    )
    transfer_date: dt.date | None = Field(None, description="Ngày chuyển sinh hoạt.")
    reason: str | None = Field(None, max_length=255, description="Lý do chuyển sinh hoạt.")
    activity_status: ActivityStatus | None = Field(
        None, description="Tình trạng mới (cần activity_status_since; lý do khi miễn, đình chỉ)."
    )
    activity_status_since: dt.date | None = Field(None, description="Tình trạng mới từ ngày.")
    activity_status_reason: str | None = Field(None, max_length=255, description="Lý do của tình trạng mới.")


# --- accounts ------------------------------------------------------------------------------------
class RoleOut(Schema):
    role: str = Field(description="Mã vai trò.")
    role_label: str = Field(description="Tên vai trò.")
    organization: OrganizationRef | None = Field(
        description="Tổ chức gắn với vai trò (không có với đảng viên)."
    )


class MemberRef(Schema):
    id: int
    card_number: str
    full_name: str
    cell: OrganizationRef


class MeOut(Schema):
    id: int
    username: str = Field(description="Tên đăng nhập.")
    display_name: str = Field(description="Tên hiển thị.")
    member: MemberRef | None = Field(description="Hồ sơ đảng viên của tài khoản (nếu có).")
    roles: list[RoleOut] = Field(description="Các vai trò và tổ chức tương ứng.")
    can_manage_registry: bool = Field(description="Được quản lý danh sách đảng viên (văn phòng Đảng ủy).")
    auth_method: Literal["session", "token"] = Field(description="Cách xác thực của yêu cầu này.")


class TokenCreate(_StrictInput):
    name: str = Field(min_length=1, max_length=100, description="Tên gợi nhớ của mã, vd: «Máy chủ báo cáo».")
    days: int = Field(
        DEFAULT_DAYS,
        ge=1,
        le=MAX_DAYS,
        description=f"Số ngày mã còn hiệu lực (1–{MAX_DAYS}, mặc định {DEFAULT_DAYS}).",
    )


class TokenOut(Schema):
    id: int
    name: str = Field(description="Tên gợi nhớ.")
    hint: str = Field(description="Các ký tự đầu của mã, để nhận ra mã.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime = Field(description="Sau thời điểm này mã không dùng được nữa.")


class TokenIssued(TokenOut):
    token: str = Field(description="Mã truy cập: chỉ hiện một lần này, hãy lưu lại ngay.")
