"""Hội nghị kiểm điểm: meetings, criticism, paper tallies and the online secret ballot.

Secrecy: no endpoint reads a ballot row except through the services' totals, and the voter roll is
only ever counted — a voter learns his/her own state (``i_have_voted``), nobody learns anyone else's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from ninja import Router, Status
from ninja.errors import HttpError

from kiemdiem.access.objects import box_for, item_for, meeting_for, plan_for, scope_of
from kiemdiem.organizations.models import LeadershipCollective, Organization
from kiemdiem.plans.models import Plan, PlanSubject, SubjectKind
from kiemdiem.reviews import ballots as ballot_service
from kiemdiem.reviews import meetings as meeting_service
from kiemdiem.reviews.models import (
    BallotBox,
    Meeting,
    MeetingItem,
    VoterRollEntry,
)

from .. import cycle_serialize as out
from ..auth import ApiRequest
from ..cycle_schemas import (
    BallotOpened,
    BallotOut,
    CancelBallotIn,
    CountingIn,
    CriticismIn,
    MeetingClose,
    MeetingDetail,
    MeetingItemOut,
    MeetingOpen,
    MeetingOut,
    Receipt,
    ReceiptCheck,
    ReceiptIn,
    TallyIn,
    TallyOut,
    VoteIn,
)
from ..schemas import InvalidInput, Message

router = Router(tags=["Hội nghị kiểm điểm"])

CANNOT_RUN = "Chỉ bí thư chi bộ (chi bộ mình) hoặc văn phòng Đảng ủy điều hành hội nghị này."
ONE_PLACE = "Cần chọn đúng một: chi bộ (cell_id) hoặc tập thể lãnh đạo (collective_id)."
NOT_IN_PLAN = "Không thuộc danh sách đối tượng của kế hoạch."
NOT_ON_LIST = "Đảng viên không thuộc danh sách của hội nghị: {ids}."
MEETING_CLOSED = "Hội nghị đã kết thúc, không ghi thêm được."
NO_BALLOT = "Chưa mở bỏ phiếu cho đối tượng này."
NOT_A_MEMBER = (
    "Chỉ đảng viên có trong danh sách cử tri mới bỏ phiếu được (tài khoản này không gắn với đảng viên)."
)
NOT_ON_ROLL = "Đồng chí không có trong danh sách cử tri của hòm phiếu này."
ALREADY_VOTED = "Đồng chí đã bỏ phiếu."


def _items(meeting: Meeting) -> list[dict[str, Any]]:
    items = meeting.items.select_related("subject", "ballot_box").order_by("order", "id")
    return [out.meeting_item(i) for i in items]


def _detail(meeting: Meeting) -> dict[str, Any]:
    warning = " ".join(meeting_service.meeting_circulation_warnings(meeting))
    return out.meeting(meeting) | {
        "minutes": meeting.minutes,
        "attendees": [out.member_brief(m) for m in meeting.attendees.order_by("sort_key", "id")],
        "warning": warning,
        "items": _items(meeting),
    }


@router.get(
    "/plans/{plan_id}/meetings",
    response={200: list[MeetingOut], 404: Message},
    summary="Hội nghị kiểm điểm của kế hoạch",
    description="Những hội nghị bạn điều hành được: bí thư — của chi bộ mình; văn phòng — mọi hội nghị.",
)
def list_meetings(request: ApiRequest, plan_id: int) -> list[dict[str, Any]]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id)
    meetings = plan.meetings.select_related("organization", "collective", "chair", "secretary").order_by(
        "date", "id"
    )
    return [out.meeting(m) for m in meetings if scope.can_run_meeting(plan, m.organization)]


def _place(
    request: ApiRequest, plan: Plan, payload: MeetingOpen
) -> tuple[Organization | None, LeadershipCollective | None, QuerySet[PlanSubject]]:
    """(organization, collective, subjects whose members make the meeting's list)."""
    scope = scope_of(request)
    if (payload.cell_id is None) == (payload.collective_id is None):
        raise ValidationError(ONE_PLACE)
    if payload.cell_id is not None:
        subject = plan.subjects.filter(kind=SubjectKind.CELL, organization_id=payload.cell_id).first()
        if subject is None:
            raise ValidationError({"cell_id": NOT_IN_PLAN})
        if not scope.can_run_meeting(plan, subject.organization):
            out.forbidden(CANNOT_RUN)
        return (
            subject.organization,
            None,
            plan.subjects.filter(cell=subject.organization, member__isnull=False),
        )
    subject = plan.subjects.filter(
        kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=payload.collective_id
    ).first()
    if subject is None:
        raise ValidationError({"collective_id": NOT_IN_PLAN})
    if not scope.can_run_meeting(plan, None):
        out.forbidden(CANNOT_RUN)
    collective = subject.collective
    return None, collective, plan.subjects.filter(kind=SubjectKind.LEADER, collective=collective)


@router.post(
    "/plans/{plan_id}/meetings",
    response={201: MeetingDetail, 403: Message, 404: Message, 422: InvalidInput},
    summary="Mở hội nghị kiểm điểm",
    description=(
        "Của một chi bộ (`cell_id`: bí thư chi bộ đó hoặc văn phòng) hoặc một tập thể lãnh đạo "
        "(`collective_id`: văn phòng). Người có mặt, chủ trì, thư ký: đảng viên thuộc danh sách của hội "
        "nghị. Thứ tự: tập thể trước, người đứng đầu, rồi từng đảng viên."
    ),
)
def open_meeting(request: ApiRequest, plan_id: int, payload: MeetingOpen) -> Status[Any]:
    scope = scope_of(request)
    plan = plan_for(request, plan_id)
    if not plan.is_published:
        raise Http404
    organization, collective, subjects = _place(request, plan, payload)
    roll = scope.members().filter(pk__in=subjects.values("member_id"))
    wanted = {"attendee_ids": set(payload.attendee_ids)}
    for name in ("chair_id", "secretary_id"):
        if getattr(payload, name) is not None:
            wanted[name] = {getattr(payload, name)}
    found = {m.pk: m for m in roll.filter(pk__in=set().union(*wanted.values()))}
    errors = {
        name: [NOT_ON_LIST.format(ids=", ".join(str(i) for i in sorted(ids - set(found))))]
        for name, ids in wanted.items()
        if ids - set(found)
    }
    if errors:
        raise ValidationError(errors)
    meeting = meeting_service.open_meeting(
        plan,
        date=payload.date,
        actor=request.auth,
        organization=organization,
        collective=collective,
        attendees=[found[i] for i in sorted(set(payload.attendee_ids))],
        total=payload.total,
        excused=payload.excused,
        chair=found.get(payload.chair_id) if payload.chair_id else None,
        secretary=found.get(payload.secretary_id) if payload.secretary_id else None,
        place=payload.place,
    )
    return Status(201, _detail(meeting_for(request, meeting.pk)))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, 403: Message, 404: Message},
    summary="Hội nghị: điểm danh, các đối tượng, góp ý, biểu quyết",
    description=(
        "Cho người điều hành hội nghị. Biểu quyết: chỉ số phiếu theo mức (phiếu giấy khi hai lần nhập "
        "khớp; bỏ phiếu kín khi đã đóng và đủ số phiếu tối thiểu) — không bao giờ ai bầu gì."
    ),
)
def get_meeting(request: ApiRequest, meeting_id: int) -> dict[str, Any]:
    return _detail(meeting_for(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/close",
    response={200: MeetingDetail, 403: Message, 404: Message, 422: InvalidInput},
    summary="Kết thúc hội nghị",
    description="Ghi diễn biến (`minutes`); từ chối khi còn hòm phiếu chưa đóng.",
)
def close_meeting(request: ApiRequest, meeting_id: int, payload: MeetingClose | None = None) -> dict[str, Any]:
    meeting = meeting_for(request, meeting_id)
    minutes = payload.minutes if payload else ""
    meeting_service.close_meeting(meeting, request.auth, minutes)
    return _detail(meeting_for(request, meeting_id))


def _item_json(item_id: int) -> dict[str, Any]:
    return out.meeting_item(MeetingItem.objects.select_related("subject", "ballot_box").get(pk=item_id))


@router.post(
    "/meeting-items/{item_id}/criticism",
    response={200: MeetingItemOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Ghi ý kiến góp ý, phê bình",
    description="Người góp ý (`who`) và nội dung (`what`) đối với một đối tượng tại hội nghị đang họp.",
)
def add_criticism(request: ApiRequest, item_id: int, payload: CriticismIn) -> dict[str, Any]:
    item = item_for(request, item_id, writing=True)
    meeting_service.add_criticism(item, request.auth, payload.who, payload.what)
    return _item_json(item.pk)


@router.post(
    "/meeting-items/{item_id}/tally",
    response={200: TallyOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Nhập kết quả kiểm phiếu giấy",
    description=(
        "Nhập hai lần bởi hai người khác nhau; chỉ chấp nhận khi hai lần khớp nhau (`outcome`: waiting "
        "sau lần đầu, accepted khi khớp; không khớp: 422, cần nhập lại)."
    ),
)
def enter_tally(request: ApiRequest, item_id: int, payload: TallyIn) -> dict[str, Any]:
    item = item_for(request, item_id, writing=True)
    counts = {str(level): n for level, n in payload.counts.items()}
    outcome = meeting_service.enter_paper_tally(item, request.auth, counts, payload.invalid)
    return {"outcome": outcome, "item": _item_json(item.pk)}


def _ballot(request: ApiRequest, box: BallotBox) -> dict[str, Any]:
    """The ballot box as the caller may see it: counts for everyone, the caller's own state only."""
    member_id = getattr(request.auth, "member_id", None)
    own = VoterRollEntry.objects.filter(box=box, member_id=member_id).first() if member_id else None
    return {
        "id": box.pk,
        "subject": {"id": box.item.subject.pk, "name": box.item.subject.name},
        "meeting_id": box.item.meeting_id,
        "open": box.is_open,
        "opened_at": box.opened_at,
        "closed_at": box.closed_at,
        "roll": box.roll.count(),
        "voted": box.roll.filter(has_voted=True).count(),
        "on_roll": own is not None,
        "i_have_voted": own.has_voted if own is not None else None,
        "totals": ballot_service.ballot_results(box),
        "min_ballots": ballot_service.MIN_BALLOTS_FOR_RESULTS,
    }


@router.post(
    "/meeting-items/{item_id}/ballot",
    response={201: BallotOpened, 403: Message, 404: Message, 422: InvalidInput},
    summary="Mở bỏ phiếu kín",
    description=(
        "Danh sách cử tri chốt từ những người có mặt tại hội nghị lúc mở; mỗi cử tri một phiếu. Cần ít nhất "
        "`min_ballots` người có mặt. Lần mở đầu tiên khi hội nghị chưa có hòm phiếu nào đang mở trả về "
        "`counting_code` (mã kiểm phiếu, chỉ một lần, hệ thống không lưu); các hòm mở thêm trong lúc đó dùng "
        "chung mã."
    ),
)
def open_ballot(request: ApiRequest, item_id: int) -> Status[Any]:
    item = item_for(request, item_id, writing=True)
    box = ballot_service.open_ballot(item, request.auth)
    body = _ballot(request, BallotBox.objects.select_related("item__subject").get(pk=box.pk))
    return Status(201, body | {"counting_code": box.counting_code})


def _open_box(item: MeetingItem) -> BallotBox:
    box = BallotBox.objects.filter(item=item).first()
    if box is None:
        raise ValidationError(NO_BALLOT)
    return box


@router.post(
    "/meeting-items/{item_id}/ballot/close",
    response={200: BallotOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Đóng hòm phiếu, kiểm phiếu",
    description=(
        "Cần mã kiểm phiếu (`counting_code`) đã nhận khi mở. Kết quả chỉ là tổng số theo mức, và chỉ có "
        "khi đủ số phiếu tối thiểu (`min_ballots`); phiếu từng người bị xóa sau khi kiểm. Mã sai, thiếu "
        "phiếu hoặc số phiếu khác số người đã bỏ phiếu: 422, không thay đổi gì."
    ),
)
def close_ballot(request: ApiRequest, item_id: int, payload: CountingIn) -> dict[str, Any]:
    box = _open_box(item_for(request, item_id, writing=True))
    ballot_service.close_ballot(box, request.auth, payload.counting_code)
    return _ballot(request, BallotBox.objects.select_related("item__subject").get(pk=box.pk))


@router.post(
    "/meeting-items/{item_id}/ballot/cancel",
    response={200: MeetingItemOut, 403: Message, 404: Message, 422: InvalidInput},
    summary="Hủy hòm phiếu đang mở",
    description=(
        "Các phiếu đã bỏ bị hủy mà không mở; đối tượng có thể được biểu quyết lại. Cần lý do (ghi vào nhật ký)."
    ),
)
def cancel_ballot(request: ApiRequest, item_id: int, payload: CancelBallotIn) -> dict[str, Any]:
    item = item_for(request, item_id, writing=True)
    ballot_service.cancel_ballot(_open_box(item), request.auth, payload.reason)
    return _item_json(item.pk)


@router.get(
    "/ballots/{box_id}",
    response={200: BallotOut, 404: Message},
    summary="Hòm phiếu",
    description=(
        "Cho cử tri và người điều hành hội nghị: đang mở hay đã đóng, số cử tri, số đã bỏ phiếu, bạn đã "
        "bỏ phiếu chưa (chỉ của chính bạn), kết quả tổng hợp khi được phép."
    ),
)
def get_ballot(request: ApiRequest, box_id: int) -> dict[str, Any]:
    return _ballot(request, box_for(request, box_id))


@router.post(
    "/ballots/{box_id}/vote",
    response={200: Receipt, 403: Message, 404: Message, 409: Message, 422: InvalidInput},
    summary="Bỏ phiếu kín",
    description=(
        "Chỉ cử tri, cho chính mình (theo đảng viên của tài khoản), một lần: lần thứ hai bị từ chối (409). "
        "Phiếu lưu không gắn với người bỏ; trả về mã biên nhận để tự kiểm tra phiếu đã được tính."
    ),
)
def vote(request: ApiRequest, box_id: int, payload: VoteIn) -> dict[str, Any]:
    box = box_for(request, box_id)
    member = request.auth.member  # no query without a member_id
    if member is None:
        out.forbidden(NOT_A_MEMBER)
    try:
        code = ballot_service.cast_ballot(box, member, str(payload.level))
    except PermissionDenied as exc:
        raise HttpError(403, NOT_ON_ROLL) from exc
    except ValidationError as exc:
        box.refresh_from_db()
        voted = VoterRollEntry.objects.filter(box=box, member_id=member.pk, has_voted=True)
        if box.is_open and voted.exists():
            raise HttpError(409, ALREADY_VOTED) from exc
        raise
    return {"receipt": code}


@router.post(
    "/ballots/{box_id}/receipt",
    response={200: ReceiptCheck, 404: Message, 422: InvalidInput},
    summary="Kiểm tra mã biên nhận",
    description=(
        "Phiếu mang mã này đang trong hòm, đã được tính, hay không có (không gì hơn). Tối đa 10 lần kiểm tra "
        "trong 10 phút cho mỗi tài khoản (quá: 422)."
    ),
)
def check_receipt(request: ApiRequest, box_id: int, payload: ReceiptIn) -> dict[str, Any]:
    box = box_for(request, box_id)
    state = ballot_service.check_receipt(box, request.auth, payload.code)
    return {"counted": state != "unknown", "state": state}
