from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kiemdiem.reviews.ballots import cast_ballot, open_ballot
from kiemdiem.reviews.meetings import open_meeting
from kiemdiem.reviews.models import Ballot, Meeting, MeetingStatus, VoterRollEntry


def _section(body: str, item) -> str:  # type: ignore[no-untyped-def]
    """The part of the meeting page about one item."""
    return body.split(f'id="muc-{item.pk}"')[1].split('<li id="muc-')[0]


LEVELS = {"HTXSNV": "0", "HTTNV": "0", "HTNV": "0", "KHTNV": "0", "invalid": "0"}


def test_secretary_opens_a_meeting_with_attendance_and_quorum(ward, live, login):
    client = login("secretary")
    url = f"/ke-hoach/{live.pk}/hoi-nghi/mo/?chi_bo={ward.cell_a.pk}"
    page = client.get(url).content.decode()
    assert "Nguyễn Văn An" in page and "Lê Văn Cường" not in page  # only the cell's roll
    response = client.post(
        url,
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "place": "Nhà văn hóa tổ 1",
            "chair": ward.members["binh"].pk,
            "secretary": "",
            "attendees": [ward.members["an"].pk, ward.members["binh"].pk],
            "total": "2",
            "excused": "0",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == f"/hoi-nghi/{meeting.pk}/"
    body = client.get(response.url).content.decode()
    assert "2/2" in body and "đủ số lượng" in body
    names = [line for line in body.splitlines() if "<h3>" in line]
    assert "Chi bộ Tổ dân phố số 1" in names[0]  # the collective first


def test_bad_meeting_input_gets_vietnamese_errors_and_creates_nothing(ward, live, login):
    client = login("secretary")
    url = f"/ke-hoach/{live.pk}/hoi-nghi/mo/?chi_bo={ward.cell_a.pk}"
    body = client.post(
        url,
        {"date": "32/11/2020", "attendees": [ward.members["cuong"].pk], "total": "0", "excused": "0"},
    ).content.decode()
    assert "Ngày không hợp lệ" in body
    assert "Đảng viên không thuộc danh sách của chi bộ." in body
    assert "Không được nhỏ hơn 1." in body
    assert not Meeting.objects.exists()


def test_who_may_open_and_run_a_meeting(ward, live, meeting, login):
    for user, status in (("member", 403), ("standing", 403), ("residence", 403), ("higher", 403)):
        assert login(user).get(f"/hoi-nghi/{meeting.pk}/").status_code == status, user
        assert login(user).get(f"/hoi-nghi/{meeting.pk}/trinh-chieu/").status_code == status, user
    assert login("other_office").get(f"/hoi-nghi/{meeting.pk}/").status_code == 404
    assert login("office").get(f"/hoi-nghi/{meeting.pk}/").status_code == 200
    assert login("member").get(f"/ke-hoach/{live.pk}/hoi-nghi/mo/?chi_bo={ward.cell_a.pk}").status_code == 403
    # the secretary of cell A does not run cell B's meeting
    assert (
        login("secretary").get(f"/ke-hoach/{live.pk}/hoi-nghi/mo/?chi_bo={ward.cell_b.pk}").status_code == 403
    )
    item = meeting.items.get(subject__member=ward.members["an"])
    login("member").post(f"/hoi-nghi/muc/{item.pk}/gop-y/", {"who": "An", "what": "Tự khen"})
    item.refresh_from_db()
    assert item.criticism == []


def test_criticism_and_response_are_recorded(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    client.post(
        f"/hoi-nghi/muc/{item.pk}/gop-y/", {"who": "Đ/c Bình", "what": "Cần gương mẫu hơn nơi cư trú"}
    )
    empty = client.post(f"/hoi-nghi/muc/{item.pk}/gop-y/", {"who": "x", "what": "  "}, follow=True)
    assert "Cần nhập nội dung góp ý." in empty.content.decode()
    client.post(f"/hoi-nghi/muc/{item.pk}/tiep-thu/", {"response": "Xin tiếp thu", "review_presented": "on"})
    item.refresh_from_db()
    assert item.criticism == [{"who": "Đ/c Bình", "what": "Cần gương mẫu hơn nơi cư trú"}]
    assert item.response == "Xin tiếp thu" and item.review_presented
    body = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "Cần gương mẫu hơn nơi cư trú" in body and "Xin tiếp thu" in body


def test_paper_tally_needs_two_matching_entries_by_two_people(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    url = f"/hoi-nghi/muc/{item.pk}/kiem-phieu/"
    counts = {**LEVELS, "HTXSNV": "1", "HTTNV": "3", "HTNV": "1"}
    secretary = login("secretary")
    secretary.post(url, counts)
    body = secretary.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "chờ lần nhập thứ hai" in body
    again = secretary.post(url, counts, follow=True).content.decode()
    assert "Lần nhập thứ hai phải do người khác thực hiện." in again
    office = login("office")
    mismatch = office.post(url, {**counts, "HTTNV": "2"}, follow=True).content.decode()
    assert "Hai lần nhập kết quả kiểm phiếu không khớp nhau" in mismatch
    item.refresh_from_db()
    assert item.proposed_level == ""
    office.post(url, counts)
    item.refresh_from_db()
    assert item.proposed_level == "HTTNV" and item.result["voters"] == 5


def test_bad_tally_input_gets_vietnamese_errors_and_changes_nothing(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    url = f"/hoi-nghi/muc/{item.pk}/kiem-phieu/"
    body = client.post(url, {**LEVELS, "HTTNV": "-1"}, follow=True).content.decode()
    assert "Không được nhỏ hơn 0." in body
    body = client.post(url, {**LEVELS, "HTTNV": "abc"}, follow=True).content.decode()
    assert "Cần nhập số nguyên." in body
    body = client.post(url, {**LEVELS, "HTTNV": "9"}, follow=True).content.decode()
    assert "vượt quá số người có mặt" in body
    assert not item.tallies.exists()


def test_secret_ballot_from_the_secretary_side_shows_counts_never_votes(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    opened = client.post(f"/hoi-nghi/muc/{item.pk}/mo-phieu/")
    # the counting code is shown once, in the response itself (not in a message kept in the session)
    assert opened.status_code == 200 and "Mã kiểm phiếu của hội nghị" in opened.content.decode()
    code = opened.content.decode().split("data-counting-code>")[1].split("<")[0]
    assert code not in client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    box = item.__class__.objects.get(pk=item.pk).ballot_box
    cast_ballot(box, ward.members["an"], "HTXSNV")
    cast_ballot(box, ward.members["binh"], "KHTNV")
    section = _section(client.get(f"/hoi-nghi/{meeting.pk}/").content.decode(), item)
    assert "2/5" in section
    assert "Hoàn thành xuất sắc nhiệm vụ" not in section and "Không hoàn thành nhiệm vụ" not in section
    assert "HTXSNV" not in section and "KHTNV" not in section
    status = client.get(f"/hoi-nghi/muc/{item.pk}/so-phieu/").json()
    assert status == {"open": True, "voted": 2, "roll": 5}
    # nor who has voted: no voter's name in the vote part of the item
    vote_part = section.split("Biểu quyết đề xuất")[1]
    assert "Trần Thị Bình" not in vote_part and "Nguyễn Văn An" not in vote_part
    url = f"/hoi-nghi/muc/{item.pk}/dong-phieu/"
    refused = client.post(url, {"counting_code": code}, follow=True).content.decode()
    assert "cần ít nhất 5 phiếu" in refused  # 2 ballots: counting would expose the voters
    section = _section(client.get(f"/hoi-nghi/{meeting.pk}/").content.decode(), item)
    assert "phiếu</li>" not in section and "2/5" in section


def _open_and_fill(client, item, levels):  # type: ignore[no-untyped-def]
    """Open a box through the page, have the roll vote ``levels``; returns the box and the counting code."""
    body = client.post(f"/hoi-nghi/muc/{item.pk}/mo-phieu/").content.decode()
    code = body.split("data-counting-code>")[1].split("<")[0] if "data-counting-code>" in body else None
    box = item.__class__.objects.get(pk=item.pk).ballot_box
    for entry, level in zip(VoterRollEntry.objects.filter(box=box), levels, strict=False):
        cast_ballot(box, entry.member, level)
    return box, code


def test_results_after_counting_are_totals_only(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    box, code = _open_and_fill(client, item, ["HTTNV", "HTTNV", "HTXSNV", "HTNV", "HTTNV"])
    wrong = client.post(f"/hoi-nghi/muc/{item.pk}/dong-phieu/", {"counting_code": "ZZZZ"}, follow=True)
    assert "Mã kiểm phiếu không đúng" in wrong.content.decode()
    client.post(f"/hoi-nghi/muc/{item.pk}/dong-phieu/", {"counting_code": code.lower()})
    body = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "Hoàn thành tốt nhiệm vụ: 3 phiếu" in body and "Hoàn thành xuất sắc nhiệm vụ: 1 phiếu" in body
    assert "Kết quả biểu quyết: Hoàn thành tốt nhiệm vụ" in body
    assert not Ballot.objects.filter(box=box).exists()  # only the totals are kept


def test_all_open_boxes_are_counted_with_one_code(ward, meeting, login):
    an = meeting.items.get(subject__member=ward.members["an"])
    binh = meeting.items.get(subject__member=ward.members["binh"])
    client = login("secretary")
    _, code = _open_and_fill(client, an, ["HTXSNV"] * 5)
    _, again = _open_and_fill(client, binh, ["HTNV"] * 5)
    assert code and again is None  # the second box uses the meeting's code
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "Đang bỏ phiếu kín: 2 hòm phiếu" in page
    done = client.post(f"/hoi-nghi/{meeting.pk}/kiem-phieu/", {"counting_code": code}, follow=True)
    assert "Đã kiểm phiếu 2 hòm phiếu kín." in done.content.decode()
    an.refresh_from_db()
    binh.refresh_from_db()
    assert (an.proposed_level, binh.proposed_level) == ("HTXSNV", "HTNV")


def test_a_box_can_be_cancelled_with_a_reason_and_voted_on_paper(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    _open_and_fill(client, item, ["HTTNV"])
    url = f"/hoi-nghi/muc/{item.pk}/huy-phieu/"
    assert "Cần ghi lý do" in client.post(url, {"reason": ""}, follow=True).content.decode()
    done = client.post(url, {"reason": "Mới một đồng chí có tài khoản"}, follow=True).content.decode()
    assert "Đã hủy hòm phiếu" in done and "Nhập kết quả kiểm phiếu giấy" in _section(done, item)
    item.refresh_from_db()
    assert item.vote_mode == "" and not hasattr(item, "ballot_box")


def test_closing_the_meeting_needs_counted_boxes_and_then_refuses_changes(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["an"])
    client = login("secretary")
    box, code = _open_and_fill(client, item, [])
    body = client.post(f"/hoi-nghi/{meeting.pk}/ket-thuc/", {"minutes": "Hội nghị diễn ra"}, follow=True)
    assert "Còn hòm phiếu chưa kiểm phiếu: Nguyễn Văn An" in body.content.decode()
    for entry in VoterRollEntry.objects.filter(box=box):
        cast_ballot(box, entry.member, "HTTNV")
    client.post(f"/hoi-nghi/muc/{item.pk}/dong-phieu/", {"counting_code": code})
    client.post(f"/hoi-nghi/{meeting.pk}/ket-thuc/", {"minutes": "Hội nghị diễn ra"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.minutes == "Hội nghị diễn ra"
    other = meeting.items.get(subject__member=ward.members["binh"])
    refused = client.post(f"/hoi-nghi/muc/{other.pk}/gop-y/", {"what": "muộn"}, follow=True)
    assert "Hội nghị đã kết thúc" in refused.content.decode()
    other.refresh_from_db()
    assert other.criticism == []


def test_projector_mode_shows_one_subject_at_a_time_and_takes_paper_tallies(ward, meeting, login):
    client = login("secretary")
    items = list(meeting.items.order_by("order"))
    first = client.get(f"/hoi-nghi/{meeting.pk}/trinh-chieu/").content.decode()
    assert 'class="projector"' in first and "Nội dung 1/" in first and items[0].subject.name in first
    assert f"?muc={items[1].pk}" in first and "Tiếp theo" in first
    an = meeting.items.get(subject__member=ward.members["an"])
    page = client.get(f"/hoi-nghi/{meeting.pk}/trinh-chieu/?muc={an.pk}").content.decode()
    assert "Nguyễn Văn An" in page and "Nhập kết quả kiểm phiếu giấy" in page
    response = client.post(
        f"/hoi-nghi/muc/{an.pk}/kiem-phieu/", {**LEVELS, "HTTNV": "5", "from": "trinh-chieu"}
    )
    assert response.url == f"/hoi-nghi/{meeting.pk}/trinh-chieu/?muc={an.pk}"
    assert "chờ lần nhập thứ hai" in client.get(response.url).content.decode()


def test_projector_shows_the_live_count_of_an_open_ballot_never_the_votes(ward, meeting, login):
    item = meeting.items.get(subject__member=ward.members["binh"])
    box = open_ballot(item, ward.users["secretary"])
    cast_ballot(box, ward.members["an"], "KHTNV")
    body = login("secretary").get(f"/hoi-nghi/{meeting.pk}/trinh-chieu/?muc={item.pk}").content.decode()
    assert 'class="big-count" data-count>1/5<' in body
    assert f'data-count-url="/hoi-nghi/muc/{item.pk}/so-phieu/"' in body
    assert "Không hoàn thành nhiệm vụ" not in body and "KHTNV" not in body


def test_pages_carry_no_inline_script_or_style(ward, meeting, login):
    import re

    from .conftest import subject_of

    client = login("secretary")
    subject = subject_of(meeting.plan, ward.members["an"])
    pages = [
        "/viec-cua-toi/",
        f"/kiem-diem/{subject.pk}/",
        f"/hoi-nghi/{meeting.pk}/",
        f"/hoi-nghi/{meeting.pk}/trinh-chieu/",
        f"/ke-hoach/{meeting.plan_id}/chi-bo/{ward.cell_a.pk}/",
        f"/ke-hoach/{meeting.plan_id}/tong-hop-y-kien/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert " style=" not in body and "<style" not in body, url
        assert "/static/reviews/reviews.css" in body, url


def test_the_circulation_warning_is_the_same_on_the_meeting_page_and_in_the_api(ward, live366, login):
    """C-DOC-01 (QĐ 366): the cell's draft report must reach participants 3 working days before."""
    from kiemdiem.reviews.services import get_or_create_review

    from .conftest import cell_subject

    review = get_or_create_review(cell_subject(live366, ward.cell_a))
    meeting = open_meeting(
        live366,
        date=timezone.localdate(),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"]],
    )
    client = login("secretary")
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    api = client.get(f"/api/meetings/{meeting.pk}").json()
    assert "Dự thảo báo cáo của tập thể chưa được gửi" in page
    assert api["warning"] == "Dự thảo báo cáo của tập thể chưa được gửi đến người dự hội nghị."
    review.circulated_on = timezone.localdate() - dt.timedelta(days=14)
    review.save()
    assert "Cảnh báo:" not in client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert client.get(f"/api/meetings/{meeting.pk}").json()["warning"] == ""
