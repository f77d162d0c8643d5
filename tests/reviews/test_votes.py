from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiemdiem.audit.models import AuditEvent
from kiemdiem.reviews.ballots import (
    ballot_results,
    cancel_ballot,
    cast_ballot,
    close_all_ballots,
    close_ballot,
    open_ballot,
    receipt_counted,
    receipt_state,
)
from kiemdiem.reviews.meetings import (
    close_meeting,
    enter_paper_tally,
    level_from_votes,
    open_meeting,
    quorum_ok,
)
from kiemdiem.reviews.models import Ballot, BallotBox, CountingKey, VoterRollEntry

from ..factories import make_member

D = dt.date


@pytest.fixture
def meeting(ward, plan):
    extra = [make_member(ward.cell_a, f"Vũ Văn Số {i}") for i in range(3)]
    from .conftest import recompute

    recompute(plan)
    attendees = [ward.members["an"], ward.members["binh"], *extra]
    return open_meeting(
        plan,
        date=D(2020, 11, 25),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=attendees,
        chair=ward.members["binh"],
    )


def test_meeting_orders_the_collective_first_and_checks_quorum(meeting):
    names = [i.subject.name for i in meeting.items.order_by("order")]
    assert names[0] == "Chi bộ Tổ dân phố số 1"
    assert meeting.total == 5 and meeting.present == 5 and quorum_ok(meeting)
    meeting.present = 3
    assert not quorum_ok(meeting)


def test_level_from_votes_needs_more_than_half_counting_higher_votes():
    assert level_from_votes({"HTXSNV": 2, "HTTNV": 1, "HTNV": 2}, 5) == "HTTNV"
    assert level_from_votes({"HTXSNV": 3, "HTTNV": 2}, 5) == "HTXSNV"
    assert level_from_votes({"HTXSNV": 2, "HTTNV": 0, "HTNV": 0, "KHTNV": 2}, 4) == "KHTNV"
    assert level_from_votes({"HTTNV": 2, "HTNV": 2}, 4) == "HTNV"


