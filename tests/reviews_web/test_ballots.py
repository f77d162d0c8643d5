from __future__ import annotations

from kiemdiem.reviews.ballots import cast_ballot, close_ballot, open_ballot
from kiemdiem.reviews.models import Ballot, VoterRollEntry

from ..factories import make_member, make_user


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
    assert len(code.replace("-", "")) == 16  # 80 bits
    checked = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": code.lower()}).content.decode()
    assert "Phiếu có mã này đang ở trong hòm phiếu" in checked
    wrong = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": "00000000"}).content.decode()
    assert "Không tìm thấy phiếu có mã này" in wrong
    for entry in VoterRollEntry.objects.filter(box=box, has_voted=False):
        cast_ballot(box, entry.member, "HTNV")
    close_ballot(box, ward.users["secretary"], box.counting_code)
    checked = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": code}).content.decode()
    assert "Phiếu có mã này đã được tính." in checked


def test_receipt_checks_are_throttled(ward, meeting, login):
    box = _box(ward, meeting)
    client = login("member")
    for _ in range(10):
        assert "Không tìm thấy" in client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": "1234"}).content.decode()
    body = client.post(f"/phieu/{box.pk}/kiem-tra/", {"code": "1234"}).content.decode()
    assert "thử lại sau 10 phút" in body and "Không tìm thấy" not in body


def test_the_ballot_page_states_the_limits_of_secrecy(ward, meeting, login):
    box = _box(ward, meeting)
    body = login("member").get(f"/phieu/{box.pk}/").content.decode()
    assert "tất cả cùng chọn một mức" in body and "phiếu của người còn lại cũng lộ ra" in body
    assert "ít nhất 5 phiếu" in body


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
    meeting.attendees.add(make_member(ward.cell_a, "Lê Văn Sáu"))  # six present: five can vote, one late
    box = _box(ward, meeting)
    client = login("member")
    body = client.post(f"/phieu/{box.pk}/", {"level": "TOP"}).content.decode()
    assert "Mức xếp loại không hợp lệ." in body
    for entry in VoterRollEntry.objects.filter(box=box).exclude(member=ward.members["an"]):
        cast_ballot(box, entry.member, "HTTNV")
    close_ballot(box, ward.users["secretary"], box.counting_code)
    assert "Hòm phiếu đã đóng." in client.get(f"/phieu/{box.pk}/").content.decode()
    refused = client.post(f"/phieu/{box.pk}/", {"level": "HTTNV"})
    assert refused.status_code == 409 and "Hòm phiếu đã đóng." in refused.content.decode()
    item = box.item.__class__.objects.get(pk=box.item_id)
    assert item.result["voters"] == 5  # the bad and the late vote added nothing
