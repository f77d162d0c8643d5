from __future__ import annotations

from django.utils import timezone

from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.reviews.ballots import open_ballot

from .conftest import subject_of


def test_member_sees_own_review_deadline_and_state(ward, live, login):
    body = login("member").get("/viec-cua-toi/").content.decode()
    due = live.steps.get(code="ban_kiem_diem").due_cells
    assert "Bản kiểm điểm của tôi" in body and "07-KH/ĐU" in body
    assert due.strftime("%d/%m/%Y") in body and "chưa viết" in body
    assert f"/kiem-diem/{subject_of(live, ward.members['an']).pk}/" in body
    assert f"/kiem-diem/{subject_of(live, ward.members['binh']).pk}/" not in body


def test_member_sees_open_ballot_and_own_published_result_only(ward, live, meeting, login):
    item = meeting.items.get(subject__member=ward.members["binh"])
    box = open_ballot(item, ward.users["secretary"])
    decision = Decision.objects.create(plan=live, number="15-QĐ/ĐU", date=timezone.localdate())
    DecisionEntry.objects.create(
        decision=decision,
        subject=subject_of(live, ward.members["an"]),
        level="HTTNV",
        published_at=timezone.now(),
    )
    DecisionEntry.objects.create(
        decision=decision, subject=subject_of(live, ward.members["binh"]), level="HTXSNV", published_at=None
    )
    body = login("member").get("/viec-cua-toi/").content.decode()
    assert f"/phieu/{box.pk}/" in body and "Trần Thị Bình" in body
    assert "Năm 2020: Hoàn thành tốt nhiệm vụ" in body
    assert "Hoàn thành xuất sắc nhiệm vụ" not in body
    # Bình's result is decided but not published: not on her page yet
    assert "Kết quả xếp loại" in login("secretary").get("/viec-cua-toi/").content.decode()
    assert "Năm 2020:" not in login("secretary").get("/viec-cua-toi/").content.decode()


def test_secretary_and_office_get_their_entry_points(ward, live, login):
    body = login("secretary").get("/viec-cua-toi/").content.decode()
    assert f"/ke-hoach/{live.pk}/chi-bo/{ward.cell_a.pk}/" in body
    body = login("office").get("/viec-cua-toi/").content.decode()
    assert f"/ke-hoach/{live.pk}/kiem-diem/" in body
    assert login("higher").get("/viec-cua-toi/").status_code == 200
    assert login("higher").get(f"/ke-hoach/{live.pk}/kiem-diem/").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, ward, live):
    response = client.get("/viec-cua-toi/")
    assert response.status_code == 302 and "next=/viec-cua-toi/" in response.url
