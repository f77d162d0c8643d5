from __future__ import annotations

import pytest

from kiemdiem.reviews.models import Review, ReviewStatus

from .conftest import cell_subject, cycle_state, detail, subject_of, write_review

# Who may write An's self-review: An, cell A's secretary (on An's behalf), the office.
AN_WRITERS = {"office", "secretary", "member"}
AN_READERS = {"office", "standing", "secretary", "member", "higher"}


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_opening_an_review_follows_the_scope(ward, live, as_token, role):
    subject = subject_of(live, ward.members["an"])
    response = as_token(role).post(f"/api/subjects/{subject.pk}/review")
    if role in AN_WRITERS:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["subject"]["id"] == subject.pk and body["status"] == "nhap" and body["can_edit"]
        assert body["sections"] and set(body["sections"].values()) == {""}
    else:
        assert response.status_code == (403 if role in AN_READERS else 404)
        assert not Review.objects.filter(subject=subject).exists()


def test_opening_twice_returns_the_same_review_and_get_reads_it(ward, live, as_token):
    subject = subject_of(live, ward.members["an"])
    client = as_token("member")
    first = client.post(f"/api/subjects/{subject.pk}/review").json()
    second = client.post(f"/api/subjects/{subject.pk}/review").json()
    assert first["id"] == second["id"]
    assert client.get(f"/api/subjects/{subject.pk}/review").json()["id"] == first["id"]
    assert client.get(f"/api/reviews/{first['id']}").json()["version"] == first["version"]
    assert client.get(f"/api/subjects/{subject.pk}/review", {"place": "tap_the"}).status_code == 404


def test_a_draft_plan_has_no_reviews_through_the_api(ward, draft, as_token):
    subject = subject_of(draft, ward.members["an"])
    assert as_token("office").post(f"/api/subjects/{subject.pk}/review").status_code == 404


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_reading_an_review(ward, live, as_token, role):
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"], submit=False)
    response = as_token(role).get(f"/api/reviews/{review.pk}")
    assert response.status_code == (200 if role in AN_READERS else 404)
    if response.status_code == 200:
        assert response.json()["can_edit"] is (role in AN_WRITERS)


