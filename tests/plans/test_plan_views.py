from __future__ import annotations

import datetime as dt

from kiemdiem.plans.models import Plan
from kiemdiem.plans.services import compute_subjects, create_plan

D = dt.date


def _create(client, **overrides):
    data = {
        "number": "07-KH/ĐU",
        "issued_on": "18/11/2020",
        "year": "2020",
        "framework_id": "",
        "framework_reason": "",
        "reference_date": "18/11/2020",
        "purpose": "Đánh giá đúng thực chất",
    }
    data.update(overrides)
    return client.post("/ke-hoach/tao/", data)


def test_office_creates_a_plan_with_dates_as_dd_mm_yyyy(ward, login):
    response = _create(login("office"))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == f"/ke-hoach/{plan.pk}/"
    assert plan.issued_on == D(2020, 11, 18) and plan.framework_id == "qd132-2020"
    body = login("office").get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Kế hoạch 07-KH/ĐU ngày 18/11/2020" in body and "Chưa ban hành được vì" in body


def test_bad_input_gets_vietnamese_errors_and_creates_nothing(ward, login):
    body = _create(login("office"), issued_on="31/02/2020", framework_id="qd366-2025").content.decode()
    assert "Ngày không hợp lệ" in body and "cần ghi lý do" in body
    assert not Plan.objects.exists()


def test_only_the_office_creates_and_edits(ward, login):
    assert login("secretary").get("/ke-hoach/tao/").status_code == 403
    assert login("higher").get("/ke-hoach/tao/").status_code == 403
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    assert login("standing").get(f"/ke-hoach/{plan.pk}/").status_code == 200
    assert login("standing").get(f"/ke-hoach/{plan.pk}/sua/").status_code == 403
    assert login("other_office").get(f"/ke-hoach/{plan.pk}/").status_code == 404
    # a draft is not shown to cells
    assert login("secretary").get(f"/ke-hoach/{plan.pk}/").status_code == 404


def _edit_data(plan, **overrides):
    data = {
        "version": plan.version,
        "title": plan.title,
        "purpose": "",
        "reference_date": "18/11/2020",
        "launch_date": "19/11/2020",
        "launch_place": "Hội trường UBND phường",
        "launch_chair": "",
        "launch_attendees": "Ban Chấp hành Đảng bộ; bí thư các chi bộ",
        "steps-TOTAL_FORMS": plan.steps.count(),
        "steps-INITIAL_FORMS": plan.steps.count(),
    }
    for i, step in enumerate(plan.steps.all()):
        data[f"steps-{i}-id"] = step.pk
        data[f"steps-{i}-due_cells"] = (
            "27/11/2020"
            if step.code in {"bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"}
            else ""
        )
        data[f"steps-{i}-due_committee"] = "" if step.code == "trien_khai" else "04/12/2020"
    data.update(overrides)
    return data


def test_full_flow_edit_compute_publish_acknowledge(ward, login):
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    office = login("office")
    response = office.post(f"/ke-hoach/{plan.pk}/sua/", _edit_data(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.launch_date == D(2020, 11, 19) and plan.steps.get(code="hoi_nghi").due_cells == D(
        2020, 11, 27
    )
    office.post(f"/ke-hoach/{plan.pk}/tinh-doi-tuong/")
    assert plan.subjects.filter(reviewed=True).count() > 0
    office.post(f"/ke-hoach/{plan.pk}/ban-hanh/")
    plan.refresh_from_db()
    assert plan.is_published
    secretary = login("secretary")
    body = secretary.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Xác nhận đã nhận kế hoạch" in body
    secretary.post(f"/ke-hoach/{plan.pk}/xac-nhan/{ward.cell_a.pk}/")
    assert plan.acknowledgements.get(cell=ward.cell_a).acknowledged_by == ward.users["secretary"]
    assert secretary.post(f"/ke-hoach/{plan.pk}/xac-nhan/{ward.cell_b.pk}/").status_code == 403


def test_a_stale_edit_is_refused_not_silently_overwritten(ward, login):
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    office = login("office")
    stale = _edit_data(plan, launch_place="Nơi A")
    office.post(f"/ke-hoach/{plan.pk}/sua/", _edit_data(plan, launch_place="Nơi B"))
    body = office.post(f"/ke-hoach/{plan.pk}/sua/", stale).content.decode()
    assert "vừa được người khác sửa" in body
    plan.refresh_from_db()
    assert plan.launch_place == "Nơi B"


def test_deadline_before_issue_date_is_refused(ward, login):
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    data = _edit_data(plan)
    data["steps-4-due_cells"] = "01/11/2020"
    body = login("office").post(f"/ke-hoach/{plan.pk}/sua/", data).content.decode()
    assert "trước ngày ban hành" in body


def test_subject_list_respects_member_scope(ward, login):
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(plan)
    plan.status = "da_ban_hanh"
    plan.save()
    body = login("secretary").get(f"/ke-hoach/{plan.pk}/doi-tuong/").content.decode()
    assert "Nguyễn Văn An" in body and "Lê Văn Cường" not in body
    assert "Lê Văn Cường" in login("office").get(f"/ke-hoach/{plan.pk}/doi-tuong/").content.decode()
