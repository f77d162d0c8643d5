from __future__ import annotations

import pytest

from kiemdiem.plans.models import Plan, PlanAcknowledgement, PlanStatus

from .conftest import ROLES, cycle_state, detail

PLANS_SEEN_DRAFT = {"office", "standing", "higher"}
PLANS_SEEN_LIVE = {"office", "standing", "secretary", "member", "residence", "higher"}


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_plan_is_seen_by_the_committee_and_the_higher_level_only(ward, draft, as_token, role):
    client = as_token(role)
    listed = {p["id"] for p in client.get("/api/plans").json()}
    response = client.get(f"/api/plans/{draft.pk}")
    if role in PLANS_SEEN_DRAFT:
        assert listed == {draft.pk}
        assert response.status_code == 200
        assert response.json()["can_manage"] is (role == "office")
    else:
        assert listed == set()
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_a_published_plan_reaches_the_cells_under_its_committee(ward, live, as_token, role):
    response = as_token(role).get(f"/api/plans/{live.pk}")
    assert response.status_code == (200 if role in PLANS_SEEN_LIVE else 404)


def test_the_plan_detail_has_steps_deadlines_and_what_blocks_publication(ward, draft, as_token):
    body = as_token("office").get(f"/api/plans/{draft.pk}").json()
    assert body["number"] == "07-KH/ĐU" and body["issued_on"] == "2020-11-18"
    assert body["framework_id"] == "qd132-2020" and body["status"] == "du_thao"
    meeting = next(s for s in body["steps"] if s["code"] == "hoi_nghi")
    assert meeting["due_cells"] == "2020-11-28" and meeting["due_committee"] == "2020-12-05"
    assert body["problems"] == []  # ready to publish
    assert body["subjects"]["reviewed"] > 0
    # the standing committee reads the plan but does not manage it: no problems list for it
    assert as_token("standing").get(f"/api/plans/{draft.pk}").json()["problems"] == []


