from __future__ import annotations

from django.utils import timezone

from kiemdiem.reviews.feedback import request_feedback, respond_feedback
from kiemdiem.reviews.models import FeedbackRequest, FeedbackResponse, FeedbackSource

from .conftest import subject_of


def _due() -> str:
    return (timezone.localdate() + timezone.timedelta(days=5)).strftime("%d/%m/%Y")


def test_office_sends_feedback_requests_by_source_and_due_date(ward, live, login):
    client = login("office")
    url = f"/ke-hoach/{live.pk}/xin-y-kien/"
    assert "Đảng viên trong chi bộ" in client.get(url).content.decode()
    response = client.post(url, {"sources": ["noi_cu_tru", "chi_uy"], "due_date": _due()}, follow=True)
    assert "Đã gửi 5 yêu cầu nhận xét." in response.content.decode()  # 4 cell committees + 1 residence
    residence = FeedbackRequest.objects.get(source=FeedbackSource.RESIDENCE)
    assert residence.subject.member == ward.members["cuong"] and residence.organization == ward.cell_a


def test_bad_feedback_request_input_changes_nothing(ward, live, login):
    client = login("office")
    url = f"/ke-hoach/{live.pk}/xin-y-kien/"
    body = client.post(url, {"sources": [], "due_date": "01/01/2001"}).content.decode()
    assert "Cần chọn ít nhất một nguồn." in body and "Hạn trả lời không được trước hôm nay." in body
    body = client.post(url, {"sources": ["khac"], "due_date": _due()}).content.decode()
    assert "Nguồn không hợp lệ." in body
    assert not FeedbackRequest.objects.exists()
    for user in ("secretary", "member", "standing", "residence"):
        assert login(user).post(url, {"sources": ["chi_uy"], "due_date": _due()}).status_code in (403, 404)
    assert not FeedbackRequest.objects.exists()


def test_residence_secretary_sees_only_the_residence_requests_of_the_cell(ward, live, login):
    request_feedback(live, ["noi_cu_tru", "chi_uy", "co_quan"], timezone.localdate(), ward.users["office"])
    residence = FeedbackRequest.objects.get(source=FeedbackSource.RESIDENCE)
    client = login("residence")
    body = client.get("/y-kien/").content.decode()
    assert "Lê Văn Cường" in body and "Nguyễn Văn An" not in body and "Phạm Thị Dung" not in body
    assert body.count("/y-kien/") >= 1 and f"/y-kien/{residence.pk}/" in body
    others = FeedbackRequest.objects.exclude(pk=residence.pk)
    for req in others:
        assert client.get(f"/y-kien/{req.pk}/").status_code == 404
    page = client.get(f"/y-kien/{residence.pk}/").content.decode()
    assert "Số 5 ngõ 12, Tổ 1" in page and "ẩn danh" not in page.lower()  # not a group source
    response = client.post(
        f"/y-kien/{residence.pk}/",
        {"text": "Gương mẫu, tích cực ở khu dân cư", "proposed_level": "HTTNV", "responded_on": "20/11/2020"},
    )
    assert response.status_code == 302
    answer = FeedbackResponse.objects.get()
    assert answer.request == residence and answer.proposed_level == "HTTNV"
    assert answer.responded_by == ward.users["residence"] and not answer.anonymous


def test_bad_feedback_response_gets_vietnamese_errors(ward, live, login):
    request_feedback(live, ["noi_cu_tru"], timezone.localdate(), ward.users["office"])
    req = FeedbackRequest.objects.get()
    client = login("residence")
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).strftime("%d/%m/%Y")
    body = client.post(
        f"/y-kien/{req.pk}/", {"text": " ", "proposed_level": "XYZ", "responded_on": tomorrow}
    ).content.decode()
    assert "Cần nhập nội dung nhận xét." in body and "Mức xếp loại không hợp lệ." in body
    body = client.post(f"/y-kien/{req.pk}/", {"text": "Tốt", "responded_on": tomorrow}).content.decode()
    assert "Ngày nhận xét không được sau hôm nay." in body
    assert not FeedbackResponse.objects.exists()


def test_group_sources_may_answer_anonymously(ward, live, login):
    request_feedback(live, ["dang_vien_chi_bo"], timezone.localdate(), ward.users["office"])
    req = FeedbackRequest.objects.get(subject__member=ward.members["an"])
    client = login("secretary")
    assert "Gửi ẩn danh" in client.get(f"/y-kien/{req.pk}/").content.decode()
    client.post(
        f"/y-kien/{req.pk}/",
        {"text": "Ý kiến chung của chi bộ", "responded_on": "20/11/2020", "anonymous": "on"},
    )
    answer = FeedbackResponse.objects.get()
    assert answer.anonymous and answer.responded_by is None


def test_feedback_summary_for_the_cell_and_for_the_office(ward, live, login):
    request_feedback(live, ["noi_cu_tru", "chi_uy"], timezone.localdate(), ward.users["office"])
    cuong = FeedbackRequest.objects.get(source="chi_uy", subject=subject_of(live, ward.members["cuong"]))
    respond_feedback(cuong, ward.users["office"], text="Hoàn thành tốt", proposed_level="HTTNV")
    secretary = login("secretary")
    body = secretary.get(f"/ke-hoach/{live.pk}/tong-hop-y-kien/").content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body and "Lê Văn Cường" not in body
    assert "Chi ủy" in body and "chưa có" in body
    # a secretary cannot look at another cell by changing the filter
    other = secretary.get(f"/ke-hoach/{live.pk}/tong-hop-y-kien/?chi_bo={ward.cell_b.pk}").content.decode()
    assert "Lê Văn Cường" not in other
    office = login("office")
    whole = office.get(f"/ke-hoach/{live.pk}/tong-hop-y-kien/").content.decode()
    assert "Nguyễn Văn An" in whole and "Lê Văn Cường" in whole and "Hoàn thành tốt" in whole
    assert "Chi ủy, chi bộ nơi cư trú" in whole  # the residence column
    cell_b = office.get(f"/ke-hoach/{live.pk}/tong-hop-y-kien/?chi_bo={ward.cell_b.pk}").content.decode()
    assert "Lê Văn Cường" in cell_b and "Nguyễn Văn An" not in cell_b
    for user in ("member", "residence", "standing"):
        assert login(user).get(f"/ke-hoach/{live.pk}/tong-hop-y-kien/").status_code == 403, user


def test_cell_page_lists_the_cells_subjects_with_states(ward, live, login):
    client = login("secretary")
    body = client.get(f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_a.pk}/").content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body and "Lê Văn Cường" not in body
    assert "Chưa viết" in body and "Mở hội nghị kiểm điểm" in body
    assert client.get(f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_b.pk}/").status_code == 403
    assert login("member").get(f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_a.pk}/").status_code == 403
    assert login("office").get(f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_b.pk}/").status_code == 200
    assert login("office").get(f"/ke-hoach/{live.pk}/kiem-diem/").status_code == 200
    assert login("secretary").get(f"/ke-hoach/{live.pk}/kiem-diem/").status_code == 403
