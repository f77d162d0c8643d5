from __future__ import annotations

from kiemdiem.audit.models import AuditEvent
from kiemdiem.reviews.models import Review, ReviewPlace, ReviewStatus
from kiemdiem.reviews.services import get_or_create_review, save_review

from .conftest import cell_subject, subject_of, submit_cell_report


def _form_data(review, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "version": review.version,
        "section_1": "Giữ vững lập trường tư tưởng chính trị",
        "strengths": "Hoàn thành tốt nhiệm vụ được giao",
        "shortcomings": "",
        "causes": "",
        "prior_results": "",
        "responsibility": "",
        "remedies": "",
        "evidence_text": "",
        "tasks_total": "",
        "tasks_done": "",
        "tasks_on_time": "",
        "tasks_exceeded": "",
        "tasks_late": "",
        "grade_1": "tot",
        "grade_2": "tot",
        "self_level": "HTTNV",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_member_opens_and_saves_own_review(ward, live, login):
    client = login("member")
    subject = subject_of(live, ward.members["an"])
    page = client.get(f"/kiem-diem/{subject.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Bản kiểm điểm: Nguyễn Văn An" in body and "Mẫu 02-HD KĐ.ĐG 2019" in body
    assert "Tư tưởng chính trị, đạo đức, lối sống" in body  # graded criteria of QĐ 132
    review = Review.objects.get(subject=subject, place=ReviewPlace.CELL)
    response = client.post(f"/kiem-diem/{subject.pk}/", _form_data(review))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.strengths == "Hoàn thành tốt nhiệm vụ được giao"
    assert review.sections["1"] == "Giữ vững lập trường tư tưởng chính trị"
    assert review.grades == {"1": "tot", "2": "tot"} and review.self_level == "HTTNV"
    assert not review.entered_on_behalf and review.version == 2


def test_stale_save_is_refused_with_a_vietnamese_message_and_changes_nothing(ward, live, login):
    subject = subject_of(live, ward.members["an"])
    review = get_or_create_review(subject)
    stale = review.version
    save_review(review, {"strengths": "Bản của bí thư"}, ward.users["secretary"], version=review.version)
    client = login("member")
    response = client.post(
        f"/kiem-diem/{subject.pk}/", _form_data(review, version=stale, strengths="Bản của tôi")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "vừa được người khác sửa" in body
    assert "Bản của tôi" in body  # the member's text stays in the form, not lost
    review.refresh_from_db()
    assert review.strengths == "Bản của bí thư"


def test_autosave_returns_the_new_version_and_refuses_a_stale_one(ward, live, login):
    subject = subject_of(live, ward.members["an"])
    review = get_or_create_review(subject)
    client = login("member")
    url = f"/kiem-diem/ban/{review.pk}/luu-nhap/"
    first = client.post(url, _form_data(review, strengths="Tự động lưu"))
    assert first.status_code == 200
    payload = first.json()
    assert payload["ok"] is True and payload["version"] == review.version + 1
    again = client.post(url, _form_data(review, strengths="Bản cũ"))  # the old version again
    assert again.status_code == 409 and "vừa được người khác sửa" in again.json()["error"]
    review.refresh_from_db()
    assert review.strengths == "Tự động lưu" and review.version == payload["version"]


def test_bad_input_gets_vietnamese_errors_and_changes_nothing(ward, live, login):
    subject = subject_of(live, ward.members["an"])
    review = get_or_create_review(subject)
    client = login("member")
    response = client.post(
        f"/kiem-diem/{subject.pk}/",
        _form_data(review, tasks_total="10", tasks_done="11", self_level="ABC", grade_1="gioi"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mức xếp loại không hợp lệ." in body and "Mức đánh giá không hợp lệ." in body
    response = client.post(f"/kiem-diem/{subject.pk}/", _form_data(review, tasks_total="10", tasks_done="11"))
    assert "Không được lớn hơn tổng số nhiệm vụ được giao." in response.content.decode()
    auto = client.post(f"/kiem-diem/ban/{review.pk}/luu-nhap/", _form_data(review, tasks_total="x"))
    assert auto.status_code == 400 and auto.json()["errors"]["tasks_total"] == ["Cần nhập số nguyên."]
    review.refresh_from_db()
    assert review.version == 1 and review.strengths == "" and review.tasks_total is None


def test_366_scores_are_checked_against_the_group_maxima(ward, live366, login):
    subject = subject_of(live366, ward.members["an"])
    client = login("member")
    assert "tối đa 30" in client.get(f"/kiem-diem/{subject.pk}/").content.decode()
    review = Review.objects.get(subject=subject)
    data = _form_data(review, score_general="31", score_tasks="62,5")
    body = client.post(f"/kiem-diem/{subject.pk}/", data).content.decode()
    assert "Điểm nhóm I tối đa 30." in body
    client.post(f"/kiem-diem/{subject.pk}/", _form_data(review, score_general="28", score_tasks="62,5"))
    review.refresh_from_db()
    assert str(review.score_total) == "90.50"


def test_submit_shows_the_problems_then_submits_after_the_collective(ward, live, login):
    subject = subject_of(live, ward.members["an"])
    review = get_or_create_review(subject)
    client = login("member")
    response = client.post(f"/kiem-diem/{subject.pk}/", _form_data(review, action="submit"), follow=True)
    assert "tập thể kiểm điểm trước" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    submit_cell_report(live, ward.cell_a, ward.users["secretary"])
    response = client.post(f"/kiem-diem/{subject.pk}/", _form_data(review, action="submit"), follow=True)
    assert "Đã nộp bản kiểm điểm." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    # a submitted review is locked: the form is disabled and a save is refused
    body = client.get(f"/kiem-diem/{subject.pk}/").content.decode()
    assert "Bản kiểm điểm đã nộp, không sửa được." in body and "<fieldset disabled>" in body
    refused = client.post(f"/kiem-diem/{subject.pk}/", _form_data(review, strengths="sửa sau khi nộp"))
    assert "đã khóa" in refused.content.decode()


def test_secretary_enters_on_behalf_and_it_is_marked(ward, live, login):
    subject = subject_of(live, ward.members["an"])
    client = login("secretary")
    client.get(f"/kiem-diem/{subject.pk}/")
    review = Review.objects.get(subject=subject)
    client.post(f"/kiem-diem/{subject.pk}/", _form_data(review))
    review.refresh_from_db()
    assert review.entered_on_behalf and review.entered_by == ward.users["secretary"]
    assert "nhập thay" in client.get(f"/kiem-diem/{subject.pk}/").content.decode()


def test_who_may_open_a_review(ward, live, login):
    an = subject_of(live, ward.members["an"])
    dung = subject_of(live, ward.members["dung"])
    assert login("member").get(f"/kiem-diem/{dung.pk}/").status_code == 404  # another member
    assert login("secretary").get(f"/kiem-diem/{dung.pk}/").status_code == 404  # another cell
    assert login("residence").get(f"/kiem-diem/{an.pk}/").status_code == 404
    assert login("other_office").get(f"/kiem-diem/{an.pk}/").status_code == 404
    assert login("office").get(f"/kiem-diem/{dung.pk}/").status_code == 200
    # the standing committee reads but cannot write
    review = Review.objects.get(subject=dung)
    standing = login("standing")
    assert standing.get(f"/kiem-diem/{dung.pk}/").status_code == 200
    assert standing.post(f"/kiem-diem/{dung.pk}/", _form_data(review)).status_code == 403
    assert standing.post(f"/kiem-diem/ban/{review.pk}/luu-nhap/", _form_data(review)).status_code == 403
    review.refresh_from_db()
    assert review.version == 1


def test_office_reopens_a_submitted_review_with_a_reason(ward, live, login):
    submit_cell_report(live, ward.cell_a, ward.users["secretary"])
    review = Review.objects.get(subject=cell_subject(live, ward.cell_a))
    assert login("secretary").post(f"/kiem-diem/ban/{review.pk}/mo-lai/", {"reason": "x"}).status_code == 403
    office = login("office")
    body = office.post(f"/kiem-diem/ban/{review.pk}/mo-lai/", {"reason": ""}, follow=True).content.decode()
    assert "Cần ghi lý do mở lại" in body
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    office.post(f"/kiem-diem/ban/{review.pk}/mo-lai/", {"reason": "Bổ sung số liệu"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.REOPENED
    assert AuditEvent.objects.filter(action="review.reopen", reason="Bổ sung số liệu").exists()


def test_collective_report_has_circulation_date_and_a_leader_has_a_second_review(ward, live366, login):
    from kiemdiem.members.models import Position
    from kiemdiem.organizations.models import CollectiveKind, LeadershipCollective

    subject = cell_subject(live366, ward.cell_a)
    body = login("secretary").get(f"/kiem-diem/{subject.pk}/").content.decode()
    assert "Báo cáo kiểm điểm: Chi bộ Tổ dân phố số 1" in body
    assert "Ngày gửi dự thảo báo cáo đến người dự hội nghị" in body
    assert "Dự thảo báo cáo của tập thể chưa được gửi" in body  # C-DOC-01 under QĐ 366
    coll = LeadershipCollective.objects.create(
        organization=ward.ward, kind=CollectiveKind.PEOPLES_COMMITTEE, name="Lãnh đạo UBND"
    )
    Position.objects.create(member=ward.members["dung"], title="Chủ tịch UBND", collective=coll, is_head=True)
    leader = subject_of(live366, ward.members["dung"])
    leader.kind, leader.collective = "leader", coll
    leader.save()
    office = login("office")
    page = office.get(f"/kiem-diem/{leader.pk}/tap-the/")
    assert page.status_code == 200 and "Tại tập thể lãnh đạo, quản lý" in page.content.decode()
    assert Review.objects.filter(subject=leader, place=ReviewPlace.COLLECTIVE).exists()
    # a member without a leadership post has no second review
    assert office.get(f"/kiem-diem/{subject_of(live366, ward.members['an']).pk}/tap-the/").status_code == 400


def test_a_member_writes_only_his_own_review_by_its_id(ward, live, login):
    """Autosave and evidence find the review by id: another member's is 404 and unchanged, the own one
    is saved, and a cell secretary still saves for a member of the cell (marked as entered on behalf)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own = get_or_create_review(subject_of(live, ward.members["an"]))
    binh = get_or_create_review(subject_of(live, ward.members["binh"]))  # same cell
    dung = get_or_create_review(subject_of(live, ward.members["dung"]))  # another cell
    client = login("member")
    for other in (binh, dung):
        assert client.post(f"/kiem-diem/ban/{other.pk}/luu-nhap/", _form_data(other)).status_code == 404
        upload = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        url = f"/kiem-diem/ban/{other.pk}/minh-chung/"
        assert client.post(url, {"description": "x", "file": upload}).status_code == 404
        assert client.get(f"/kiem-diem/{other.subject_id}/").status_code == 404
        other.refresh_from_db()
        assert other.version == 1 and other.strengths == "" and not other.evidence.exists()
    with CaptureQueriesContext(connection) as ctx:
        saved = client.post(f"/kiem-diem/ban/{own.pk}/luu-nhap/", _form_data(own, strengths="Của tôi"))
    assert saved.status_code == 200 and saved.json()["version"] == 2
    # The own review is admitted without the scope's positions/organizations subquery.
    assert not [q for q in ctx.captured_queries if "members_position" in q["sql"]]
    own.refresh_from_db()
    assert own.strengths == "Của tôi" and not own.entered_on_behalf
    secretary = login("secretary")
    response = secretary.post(f"/kiem-diem/ban/{own.pk}/luu-nhap/", _form_data(own, strengths="Bí thư"))
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.strengths == "Bí thư" and own.entered_on_behalf and own.entered_by == ward.users["secretary"]
    assert secretary.post(f"/kiem-diem/ban/{dung.pk}/luu-nhap/", _form_data(dung)).status_code == 404


def test_a_member_moved_to_another_committee_no_longer_writes_the_old_plans_review(ward, live, login):
    """The own review is in scope only through the plans of the committees above the member's cell now."""
    review = get_or_create_review(subject_of(live, ward.members["an"]))
    client = login("member")
    assert client.post(f"/kiem-diem/ban/{review.pk}/luu-nhap/", _form_data(review)).status_code == 200
    review.refresh_from_db()
    an = ward.members["an"]
    an.cell = ward.other_cell
    an.save(update_fields=["cell"])
    assert client.get(f"/kiem-diem/{review.subject_id}/").status_code == 404
    assert client.post(f"/kiem-diem/ban/{review.pk}/luu-nhap/", _form_data(review)).status_code == 404
    before = review.version
    review.refresh_from_db()
    assert review.version == before
