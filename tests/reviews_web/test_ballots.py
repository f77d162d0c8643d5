from __future__ import annotations

from kiemdiem.reviews.models import Ballot, VoterRollEntry
from kiemdiem.reviews.services import cast_ballot, close_ballot, open_ballot

from ..factories import make_user


def _box(ward, meeting):  # type: ignore[no-untyped-def]
    item = meeting.items.get(subject__member=ward.members["binh"])
    return open_ballot(item, ward.users["secretary"])


def test_member_votes_once_gets_a_receipt_and_the_second_vote_is_refused(ward, meeting, login):
    box = _box(ward, meeting)
    client = login("member")
    page = client.get(f"/phieu/{box.pk}/").content.decode()
    assert "Trần Thị Bình" in page and "Hoàn thành tốt nhiệm vụ" in page and "Bỏ phiếu" in page
    response = client.post(f"/phieu/{box.pk}/", {"level": "HTTNV"})
    body = response.content.decode()
    assert response.status_code == 200 and "Mã biên nhận" in body
    assert "no-store" in response["Cache-Control"]
    code = body.split('<p class="receipt">')[1].split("</p>")[0]
    second = client.post(f"/phieu/{box.pk}/", {"level": "KHTNV"})
    assert second.status_code == 409 and "Đồng chí đã bỏ phiếu." in second.content.decode()
    assert Ballot.objects.filter(box=box).count() == 1
    assert Ballot.objects.get(box=box).level == "HTTNV"
    checked = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": code.lower()}).content.decode()
    assert "Phiếu có mã này đã được tính." in checked
    wrong = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": "00000000"}).content.decode()
    assert "Không tìm thấy phiếu có mã này" in wrong


def test_ballot_page_shows_only_the_levels(ward, meeting, login):
    box = _box(ward, meeting)
    login("secretary").post(f"/phieu/{box.pk}/", {"level": "HTXSNV"})
    body = login("member").get(f"/phieu/{box.pk}/").content.decode()
    # nothing about the other ballots or who has voted
    assert "1/5" not in body and "Đã bỏ phiếu" not in body and "HTXSNV" in body  # the radio value only


def test_who_is_not_on_the_roll_cannot_vote(ward, meeting, login):
    box = _box(ward, meeting)
    make_user("dung", member=ward.members["dung"])
    for user in ("dung", "office", "residence"):
        response = login(user).post(f"/phieu/{box.pk}/", {"level": "KHTNV"})
        assert response.status_code == 403, user
    assert "không có trong danh sách cử tri" in login("dung").get(f"/phieu/{box.pk}/").content.decode()
    assert login("dung").get(f"/phieu/{box.pk}/kiem-tra/").status_code == 403
    assert not Ballot.objects.exists()
    assert not VoterRollEntry.objects.filter(has_voted=True).exists()


def test_bad_level_and_closed_box_are_refused_in_vietnamese(ward, meeting, login):
    box = _box(ward, meeting)
    client = login("member")
    body = client.post(f"/phieu/{box.pk}/", {"level": "TOP"}).content.decode()
    assert "Mức xếp loại không hợp lệ." in body
    for entry in VoterRollEntry.objects.filter(box=box).exclude(member=ward.members["an"])[:3]:
        cast_ballot(box, entry.member, "HTTNV")
    close_ballot(box, ward.users["secretary"])
    assert "Hòm phiếu đã đóng." in client.get(f"/phieu/{box.pk}/").content.decode()
    refused = client.post(f"/phieu/{box.pk}/", {"level": "HTTNV"})
    assert refused.status_code == 409 and "Hòm phiếu đã đóng." in refused.content.decode()
    assert Ballot.objects.filter(box=box).count() == 3  # the bad and the late vote added nothing
