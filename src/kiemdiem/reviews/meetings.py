"""Hội nghị kiểm điểm: attendance and quorum, criticism and responses, paper tallies entered twice,
the circulation warning, and the close of the meeting (the secret ballot is in ballots.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemdiem.audit.services import record
from kiemdiem.members.models import Member, Position
from kiemdiem.plans.models import (
    PlanSubject,
    SubjectKind,
)

from .models import (
    BallotBox,
    Level,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PaperTally,
    Review,
    ReviewPlace,
    VoteMode,
)
from .services import circulation_warning

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


def check_open(meeting: Meeting) -> None:
    """Nothing is recorded on a meeting that has ended: every write on a meeting checks this here."""
    if meeting.status != MeetingStatus.OPEN:
        raise ValidationError(MEETING_CLOSED)


@transaction.atomic
def add_criticism(item: MeetingItem, actor: Any, who: str, what: str) -> None:
    if not what.strip():
        raise ValidationError("Cần nhập nội dung góp ý.")
    item = MeetingItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    check_open(item.meeting)
    item.criticism = [*item.criticism, {"who": who.strip(), "what": what.strip()}]
    item.save(update_fields=["criticism"])
    record(actor, "meeting.criticism", item.meeting, f"Góp ý đối với {item.subject.name}")


@transaction.atomic
def record_response(item: MeetingItem, actor: Any, response: str, presented: bool) -> MeetingItem:
    """Ý kiến tiếp thu, giải trình of the reviewed person, and whether the review was presented."""
    item = MeetingItem.objects.select_for_update().select_related("meeting", "subject").get(pk=item.pk)
    check_open(item.meeting)
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
    check_open(item.meeting)
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




def meeting_circulation_warnings(meeting: Meeting) -> list[str]:
    """C-DOC-01 for every collective reviewed at the meeting (its own report), named when there are several."""
    own = meeting.items.filter(subject__member__isnull=True).values("subject_id")
    reviews = Review.objects.filter(subject__in=own, place=ReviewPlace.CELL).select_related("subject__plan")
    found = [(r.subject.name, w) for r in reviews.order_by("subject_id") if (w := circulation_warning(r, meeting.date))]
    return [f"{name}: {w}" if len(found) > 1 else w for name, w in found]




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