def test_paper_tally_is_accepted_only_when_two_people_agree(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    counts = {"HTXSNV": 1, "HTTNV": 3, "HTNV": 1, "KHTNV": 0}
    assert enter_paper_tally(item, ward.users["secretary"], counts) == "waiting"
    with pytest.raises(ValidationError, match="người khác"):
        enter_paper_tally(item, ward.users["secretary"], counts)
    with pytest.raises(ValidationError, match="không khớp"):
        enter_paper_tally(item, ward.users["office"], {**counts, "HTTNV": 2})
    item.refresh_from_db()
    assert item.proposed_level == ""
    assert enter_paper_tally(item, ward.users["office"], counts) == "accepted"
    item.refresh_from_db()
    assert item.proposed_level == "HTTNV" and item.result["voters"] == 5


def test_tally_cannot_exceed_the_members_present(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    with pytest.raises(ValidationError, match="vượt quá"):
        enter_paper_tally(item, ward.users["secretary"], {"HTTNV": 6})


def test_secret_ballot_one_vote_each_sealed_results_only_after_counting(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    box = open_ballot(item, ward.users["secretary"])
    code = box.counting_code
    assert code and len(code.replace("-", "")) == 12
    voters = list(meeting.attendees.all())
    receipts = {}
    for member, level in zip(voters, ["HTTNV", "HTTNV", "HTXSNV", "HTNV", "HTTNV"], strict=True):
        receipts[member.pk] = cast_ballot(box, member, level)
    with pytest.raises(ValidationError, match="đã bỏ phiếu"):
        cast_ballot(box, voters[0], "HTXSNV")
    with pytest.raises(PermissionDenied):
        cast_ballot(box, ward.members["cuong"], "HTXSNV")  # not on the roll
    assert Ballot.objects.filter(box=box).count() == 5
    # no column of a ballot refers to a member, a user, a time or a level in the clear
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "box", "sealed", "receipt_hash"}
    assert ballot_results(box) is None  # not before counting
    assert all(receipt_state(box, c) == "in_box" for c in receipts.values())
    totals = close_ballot(box, ward.users["secretary"], code.lower().replace("-", " "))
    assert totals == {"HTXSNV": 1, "HTTNV": 3, "HTNV": 1, "KHTNV": 0}
    box.refresh_from_db()
    assert ballot_results(box) == totals
    item.refresh_from_db()
    assert item.proposed_level == "HTTNV" and item.result["invalid"] == 0
    # the ballots and the key are gone; the receipts say "counted"
    assert not Ballot.objects.filter(box=box).exists() and not CountingKey.objects.exists()
    assert all(receipt_state(box, c) == "counted" for c in receipts.values())
    assert all(receipt_counted(box, c.lower()) for c in receipts.values())
    assert not receipt_counted(box, "FFFF-FFFF-FFFF-FFFF")
    with pytest.raises(ValidationError, match="đã đóng"):
        cast_ballot(box, voters[1], "HTTNV")


def test_a_wrong_counting_code_counts_nothing_and_changes_nothing(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    box = open_ballot(item, ward.users["secretary"])
    for member in meeting.attendees.all():
        cast_ballot(box, member, "HTTNV")
    wrong = "0000-0000-0000" if box.counting_code != "0000-0000-0000" else "1111-1111-1111"
    with pytest.raises(ValidationError, match="Mã kiểm phiếu không đúng"):
        close_ballot(box, ward.users["secretary"], wrong)
    box.refresh_from_db()
    item.refresh_from_db()
    assert box.is_open and item.proposed_level == "" and Ballot.objects.filter(box=box).count() == 5
    assert CountingKey.objects.filter(meeting=meeting).exists()


def test_boxes_open_together_share_one_code_and_are_counted_together(ward, meeting):
    an = meeting.items.get(subject__member=ward.members["an"])
    binh = meeting.items.get(subject__member=ward.members["binh"])
    first = open_ballot(an, ward.users["secretary"])
    second = open_ballot(binh, ward.users["secretary"])
    assert first.counting_code and second.counting_code is None  # one code while a box is open
    for member in meeting.attendees.all():
        cast_ballot(first, member, "HTXSNV")
        cast_ballot(second, member, "HTNV")
    assert close_all_ballots(meeting, ward.users["secretary"], first.counting_code) == 2
    an.refresh_from_db()
    binh.refresh_from_db()
    assert (an.proposed_level, binh.proposed_level) == ("HTXSNV", "HTNV")
    assert not CountingKey.objects.exists()
    # the next box opened gets a new key and a new code
    third = open_ballot(meeting.items.exclude(pk__in=[an.pk, binh.pk]).first(), ward.users["secretary"])
    assert third.counting_code and third.counting_code != first.counting_code


def test_counting_all_boxes_is_all_or_nothing(ward, meeting):
    an = meeting.items.get(subject__member=ward.members["an"])
    binh = meeting.items.get(subject__member=ward.members["binh"])
    first = open_ballot(an, ward.users["secretary"])
    second = open_ballot(binh, ward.users["secretary"])
    for member in meeting.attendees.all():
        cast_ballot(first, member, "HTTNV")
    cast_ballot(second, ward.members["an"], "HTTNV")  # only one ballot in the second box
    with pytest.raises(ValidationError, match="mới có 1 phiếu"):
        close_all_ballots(meeting, ward.users["secretary"], first.counting_code)
    assert BallotBox.objects.filter(closed_at__isnull=True).count() == 2
    assert Ballot.objects.count() == 6


def test_a_ballot_added_outside_the_system_stops_the_count(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    box = open_ballot(item, ward.users["secretary"])
    for member in meeting.attendees.all():
        cast_ballot(box, member, "KHTNV")
    # someone with write access to the database copies a ballot under another receipt
    stolen = Ballot.objects.filter(box=box).first()
    Ballot.objects.create(box=box, sealed=bytes(stolen.sealed), receipt_hash="0" * 64)
    with pytest.raises(ValidationError, match="6 phiếu nhưng danh sách cử tri ghi 5"):
        close_ballot(box, ward.users["secretary"], box.counting_code)
    # and a replaced ballot (same count, copied ciphertext) is counted as invalid, not as a vote
    Ballot.objects.filter(pk=stolen.pk).delete()
    close_ballot(box, ward.users["secretary"], box.counting_code)
    item.refresh_from_db()
    assert item.result["KHTNV"] == 4 and item.result["invalid"] == 1


def test_roll_is_frozen_at_opening(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["binh"])
    box = open_ballot(item, ward.users["secretary"])
    meeting.attendees.add(ward.members["cuong"])
    with pytest.raises(PermissionDenied):
        cast_ballot(box, ward.members["cuong"], "HTTNV")
    assert VoterRollEntry.objects.filter(box=box).count() == 5


def test_a_secret_ballot_is_not_counted_below_five_ballots(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["binh"])
    box = open_ballot(item, ward.users["secretary"])
    for member in list(meeting.attendees.all())[:4]:
        cast_ballot(box, member, "HTTNV")
    with pytest.raises(ValidationError, match="ít nhất 5 phiếu"):
        close_ballot(box, ward.users["secretary"], box.counting_code)
    box.refresh_from_db()
    assert box.is_open and ballot_results(box) is None


def test_a_secret_ballot_needs_five_members_present(ward, plan):
    small = open_meeting(
        plan,
        date=D(2020, 11, 25),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"]],
    )
    with pytest.raises(ValidationError, match="ít nhất 5 đảng viên có mặt"):
        open_ballot(small.items.get(subject__member=ward.members["an"]), ward.users["secretary"])


def test_a_cancelled_box_discards_its_ballots_and_the_subject_can_be_voted_on_paper(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    box = open_ballot(item, ward.users["secretary"])
    cast_ballot(box, ward.members["an"], "HTXSNV")
    with pytest.raises(ValidationError, match="lý do"):
        cancel_ballot(box, ward.users["secretary"], "  ")
    cancel_ballot(box, ward.users["secretary"], "Chỉ 1 đồng chí bỏ phiếu trực tuyến")
    assert not BallotBox.objects.exists() and not Ballot.objects.exists() and not CountingKey.objects.exists()
    item.refresh_from_db()
    assert item.vote_mode == ""
    event = AuditEvent.objects.get(action="vote.cancel")
    assert event.reason == "Chỉ 1 đồng chí bỏ phiếu trực tuyến" and "1 phiếu đã bỏ, không mở" in event.summary
    counts = {"HTXSNV": 0, "HTTNV": 5, "HTNV": 0, "KHTNV": 0}
    enter_paper_tally(item, ward.users["secretary"], counts)
    assert enter_paper_tally(item, ward.users["office"], counts) == "accepted"


def test_meeting_cannot_close_with_an_open_ballot_and_says_which(ward, meeting):
    box = open_ballot(meeting.items.get(subject__member=ward.members["an"]), ward.users["secretary"])
    with pytest.raises(ValidationError, match="chưa kiểm phiếu: Nguyễn Văn An"):
        close_meeting(meeting, ward.users["secretary"])
    for member in meeting.attendees.all():
        cast_ballot(box, member, "HTTNV")
    close_ballot(box, ward.users["secretary"], box.counting_code)
    close_meeting(meeting, ward.users["secretary"], minutes="Hội nghị kết thúc lúc 11 giờ.")
    assert BallotBox.objects.get(pk=box.pk).closed_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_voting_is_impossible_on_postgresql(ward, plan):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Kiểm thử tranh chấp đồng thời chỉ chạy trên PostgreSQL (DATABASE_URL=postgres://…).")
    from .conftest import recompute

    extra = [make_member(ward.cell_a, f"Vũ Văn Đồng Thời {i}") for i in range(3)]
    recompute(plan)
    meeting = open_meeting(
        plan,
        date=D(2020, 11, 25),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"], *extra],
    )
    box = open_ballot(meeting.items.get(subject__member=ward.members["an"]), ward.users["secretary"])
    results: list[str] = []
    barrier = threading.Barrier(8)

    def vote() -> None:
        from django.db import connections

        barrier.wait()
        try:
            cast_ballot(box, ward.members["an"], "HTTNV")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count("refused") == 7
    assert Ballot.objects.filter(box=box).count() == 1


def test_meeting_refuses_outsiders_duplicates_and_too_many(ward, plan, meeting):
    with pytest.raises(ValidationError, match="đang họp"):
        open_meeting(
            plan, date=D(2020, 11, 26), actor=ward.users["secretary"], organization=ward.cell_a, attendees=[]
        )
    close_meeting(meeting, ward.users["secretary"])
    with pytest.raises(ValidationError, match="Không thuộc danh sách triệu tập: Lê Văn Cường"):
        open_meeting(
            plan,
            date=D(2020, 11, 26),
            actor=ward.users["secretary"],
            organization=ward.cell_a,
            attendees=[ward.members["cuong"]],
        )
    with pytest.raises(ValidationError, match="vượt quá"):
        open_meeting(
            plan,
            date=D(2020, 11, 26),
            actor=ward.users["secretary"],
            organization=ward.cell_a,
            attendees=[ward.members["an"]],
            total=2,
            excused=2,
        )


def test_no_criticism_or_tally_after_the_meeting_closed(ward, meeting):
    item = meeting.items.get(subject__member=ward.members["an"])
    close_meeting(meeting, ward.users["secretary"])
    from kiemdiem.reviews.meetings import add_criticism

    with pytest.raises(ValidationError, match="đã kết thúc"):
        add_criticism(item, ward.users["secretary"], "Đ/c Bình", "Cần gương mẫu hơn")
    with pytest.raises(ValidationError, match="đã kết thúc"):
        enter_paper_tally(item, ward.users["secretary"], {"HTTNV": 3})