def test_the_office_creates_a_plan_for_its_committee(ward, as_user):
    response = as_user("office").post(
        "/api/plans", {"number": "09-KH/ĐU", "issued_on": "2021-11-15", "year": 2021}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["id"] == ward.ward.pk
    assert body["status"] == "du_thao" and len(body["steps"]) == 8
    assert Plan.objects.filter(number="09-KH/ĐU", organization=ward.ward).exists()


@pytest.mark.parametrize("role", ["standing", "secretary", "member", "residence", "higher"])
def test_only_an_office_creates_plans(ward, as_token, role):
    before = cycle_state()
    response = as_token(role).post(
        "/api/plans", {"number": "09-KH/ĐU", "issued_on": "2021-11-15", "year": 2021}
    )
    assert response.status_code == 403
    assert "văn phòng" in response.json()["detail"] or "quản lý" in response.json()["detail"]
    assert cycle_state() == before


def test_a_plan_for_a_committee_outside_the_office_scope_is_refused(ward, as_token):
    response = as_token("other_office").post(
        "/api/plans",
        {"number": "09-KH/ĐU", "issued_on": "2021-11-15", "year": 2021, "organization_id": ward.ward.pk},
    )
    assert response.status_code == 403
    assert not Plan.objects.filter(organization=ward.ward).exists()


def test_another_framework_needs_a_reason_and_an_unknown_one_is_refused(ward, as_token):
    client = as_token("office")
    body = {"number": "09-KH/ĐU", "issued_on": "2021-11-15", "year": 2021}
    other = client.post("/api/plans", body | {"framework_id": "qd366-2025"})
    assert other.status_code == 422 and "lý do" in detail(other)
    unknown = client.post("/api/plans", body | {"framework_id": "khong-co"})
    assert unknown.status_code == 422 and "khong-co" in detail(unknown)
    assert not Plan.objects.exists()


def test_the_office_sets_deadlines_and_the_launch_with_the_version(ward, draft, as_user):
    client = as_user("office")
    response = client.patch(
        f"/api/plans/{draft.pk}",
        {
            "version": draft.version,
            "launch_date": "2020-11-20",
            "launch_place": "Hội trường Đảng ủy",
            "launch_chair_id": ward.members["binh"].pk,
            "steps": [{"code": "hoi_nghi", "due_cells": "2020-11-27"}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == draft.version + 1 and body["launch_date"] == "2020-11-20"
    assert body["launch_chair"]["full_name"] == "Trần Thị Bình"
    step = next(s for s in body["steps"] if s["code"] == "hoi_nghi")
    assert step["due_cells"] == "2020-11-27" and step["due_committee"] == "2020-12-05"


def test_a_stale_plan_edit_is_refused_with_409_and_changes_nothing(ward, draft, as_token):
    client = as_token("office")
    first = client.patch(f"/api/plans/{draft.pk}", {"version": draft.version, "launch_place": "Nhà văn hóa"})
    assert first.status_code == 200
    before = cycle_state()
    second = client.patch(
        f"/api/plans/{draft.pk}",
        {
            "version": draft.version,
            "launch_place": "Hội trường",
            "steps": [{"code": "hoi_nghi", "due_cells": None}],
        },
    )
    assert second.status_code == 409
    assert "người khác" in second.json()["detail"]
    assert cycle_state() == before


def test_invalid_plan_edits_are_refused_per_field(ward, draft, as_token):
    before = cycle_state()
    response = as_token("office").patch(
        f"/api/plans/{draft.pk}",
        {
            "version": draft.version,
            "launch_chair_id": ward.members["xa"].pk,
            "steps": [{"code": "hoi_nghi", "due_cells": "2020-01-01"}, {"code": "khong_co"}],
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"launch_chair_id", "steps.0.due_cells", "steps.1.code"}
    assert cycle_state() == before


@pytest.mark.parametrize("role", ["standing", "higher"])
def test_readers_of_a_draft_cannot_edit_it(ward, draft, as_token, role):
    response = as_token(role).patch(f"/api/plans/{draft.pk}", {"version": draft.version, "launch_place": "X"})
    assert response.status_code == 403
    assert Plan.objects.get(pk=draft.pk).launch_place == ""


def test_publication_is_refused_with_every_problem_and_changes_nothing(ward, draft, as_token):
    client = as_token("office")
    client.patch(
        f"/api/plans/{draft.pk}",
        {
            "version": draft.version,
            "launch_date": None,
            "steps": [{"code": "quyet_dinh", "due_committee": None}],
        },
    )
    before = cycle_state()
    response = client.post(f"/api/plans/{draft.pk}/publish")
    assert response.status_code == 422
    problems = response.json()["errors"]["chung"]
    assert "Chưa có ngày hội nghị triển khai." in problems
    assert any("quyết định xếp loại" in p and "chưa có hạn" in p for p in problems), problems
    assert cycle_state() == before
    assert client.get(f"/api/plans/{draft.pk}").json()["problems"] == problems


def test_the_office_computes_subjects_and_publishes_and_cells_acknowledge(ward, draft, as_token):
    office = as_token("office")
    counts = office.post(f"/api/plans/{draft.pk}/compute-subjects").json()["counts"]
    assert counts["reviewed"] == 4 and counts["organizations"] == 3
    assert as_token("standing").post(f"/api/plans/{draft.pk}/publish").status_code == 403
    response = office.post(f"/api/plans/{draft.pk}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == PlanStatus.PUBLISHED
    assert {a["cell"]["id"] for a in response.json()["acknowledgements"]} == {ward.cell_a.pk, ward.cell_b.pk}
    again = office.post(f"/api/plans/{draft.pk}/compute-subjects")
    assert again.status_code == 422 and "đã ban hành" in detail(again)

    secretary = as_token("secretary")
    mine = secretary.get(f"/api/plans/{draft.pk}").json()["acknowledgements"]
    assert [a["cell"]["id"] for a in mine] == [ward.cell_a.pk] and mine[0]["acknowledged_at"] is None
    acked = secretary.post(f"/api/plans/{draft.pk}/acknowledge")
    assert acked.status_code == 200 and acked.json()[0]["acknowledged_at"]
    ack = PlanAcknowledgement.objects.get(plan=draft, cell=ward.cell_a)
    assert ack.acknowledged_by == ward.users["secretary"]
    assert PlanAcknowledgement.objects.get(plan=draft, cell=ward.cell_b).acknowledged_at is None


@pytest.mark.parametrize("role", ["office", "standing", "member", "residence", "higher"])
def test_only_a_cell_secretary_acknowledges(ward, live, as_token, role):
    response = as_token(role).post(f"/api/plans/{live.pk}/acknowledge", {"cell_id": ward.cell_a.pk})
    assert response.status_code == 403
    assert not PlanAcknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_secretary_cannot_acknowledge_for_another_cell(ward, live, as_token):
    response = as_token("secretary").post(f"/api/plans/{live.pk}/acknowledge", {"cell_id": ward.cell_b.pk})
    assert response.status_code == 403
    assert not PlanAcknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


INDIVIDUALS_SEEN = {
    "office": {"an", "binh", "cuong", "dung"},
    "standing": {"an", "binh", "cuong", "dung"},
    "secretary": {"an", "binh"},
    "member": {"an"},
    "residence": set(),  # answers the residence request about Cường, but does not read his review
    "higher": {"an", "binh", "cuong", "dung"},
}


@pytest.mark.parametrize("role", sorted(INDIVIDUALS_SEEN))
def test_subjects_list_individuals_only_within_the_member_scope(ward, live, as_token, role):
    response = as_token(role).get(f"/api/plans/{live.pk}/subjects")
    assert response.status_code == 200
    names = {s["member"]["full_name"] for s in response.json()["items"] if s["member"]}
    assert names == {ward.members[k].full_name for k in INDIVIDUALS_SEEN[role]}


def test_subjects_filter_by_residence_comment_and_reviewed(ward, live, as_token):
    client = as_token("office")
    residence = client.get(f"/api/plans/{live.pk}/subjects", {"needs_residence_comment": "true"}).json()
    assert [s["name"] for s in residence["items"]] == ["Lê Văn Cường"]
    assert residence["items"][0]["cell"]["id"] == ward.cell_b.pk
    assert client.get(f"/api/plans/{live.pk}/subjects", {"reviewed": "false"}).json()["count"] == 0
    cells = client.get(f"/api/plans/{live.pk}/subjects", {"kind": "cell"}).json()
    assert {s["organization"]["id"] for s in cells["items"]} == {ward.cell_a.pk, ward.cell_b.pk}
    bad = client.get(f"/api/plans/{live.pk}/subjects", {"kind": "khong-co"})
    assert bad.status_code == 422


def test_other_wards_see_nothing_of_the_plan(ward, live, as_token):
    client = as_token("other_office")
    for path in ("", "/subjects", "/progress", "/appraisal", "/meetings", "/decisions", "/feedback-summary"):
        assert client.get(f"/api/plans/{live.pk}{path}").status_code == 404, path
