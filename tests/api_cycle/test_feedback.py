from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.reviews.models import FeedbackRequest, FeedbackResponse

from .conftest import cycle_state, detail

SOURCES = ["dang_vien_chi_bo", "noi_cu_tru", "co_quan"]


@pytest.fixture
def requested(ward, live, as_token):  # type: ignore[no-untyped-def]
    response = as_token("office").post(
        f"/api/plans/{live.pk}/feedback-requests", {"sources": SOURCES, "due_date": "2026-12-20"}
    )
    assert response.status_code == 200, response.content
    return response.json()["created"]


def test_the_office_sends_requests_once_and_the_residence_goes_to_the_residence_cell(
    ward, live, requested, as_token
):
    # 4 members × (cell members, workplace) + the residence cell for Cường only
    assert requested == 9
    again = as_token("office").post(
        f"/api/plans/{live.pk}/feedback-requests", {"sources": SOURCES, "due_date": "2026-12-20"}
    )
    assert again.json()["created"] == 0
    residence = FeedbackRequest.objects.get(source="noi_cu_tru")
    assert residence.subject.member == ward.members["cuong"] and residence.organization == ward.cell_a


@pytest.mark.parametrize("role", ["standing", "secretary", "member", "residence", "higher"])
def test_only_the_office_sends_requests(ward, live, as_token, role):
    response = as_token(role).post(
        f"/api/plans/{live.pk}/feedback-requests", {"sources": SOURCES, "due_date": "2026-12-20"}
    )
    assert response.status_code == 403
    assert not FeedbackRequest.objects.exists()


def test_bad_sources_and_cells_are_refused(ward, live, as_token):
    client = as_token("office")
    bad = client.post(
        f"/api/plans/{live.pk}/feedback-requests", {"sources": ["hang_xom"], "due_date": "2026-12-20"}
    )
    assert bad.status_code == 422 and "sources.0" in bad.json()["errors"]
    other = client.post(
        f"/api/plans/{live.pk}/feedback-requests",
        {"sources": SOURCES, "due_date": "2026-12-20", "cell_id": ward.other_cell.pk},
    )
    assert other.status_code == 422 and "cell_id" in other.json()["errors"]
    assert not FeedbackRequest.objects.exists()


# The requests each role may answer (subject: source).
ANSWERS = {
    "office": 9,
    "secretary": {
        ("Nguyễn Văn An", "dang_vien_chi_bo"),
        ("Nguyễn Văn An", "co_quan"),
        ("Trần Thị Bình", "dang_vien_chi_bo"),
        ("Trần Thị Bình", "co_quan"),
    },
    "residence": {("Lê Văn Cường", "noi_cu_tru")},
    "standing": set(),
    "member": set(),
    "higher": set(),
    "other_office": set(),
}


@pytest.mark.parametrize("role", sorted(ANSWERS))
def test_each_role_lists_only_the_requests_it_may_answer(ward, live, requested, as_token, role):
    items = as_token(role).get("/api/feedback-requests").json()
    if role == "office":
        assert len(items) == ANSWERS[role]
    else:
        assert {(i["subject"]["name"], i["source"]) for i in items} == ANSWERS[role]


def test_the_residence_secretary_answers_and_nobody_else_reaches_that_request(
    ward, live, requested, as_token
):
    req = FeedbackRequest.objects.get(source="noi_cu_tru")
    for role in ("secretary", "member", "standing", "higher", "other_office"):
        response = as_token(role).post(f"/api/feedback-requests/{req.pk}/responses", {"text": "Tốt"})
        assert response.status_code == 404, role
    assert not FeedbackResponse.objects.exists()
    response = as_token("residence").post(
        f"/api/feedback-requests/{req.pk}/responses",
        {"text": "Gương mẫu nơi cư trú", "proposed_level": "HTTNV", "responded_on": "2026-11-20"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["responded_on"] == "2026-11-20" and response.json()["responded_by"] == "residence"
    missing = as_token("residence").get("/api/feedback-requests", {"missing": "true"}).json()
    assert missing == []


def test_only_group_sources_answer_anonymously(ward, live, requested, as_token):
    client = as_token("secretary")
    group = FeedbackRequest.objects.get(source="dang_vien_chi_bo", subject__member=ward.members["an"])
    work = FeedbackRequest.objects.get(source="co_quan", subject__member=ward.members["an"])
    ok = client.post(
        f"/api/feedback-requests/{group.pk}/responses", {"text": "Đồng thuận", "anonymous": True}
    )
    assert ok.status_code == 201 and ok.json()["responded_by"] is None
    assert FeedbackResponse.objects.get(pk=ok.json()["id"]).responded_by is None
    before = cycle_state()
    refused = client.post(f"/api/feedback-requests/{work.pk}/responses", {"text": "X", "anonymous": True})
    assert refused.status_code == 422 and "ẩn danh" in detail(refused)
    future = client.post(
        f"/api/feedback-requests/{work.pk}/responses",
        {"text": "X", "responded_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()},
    )
    assert future.status_code == 422 and "responded_on" in future.json()["errors"]
    assert cycle_state() == before


def test_the_summary_shows_every_source_and_what_is_missing(ward, live, requested, as_token):
    req = FeedbackRequest.objects.get(source="noi_cu_tru")
    as_token("residence").post(
        f"/api/feedback-requests/{req.pk}/responses", {"text": "Tốt", "proposed_level": "HTTNV"}
    )
    rows = as_token("office").get(f"/api/plans/{live.pk}/feedback-summary").json()
    assert len(rows) == 4
    cuong = next(r for r in rows if r["subject"]["name"] == "Lê Văn Cường")
    residence = next(s for s in cuong["sources"] if s["source"] == "noi_cu_tru")
    assert residence["responses"][0]["proposed_level"] == "HTTNV"
    assert "Chi ủy, chi bộ nơi cư trú" not in cuong["missing"] and len(cuong["missing"]) == 2
    mine = as_token("secretary").get(f"/api/plans/{live.pk}/feedback-summary").json()
    assert {r["subject"]["name"] for r in mine} == {"Nguyễn Văn An", "Trần Thị Bình"}


@pytest.mark.parametrize("role", ["standing", "member", "residence", "higher"])
def test_the_summary_is_for_the_office_and_the_cell_secretary(ward, live, requested, as_token, role):
    assert as_token(role).get(f"/api/plans/{live.pk}/feedback-summary").status_code == 403
