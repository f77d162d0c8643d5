"""Shapes of the annual cycle's JSON (kế hoạch → kiểm điểm → ý kiến → hội nghị → thẩm định → quyết định).

Dates are ISO (YYYY-MM-DD). Nothing here can carry who voted what: ballots are read only as totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from kiemdiem.plans.models import NotReviewedReason, PlanStatus, SubjectKind
from kiemdiem.reviews.models import FeedbackSource, Level, MeetingStatus, ReviewPlace, ReviewStatus, VoteMode

from .schemas import OrganizationRef, _StrictInput

Grade = Literal["xuat_sac", "tot", "trung_binh", "kem"]
# Inputs: one literal rather than ``Level | Literal[""]``, so an error names the field alone.
LevelOrBlank = Literal["HTXSNV", "HTTNV", "HTNV", "KHTNV", ""]


class Ref(Schema):
    id: int
    name: str = Field(description="Tên.")


class MemberBrief(Schema):
    id: int
    full_name: str = Field(description="Họ và tên.")


# --- plans ---------------------------------------------------------------------------------------
class PlanOut(Schema):
    id: int
    number: str = Field(description="Số kế hoạch, vd «07-KH/ĐU».")
    issued_on: dt.date = Field(description="Ngày ban hành.")
    year: int = Field(description="Năm kiểm điểm.")
    framework_id: str = Field(description="Quy định áp dụng, vd «qd132-2020».")
    title: str = Field(description="Trích yếu.")
    organization: OrganizationRef = Field(description="Cấp ủy ban hành.")
    reference_date: dt.date = Field(description="Ngày chốt danh sách đối tượng.")
    launch_date: dt.date | None = Field(description="Ngày hội nghị triển khai.")
    status: PlanStatus = Field(description="du_thao: dự thảo; da_ban_hanh: đã ban hành.")
    status_label: str
    published_at: dt.datetime | None = Field(description="Thời điểm ban hành.")
    version: int = Field(description="Phiên bản: gửi lại khi sửa để tránh ghi đè sửa đổi của người khác.")
    can_manage: bool = Field(description="Bạn có được sửa, tính danh sách, ban hành kế hoạch này không.")


class StepOut(Schema):
    code: str = Field(description="Mã bước, vd «hoi_nghi».")
    order: int
    name: str = Field(description="Tên bước.")
    description: str
    due_cells: dt.date | None = Field(description="Hạn đối với chi bộ.")
    due_committee: dt.date | None = Field(description="Hạn đối với tập thể, cá nhân lãnh đạo thuộc Đảng ủy.")


class AcknowledgementOut(Schema):
    cell: OrganizationRef
    acknowledged_at: dt.datetime | None = Field(description="Thời điểm chi bộ xác nhận đã nhận (rỗng: chưa).")


class SubjectsSummary(Schema):
    reviewed: int = Field(description="Số đối tượng thuộc diện kiểm điểm.")
    not_reviewed: int = Field(description="Số đảng viên không kiểm điểm (miễn, đình chỉ, chưa đủ 6 tháng).")
    by_kind: dict[str, int] = Field(description="Số đối tượng thuộc diện kiểm điểm theo loại.")
    residence: int = Field(description="Số đảng viên cần nhận xét của chi bộ nơi cư trú.")


class PlanDetail(PlanOut):
    purpose: str = Field(description="Mục đích, yêu cầu.")
    framework_reason: str = Field(description="Lý do chọn quy định khác năm (nếu có).")
    launch_place: str = Field(description="Địa điểm hội nghị triển khai.")
    launch_chair: MemberBrief | None = Field(description="Chủ trì hội nghị triển khai.")
    launch_attendees: str = Field(description="Thành phần dự hội nghị triển khai.")
    content_items: dict[str, list[str]] = Field(description="Nội dung kiểm điểm theo loại đối tượng.")
    steps: list[StepOut] = Field(description="Các bước và hạn chót.")
    problems: list[str] = Field(
        description="Lý do chưa ban hành được (chỉ với người quản lý kế hoạch dự thảo; rỗng: ban hành được)."
    )
    subjects: SubjectsSummary
    acknowledgements: list[AcknowledgementOut] = Field(
        description="Xác nhận đã nhận: mọi chi bộ với người quản lý; chi bộ của mình với bí thư."
    )


class PlanCreate(_StrictInput):
    number: str = Field(min_length=1, max_length=40, description="Số kế hoạch, vd «07-KH/ĐU».")
    issued_on: dt.date = Field(description="Ngày ban hành.")
    year: int = Field(ge=2018, le=2100, description="Năm kiểm điểm.")
    organization_id: int | None = Field(
        None, description="Cấp ủy ban hành (mặc định: đảng ủy cơ sở bạn quản lý)."
    )
    framework_id: str | None = Field(None, description="Quy định áp dụng (mặc định: theo năm).")
    framework_reason: str = Field("", description="Lý do khi chọn quy định khác năm.")
    reference_date: dt.date | None = Field(None, description="Ngày chốt danh sách (mặc định: ngày ban hành).")
    title: str = Field("", max_length=300, description="Trích yếu (mặc định theo mẫu).")
    purpose: str = Field("", description="Mục đích, yêu cầu.")


class StepDeadline(_StrictInput):
    code: str = Field(description="Mã bước.")
    due_cells: dt.date | None = Field(None, description="Hạn đối với chi bộ (null: chưa đặt).")
    due_committee: dt.date | None = Field(None, description="Hạn đối với Đảng ủy (null: chưa đặt).")


class PlanUpdate(_StrictInput):
    """Only the fields sent are changed; ``version`` is required."""

    version: int = Field(description="Phiên bản đã đọc; khác phiên bản hiện tại thì bị từ chối (409).")
    title: str | None = Field(None, min_length=1, max_length=300, description="Trích yếu.")
    purpose: str | None = Field(None, description="Mục đích, yêu cầu.")
    reference_date: dt.date | None = Field(None, description="Ngày chốt danh sách đối tượng.")
    launch_date: dt.date | None = Field(None, description="Ngày hội nghị triển khai.")
    launch_place: str | None = Field(None, max_length=200, description="Địa điểm hội nghị triển khai.")
    launch_chair_id: int | None = Field(None, description="Đảng viên chủ trì hội nghị triển khai.")
    launch_attendees: str | None = Field(None, description="Thành phần dự hội nghị triển khai.")
    steps: list[StepDeadline] | None = Field(None, description="Hạn chót của từng bước (theo mã bước).")


class SubjectCounts(Schema):
    counts: dict[str, int] = Field(
        description="Số đối tượng: reviewed, organizations, và theo lý do không kiểm điểm."
    )


class AcknowledgeIn(_StrictInput):
    cell_id: int | None = Field(None, description="Chi bộ xác nhận (mặc định: mọi chi bộ bạn làm bí thư).")


# --- subjects ------------------------------------------------------------------------------------
class SubjectOut(Schema):
    id: int
    plan_id: int
    kind: SubjectKind = Field(description="Loại đối tượng.")
    kind_label: str
    name: str = Field(description="Tên đối tượng.")
    member: MemberBrief | None = Field(description="Đảng viên (với đối tượng cá nhân).")
    organization: OrganizationRef | None = Field(description="Tổ chức đảng (với chi bộ, đảng bộ).")
    collective: Ref | None = Field(
        description="Tập thể lãnh đạo (của tập thể; hoặc nơi cán bộ kiểm điểm lần hai)."
    )
    cell: OrganizationRef | None = Field(description="Chi bộ nơi kiểm điểm.")
    reviewed: bool = Field(description="Thuộc diện kiểm điểm.")
    not_reviewed_reason: NotReviewedReason | Literal[""] = Field(description="Lý do không kiểm điểm.")
    not_reviewed_reason_label: str
    needs_residence_comment: bool = Field(description="Cần nhận xét của chi bộ nơi cư trú.")
    form_code: str = Field(description="Mẫu bản kiểm điểm.")


class SubjectPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SubjectOut]


# --- reviews -------------------------------------------------------------------------------------
class EvidenceOut(Schema):
    id: int
    description: str
    uploaded_at: dt.datetime


class ReviewOut(Schema):
    id: int
    subject: SubjectOut
    place: ReviewPlace = Field(description="chi_bo: tại chi bộ; tap_the: tại tập thể lãnh đạo.")
    form_code: str
    sections: dict[str, str] = Field(
        description="Nội dung theo từng mục («1», «2»… theo nội dung của kế hoạch)."
    )
    strengths: str
    shortcomings: str
    causes: str
    prior_results: str = Field(
        description="Kết quả khắc phục hạn chế năm trước (điền sẵn từ kế hoạch khắc phục)."
    )
    responsibility: str
    remedies: str
    evidence_text: str = Field(description="Sản phẩm cụ thể, kết quả thực hiện nhiệm vụ.")
    score_general: Decimal | None = Field(description="Điểm nhóm I tự chấm (QĐ 366).")
    score_tasks: Decimal | None = Field(description="Điểm nhóm II tự chấm (QĐ 366).")
    grades: dict[str, str] = Field(description="Tự đánh giá từng tiêu chí: xuat_sac, tot, trung_binh, kem.")
    tasks_total: int | None
    tasks_done: int | None
    tasks_on_time: int | None
    tasks_exceeded: int | None
    tasks_late: int | None
    self_level: Level | Literal[""] = Field(description="Tự nhận mức xếp loại.")
    circulated_on: dt.date | None = Field(
        description="Ngày gửi dự thảo báo cáo tập thể đến người dự hội nghị."
    )
    status: ReviewStatus = Field(description="nhap, da_nop, mo_lai.")
    status_label: str
    submitted_at: dt.datetime | None
    entered_on_behalf: bool = Field(description="Bí thư, văn phòng nhập thay.")
    collective_review_id: int | None = Field(description="Báo cáo của tập thể mà bản này gắn với.")
    version: int = Field(description="Phiên bản: gửi kèm khi lưu.")
    updated_at: dt.datetime
    locked: bool = Field(description="Đã khóa (đã nộp, hoặc quá hạn mà chưa được mở lại).")
    deadline: dt.date | None = Field(description="Hạn viết theo kế hoạch.")
    can_edit: bool = Field(description="Bạn có sửa, nộp được không (đã tính việc khóa).")
    problems: list[str] = Field(description="Những gì còn thiếu để nộp.")
    evidence: list[EvidenceOut] = Field(description="Minh chứng đã tải lên (tải tệp trên giao diện web).")


class ReviewUpdate(_StrictInput):
    """Lưu nháp: only the fields sent are changed; ``version`` is required."""

    version: int = Field(description="Phiên bản đã đọc; khác phiên bản hiện tại thì bị từ chối (409).")
    sections: dict[str, str] | None = Field(None, description="Nội dung theo mục, khóa «1», «2»…")
    strengths: str | None = None
    shortcomings: str | None = None
    causes: str | None = None
    prior_results: str | None = None
    responsibility: str | None = None
    remedies: str | None = None
    evidence_text: str | None = None
    score_general: Decimal | None = Field(None, max_digits=5, decimal_places=2, description="Điểm nhóm I.")
    score_tasks: Decimal | None = Field(None, max_digits=5, decimal_places=2, description="Điểm nhóm II.")
    grades: dict[str, Grade] | None = Field(None, description="Tự đánh giá theo mã tiêu chí.")
    tasks_total: int | None = Field(None, ge=0)
    tasks_done: int | None = Field(None, ge=0)
    tasks_on_time: int | None = Field(None, ge=0)
    tasks_exceeded: int | None = Field(None, ge=0)
    tasks_late: int | None = Field(None, ge=0)
    self_level: LevelOrBlank | None = Field(None, description="Tự nhận mức xếp loại («» để bỏ).")
    circulated_on: dt.date | None = Field(None, description="Ngày gửi dự thảo (chỉ báo cáo tập thể).")


class ReasonIn(_StrictInput):
    reason: str = Field(min_length=1, description="Lý do.")


# --- feedback ------------------------------------------------------------------------------------
class FeedbackSend(_StrictInput):
    sources: list[FeedbackSource] = Field(min_length=1, description="Các nguồn được hỏi ý kiến.")
    due_date: dt.date = Field(description="Hạn trả lời.")
    cell_id: int | None = Field(None, description="Chỉ đảng viên của chi bộ này (mặc định: mọi chi bộ).")


class Created(Schema):
    created: int = Field(description="Số bản ghi mới.")


class FeedbackResponseOut(Schema):
    id: int
    text: str = Field(description="Nội dung nhận xét.")
    proposed_level: Level | Literal[""]
    anonymous: bool
    responded_by: str | None = Field(description="Người nhận xét (rỗng khi ẩn danh).")
    responded_on: dt.date


class FeedbackRequestOut(Schema):
    id: int
    plan_id: int
    subject: Ref
    subject_cell: OrganizationRef | None
    source: FeedbackSource
    source_label: str
    organization: OrganizationRef | None = Field(description="Chi bộ được hỏi.")
    addressee: str = Field(description="Nơi nhận.")
    due_date: dt.date
    responses: list[FeedbackResponseOut]


class FeedbackRespond(_StrictInput):
    text: str = Field(min_length=1, description="Nội dung nhận xét.")
    proposed_level: LevelOrBlank = Field("", description="Đề xuất mức xếp loại.")
    anonymous: bool = Field(False, description="Ẩn danh (chỉ ý kiến của tập thể).")
    responded_on: dt.date | None = Field(None, description="Ngày nhận xét (mặc định: hôm nay).")


class SourceOpinions(Schema):
    source: FeedbackSource
    label: str
    requested: bool
    responses: list[FeedbackResponseOut]


class FeedbackSummaryRow(Schema):
    subject: SubjectOut
    self_level: str = Field(description="Mức tự nhận.")
    voted_level: str = Field(description="Mức hội nghị biểu quyết đề xuất.")
    sources: list[SourceOpinions]
    missing: list[str] = Field(description="Các nguồn còn thiếu ý kiến.")


# --- meetings ------------------------------------------------------------------------------------
class MeetingOpen(_StrictInput):
    cell_id: int | None = Field(None, description="Hội nghị của chi bộ này…")
    collective_id: int | None = Field(None, description="…hoặc của tập thể lãnh đạo này.")
    date: dt.date = Field(description="Ngày họp.")
    attendee_ids: list[int] = Field(default_factory=list, description="Đảng viên có mặt.")
    total: int | None = Field(None, ge=0, description="Tổng số được triệu tập (mặc định: số đối tượng).")
    excused: int = Field(0, ge=0, description="Vắng có lý do.")
    chair_id: int | None = Field(None, description="Chủ trì.")
    secretary_id: int | None = Field(None, description="Thư ký.")
    place: str = Field("", max_length=200, description="Địa điểm.")


class BallotState(Schema):
    id: int
    open: bool = Field(description="Hòm phiếu đang mở.")
    roll: int = Field(description="Số cử tri.")
    voted: int = Field(description="Số người đã bỏ phiếu (không bao giờ là ai).")


class TallyEntryOut(Schema):
    entry_no: int
    entered_by: str
    entered_at: dt.datetime


class VoteOut(Schema):
    mode: VoteMode | Literal[""] = Field(description="phieu_giay hoặc bo_phieu_kin.")
    state: Literal["none", "waiting", "mismatch", "accepted", "open", "closed"] = Field(
        description="none: chưa biểu quyết; waiting/mismatch: phiếu giấy chờ lần nhập thứ hai/không khớp; "
        "open/closed: bỏ phiếu kín đang mở/đã đóng; accepted: đã chấp nhận kết quả phiếu giấy."
    )
    ballot: BallotState | None
    tallies: list[TallyEntryOut] = Field(description="Các lần nhập kết quả phiếu giấy (ai nhập, lúc nào).")
    totals: dict[str, int] | None = Field(
        description="Số phiếu theo mức: chỉ khi đã chấp nhận (phiếu giấy) hoặc đã đóng và đủ số phiếu tối thiểu."
    )
    results_hidden: bool = Field(description="Kết quả bỏ phiếu kín bị ẩn vì quá ít phiếu.")


class CriticismOut(Schema):
    who: str
    what: str


class MeetingItemOut(Schema):
    id: int
    order: int
    subject: Ref
    subject_kind: SubjectKind
    review_presented: bool
    criticism: list[CriticismOut] = Field(description="Ý kiến góp ý, phê bình.")
    response: str = Field(description="Ý kiến tiếp thu, giải trình.")
    proposed_level: Level | Literal[""] = Field(
        description="Mức đề xuất theo kết quả biểu quyết (rỗng khi chưa có hoặc kết quả bị ẩn)."
    )
    vote: VoteOut


class MeetingOut(Schema):
    id: int
    plan_id: int
    organization: OrganizationRef | None
    collective: Ref | None
    date: dt.date
    place: str
    chair: MemberBrief | None
    secretary: MemberBrief | None
    total: int
    present: int
    excused: int
    quorum_ok: bool = Field(description="Đủ số đảng viên có mặt (ít nhất 2/3).")
    status: MeetingStatus
    status_label: str


class MeetingDetail(MeetingOut):
    minutes: str
    attendees: list[MemberBrief]
    warning: str = Field(description="Cảnh báo gửi dự thảo báo cáo tập thể chậm (nếu có).")
    items: list[MeetingItemOut]


class MeetingClose(_StrictInput):
    minutes: str = Field("", description="Diễn biến hội nghị.")


class CriticismIn(_StrictInput):
    who: str = Field("", max_length=200, description="Người góp ý.")
    what: str = Field(min_length=1, description="Nội dung góp ý.")


class TallyIn(_StrictInput):
    counts: dict[Level, int] = Field(description='Số phiếu theo mức: {"HTTNV": 5, …}.')
    invalid: int = Field(0, ge=0, description="Số phiếu không hợp lệ.")


class TallyOut(Schema):
    outcome: Literal["waiting", "accepted"] = Field(
        description="waiting: chờ người thứ hai nhập; accepted: hai lần khớp, đã ghi kết quả."
    )
    item: MeetingItemOut


# --- ballots -------------------------------------------------------------------------------------
class BallotOut(Schema):
    id: int
    subject: Ref = Field(description="Đối tượng được biểu quyết.")
    meeting_id: int
    open: bool
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    roll: int = Field(description="Số cử tri.")
    voted: int = Field(description="Số người đã bỏ phiếu.")
    on_roll: bool = Field(description="Bạn có trong danh sách cử tri không.")
    i_have_voted: bool | None = Field(
        description="Bạn đã bỏ phiếu chưa (chỉ với chính cử tri; null với người khác)."
    )
    totals: dict[str, int] | None = Field(description="Kết quả: chỉ sau khi đóng và đủ số phiếu tối thiểu.")
    min_ballots: int = Field(description="Số phiếu tối thiểu để công bố kết quả.")


class BallotOpened(BallotOut):
    counting_code: str | None = Field(
        description=(
            "Mã kiểm phiếu của hội nghị: chỉ trả về một lần, khi lần mở này tạo khóa kiểm phiếu (không hòm "
            "phiếu nào khác của hội nghị đang mở). Hệ thống không lưu mã; cần mã để kiểm phiếu. null: dùng "
            "mã đã nhận khi mở hòm phiếu đang mở trước đó."
        )
    )


class CountingIn(_StrictInput):
    counting_code: str = Field(min_length=1, max_length=40, description="Mã kiểm phiếu của hội nghị.")


class CancelBallotIn(_StrictInput):
    reason: str = Field(min_length=1, max_length=500, description="Lý do hủy hòm phiếu.")


class VoteIn(_StrictInput):
    level: Level = Field(description="Mức xếp loại được chọn.")


class Receipt(Schema):
    receipt: str = Field(description="Mã biên nhận: giữ lại để kiểm tra phiếu đã được tính.")


class ReceiptIn(_StrictInput):
    code: str = Field(min_length=1, max_length=40, description="Mã biên nhận.")


class ReceiptCheck(Schema):
    counted: bool = Field(
        description="Có phiếu mang mã này: trong hòm phiếu (khi đang mở) hoặc trong số phiếu đã được tính."
    )
    state: Literal["in_box", "counted", "unknown"] = Field(
        description="in_box: đang trong hòm, chưa kiểm; counted: đã được tính; unknown: không có phiếu mang mã này."
    )


# --- appraisal, decisions --------------------------------------------------------------------------
class ConflictOut(Schema):
    code: str = Field(description="missing_review, missing_vote, above_max, quota, needs_decision…")
    message: str
    blocking: bool = Field(description="Chặn quyết định cho tới khi được giải quyết hoặc cho qua có lý do.")


class DecidedRef(Schema):
    entry_id: int
    decision_id: int
    level: Level


class AppraisalRowOut(Schema):
    subject: SubjectOut
    proposed_level: str
    self_level: str
    max_level: str = Field(description="Mức cao nhất quy định cho phép.")
    level: str = Field(description="Mức theo quy định.")
    classified: bool
    not_classified_reason: str
    reasons: list[dict[str, Any]] = Field(description="Căn cứ: quy tắc, điều khoản, tác động.")
    needs_decision: list[str]
    flags: list[str]
    conflicts: list[ConflictOut]
    decided: DecidedRef | None


class AppraisalOut(Schema):
    review_date: dt.date
    rows: list[AppraisalRowOut]
    quota: list[dict[str, Any]] = Field(description="Theo nhóm: số lượng theo mức, mức trần HTXSNV.")


class DecisionCreate(_StrictInput):
    number: str = Field(min_length=1, max_length=40, description="Số quyết định.")
    date: dt.date = Field(description="Ngày quyết định.")
    outstanding_unit: bool = Field(False, description="Đơn vị có thành tích nổi bật (tỷ lệ HTXSNV cao hơn).")


class DecisionEntryOut(Schema):
    id: int
    subject: Ref
    subject_kind: SubjectKind
    proposed_level: str
    max_level: str
    level: Level
    reason: str
    overrides: list[str]
    decided_at: dt.datetime
    published_at: dt.datetime | None


class DecisionOut(Schema):
    id: int
    plan_id: int
    number: str
    date: dt.date
    outstanding_unit: bool
    entries: list[DecisionEntryOut]


class ChoiceIn(_StrictInput):
    subject_id: int
    level: Level
    reason: str = Field("", description="Bắt buộc khi khác mức đề xuất hoặc khi cho qua cảnh báo.")
    overrides: list[str] = Field(
        default_factory=list, description="Mã cảnh báo được cho qua (vd «above_max»)."
    )


class DecideIn(_StrictInput):
    choices: list[ChoiceIn] = Field(
        min_length=1, description="Quyết định cho từng đối tượng: tất cả hoặc không."
    )


class ReclassifyIn(_StrictInput):
    new_level: Level
    reason: str = Field(min_length=1, description="Lý do xếp loại lại.")
    number: str = Field("", max_length=40, description="Số quyết định xếp loại lại.")
    date: dt.date | None = Field(None, description="Ngày quyết định (mặc định: hôm nay).")


class ReclassificationOut(Schema):
    id: int
    entry_id: int
    old_level: Level
    new_level: Level
    reason: str
    number: str
    date: dt.date


class Published(Schema):
    published: int = Field(description="Số kết quả vừa công bố.")


class ProgressStep(Schema):
    code: str
    label: str
    done: int
    total: int
    due: dt.date | None
    state: Literal["done", "late", "open"]
    missing: list[Ref] = Field(description="Đối tượng còn thiếu (trong phạm vi của bạn).")


class ProgressRow(Schema):
    cell: OrganizationRef
    members: int
    acknowledged_at: dt.datetime | None
    steps: list[ProgressStep]


class ProgressOut(Schema):
    date: dt.date
    rows: list[ProgressRow]
