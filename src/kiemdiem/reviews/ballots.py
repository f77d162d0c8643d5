"""Bỏ phiếu kín trực tuyến: sealed ballots counted with the meeting's counting code.

The design and what it guarantees are in docs/security.md; the cryptography in lib/sealed_ballots.py.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kiemdiem.audit.services import record
from kiemdiem.lib import sealed_ballots
from kiemdiem.members.models import Member
from kiemdiem.rules.levels import LEVEL_CODES

from .meetings import check_open, level_from_votes
from .models import (
    Ballot,
    BallotBox,
    CountedReceipt,
    CountingKey,
    Level,
    Meeting,
    MeetingItem,
    VoteMode,
    VoterRollEntry,
)

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
    check_open(meeting)
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
    box.counting_code = sealed_ballots.format_code(code) if code else None
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
    check_open(meeting)
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
    check_open(meeting)
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
    check_open(meeting)
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