def test_the_member_saves_a_draft_and_the_version_moves_on(ward, live, as_user):
    client = as_user("member")
    subject = subject_of(live, ward.members["an"])
    review = client.post(f"/api/subjects/{subject.pk}/review").json()
    response = client.patch(
        f"/api/reviews/{review['id']}",
        {
            "version": review["version"],
            "sections": {"1": "Giữ vững lập trường chính trị"},
            "strengths": "Gương mẫu",
            "self_level": "HTTNV",
            "tasks_total": 10,
            "tasks_done": 9,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == review["version"] + 1
    assert body["sections"]["1"] == "Giữ vững lập trường chính trị" and "2" in body["sections"]
    assert body["self_level"] == "HTTNV" and body["entered_on_behalf"] is False


def test_the_secretary_saving_for_a_member_marks_it_entered_on_behalf(ward, live, as_token):
    subject = subject_of(live, ward.members["an"])
    client = as_token("secretary")
    review = client.post(f"/api/subjects/{subject.pk}/review").json()
    body = client.patch(
        f"/api/reviews/{review['id']}", {"version": review["version"], "strengths": "Nhập thay"}
    ).json()
    assert body["entered_on_behalf"] is True


def test_a_stale_save_gives_409_and_changes_nothing(ward, live, as_token):
    subject = subject_of(live, ward.members["an"])
    member, secretary = as_token("member"), as_token("secretary")
    review = member.post(f"/api/subjects/{subject.pk}/review").json()
    assert (
        member.patch(
            f"/api/reviews/{review['id']}", {"version": review["version"], "strengths": "A"}
        ).status_code
        == 200
    )
    before = cycle_state()
    stale = secretary.patch(f"/api/reviews/{review['id']}", {"version": review["version"], "strengths": "B"})
    assert stale.status_code == 409
    assert "người khác sửa" in stale.json()["detail"]
    assert cycle_state() == before
    assert Review.objects.get(pk=review["id"]).strengths == "A"


def test_invalid_values_are_refused_per_field(ward, live, as_token):
    subject = subject_of(live, ward.members["an"])
    client = as_token("member")
    review = client.post(f"/api/subjects/{subject.pk}/review").json()
    before = cycle_state()
    response = client.patch(
        f"/api/reviews/{review['id']}",
        {
            "version": review["version"],
            "sections": {"99": "?"},
            "score_general": 20,  # QĐ 132 does not score
            "circulated_on": "2020-11-20",  # only a collective's report
            "tasks_total": 3,
            "tasks_done": 5,
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"sections", "score_general", "circulated_on"} <= set(errors)
    assert cycle_state() == before
    wrong_level = client.patch(
        f"/api/reviews/{review['id']}", {"version": review["version"], "self_level": "TOP"}
    )
    assert wrong_level.status_code == 422 and "self_level" in wrong_level.json()["errors"]
    tasks = client.patch(
        f"/api/reviews/{review['id']}", {"version": review["version"], "tasks_total": 3, "tasks_done": 5}
    )
    assert tasks.status_code == 422 and "tasks_done" in tasks.json()["errors"]
    assert cycle_state() == before


@pytest.mark.parametrize("role", ["standing", "higher"])
def test_readers_cannot_save_or_submit(ward, live, as_token, role):
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"], submit=False)
    before = cycle_state()
    client = as_token(role)
    assert (
        client.patch(f"/api/reviews/{review.pk}", {"version": review.version, "strengths": "X"}).status_code
        == 403
    )
    assert client.post(f"/api/reviews/{review.pk}/submit").status_code == 403
    assert cycle_state() == before


def test_collective_first_then_the_member_submits_and_the_review_locks(ward, live, as_token):
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"], submit=False)
    client = as_token("member")
    refused = client.post(f"/api/reviews/{review.pk}/submit")
    assert refused.status_code == 422
    assert "tập thể kiểm điểm trước" in detail(refused)
    write_review(cell_subject(live, ward.cell_a), ward.users["secretary"])
    submitted = client.post(f"/api/reviews/{review.pk}/submit")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == ReviewStatus.SUBMITTED and body["locked"] and not body["can_edit"]
    locked = client.patch(f"/api/reviews/{review.pk}", {"version": body["version"], "strengths": "Sửa"})
    assert locked.status_code == 409 and "khóa" in locked.json()["detail"]


@pytest.mark.parametrize("role", ["standing", "secretary", "member", "higher"])
def test_only_the_office_reopens(ward, live, as_token, role):
    write_review(cell_subject(live, ward.cell_a), ward.users["secretary"])
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"])
    response = as_token(role).post(f"/api/reviews/{review.pk}/reopen", {"reason": "Bổ sung minh chứng"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.SUBMITTED


def test_the_office_reopens_with_a_reason(ward, live, as_token):
    write_review(cell_subject(live, ward.cell_a), ward.users["secretary"])
    review = write_review(subject_of(live, ward.members["an"]), ward.users["member"])
    client = as_token("office")
    assert client.post(f"/api/reviews/{review.pk}/reopen", {"reason": ""}).status_code == 422
    assert client.post(f"/api/reviews/{review.pk}/reopen", {}).status_code == 422
    response = client.post(f"/api/reviews/{review.pk}/reopen", {"reason": "Bổ sung minh chứng"})
    assert response.status_code == 200
    assert response.json()["status"] == ReviewStatus.REOPENED
    again = as_token("member").patch(
        f"/api/reviews/{review.pk}", {"version": response.json()["version"], "strengths": "Đã bổ sung"}
    )
    assert again.status_code == 200


def test_the_residence_secretary_does_not_read_the_residents_review(ward, live, as_token):
    review = write_review(subject_of(live, ward.members["cuong"]), ward.users["office"], submit=False)
    client = as_token("residence")
    assert client.get(f"/api/reviews/{review.pk}").status_code == 404
    assert client.get(f"/api/subjects/{review.subject_id}/review").status_code == 404
    assert as_token("office").get(f"/api/reviews/{review.pk}").status_code == 200


def test_null_sections_or_grades_change_nothing_and_are_not_a_server_error(ward, live, as_token):
    subject = subject_of(live, ward.members["an"])
    client = as_token("member")
    review = client.post(f"/api/subjects/{subject.pk}/review").json()
    response = client.patch(
        f"/api/reviews/{review['id']}",
        {"version": review["version"], "sections": None, "grades": None, "strengths": "Gương mẫu"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sections"] == review["sections"] and body["strengths"] == "Gương mẫu"
