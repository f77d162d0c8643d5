from __future__ import annotations

import pytest

from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.plans.models import SubjectKind

from .conftest import cycle_state, detail

APPRAISERS = {"office", "standing"}


@pytest.fixture
def decision(ward, cycle, as_token):  # type: ignore[no-untyped-def]
    response = as_token("standing").post(
        f"/api/plans/{cycle.pk}/decisions", {"number": "15-QĐ/ĐU", "date": "2020-12-03"}
    )
    assert response.status_code == 201, response.content
    return Decision.objects.get(pk=response.json()["id"])


def _members(plan, ward):  # type: ignore[no-untyped-def]
    return [plan.subjects.get(member=ward.members[k]) for k in ("an", "binh", "cuong", "dung")]


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_the_appraisal_is_for_the_office_and_the_standing_committee(ward, cycle, as_token, role):
    response = as_token(role).get(f"/api/plans/{cycle.pk}/appraisal")
    assert response.status_code == (200 if role in APPRAISERS else 404 if role == "other_office" else 403)
    if response.status_code == 200:
        body = response.json()
        an = next(r for r in body["rows"] if r["subject"]["name"] == "Nguyễn Văn An")
        assert an["proposed_level"] == "HTTNV" and an["max_level"] and an["reasons"]
        assert an["conflicts"] == [] and an["decided"] is None
        assert body["quota"] and all("label" in q for q in body["quota"])


def test_missing_steps_show_as_conflicts(ward, live, as_token):
    rows = as_token("office").get(f"/api/plans/{live.pk}/appraisal").json()["rows"]
    cuong = next(r for r in rows if r["subject"]["name"] == "Lê Văn Cường")
    codes = {c["code"] for c in cuong["conflicts"]}
    assert {"missing_review", "missing_vote", "missing_residence"} <= codes


@pytest.mark.parametrize("role", ["office", "secretary", "member", "residence", "higher"])
def test_only_the_standing_committee_creates_decisions(ward, cycle, as_token, role):
    response = as_token(role).post(
        f"/api/plans/{cycle.pk}/decisions", {"number": "15-QĐ/ĐU", "date": "2020-12-03"}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_decision_number_is_unique_in_its_plan(ward, decision, as_token):
    again = as_token("standing").post(
        f"/api/plans/{decision.plan_id}/decisions", {"number": "15-QĐ/ĐU", "date": "2026-12-11"}
    )
    assert again.status_code == 422
    assert Decision.objects.count() == 1


def test_a_refused_decision_changes_nothing_and_lists_every_problem(ward, cycle, decision, as_token):
    an, binh, cuong, dung = _members(cycle, ward)
    ward_subject = cycle.subjects.get(kind=SubjectKind.GRASSROOTS_ORG)
    before = cycle_state()
    response = as_token("standing").post(
        f"/api/decisions/{decision.pk}/entries",
        {
            "choices": [
                {"subject_id": an.pk, "level": "HTTNV"},  # fine on its own
                {"subject_id": binh.pk, "level": "HTNV"},  # differs from the proposal, no reason
                {"subject_id": ward_subject.pk, "level": "HTTNV"},  # before its cells
            ]
        },
    )
    assert response.status_code == 422
    problems = response.json()["errors"]["chung"]
    assert any("Trần Thị Bình" in p and "lý do" in p for p in problems)
    assert any("chi bộ chưa được quyết định" in p for p in problems)
    assert cycle_state() == before
    assert not DecisionEntry.objects.exists()


def test_unknown_or_repeated_subjects_are_refused(ward, cycle, decision, as_token):
    an = cycle.subjects.get(member=ward.members["an"])
    response = as_token("standing").post(
        f"/api/decisions/{decision.pk}/entries",
        {
            "choices": [
                {"subject_id": an.pk, "level": "HTTNV"},
                {"subject_id": an.pk, "level": "HTTNV"},
                {"subject_id": 999999, "level": "HTTNV"},
            ]
        },
    )
    assert response.status_code == 422
    assert "999999" in detail(response) and "hai lần" in detail(response)
    assert not DecisionEntry.objects.exists()


@pytest.mark.parametrize("role", ["office", "secretary", "member", "higher"])
def test_only_the_standing_committee_decides(ward, cycle, decision, as_token, role):
    an = cycle.subjects.get(member=ward.members["an"])
    response = as_token(role).post(
        f"/api/decisions/{decision.pk}/entries", {"choices": [{"subject_id": an.pk, "level": "HTTNV"}]}
    )
    assert response.status_code in (403, 404)
    assert not DecisionEntry.objects.exists()


def test_decide_reclassify_and_publish(ward, cycle, decision, as_user):
    client = as_user("standing")
    members = _members(cycle, ward)
    response = client.post(
        f"/api/decisions/{decision.pk}/entries",
        {"choices": [{"subject_id": s.pk, "level": "HTTNV"} for s in members]},
    )
    assert response.status_code == 422 and "nơi cư trú" in detail(response)  # Cường's residence comment
    assert not DecisionEntry.objects.exists()
    override = {"overrides": ["missing_residence"], "reason": "Chi bộ nơi cư trú đã nhận xét bằng văn bản"}
    response = client.post(
        f"/api/decisions/{decision.pk}/entries",
        {
            "choices": [
                {"subject_id": s.pk, "level": "HTTNV"}
                | (override if s.member == ward.members["cuong"] else {})
                for s in members
            ]
        },
    )
    assert response.status_code == 201, response.content
    assert {e["level"] for e in response.json()} == {"HTTNV"}
    cells = [cycle.subjects.get(kind=SubjectKind.CELL, organization=c) for c in (ward.cell_a, ward.cell_b)]
    assert (
        client.post(
            f"/api/decisions/{decision.pk}/entries",
            {"choices": [{"subject_id": s.pk, "level": "HTTNV"} for s in cells]},
        ).status_code
        == 201
    )
    again = client.post(
        f"/api/decisions/{decision.pk}/entries",
        {"choices": [{"subject_id": members[0].pk, "level": "HTNV", "reason": "x"}]},
    )
    assert again.status_code == 422 and "xếp loại lại" in detail(again)

    entry = DecisionEntry.objects.get(subject=members[1])
    assert (
        as_token_post(
            as_user("office"),
            f"/api/decision-entries/{entry.pk}/reclassify",
            {"new_level": "HTNV", "reason": "Có vi phạm"},
        )
        == 403
    )
    no_reason = client.post(
        f"/api/decision-entries/{entry.pk}/reclassify", {"new_level": "HTNV", "reason": ""}
    )
    assert no_reason.status_code == 422
    redone = client.post(
        f"/api/decision-entries/{entry.pk}/reclassify",
        {
            "new_level": "HTNV",
            "reason": "Phát hiện vi phạm sau khi quyết định",
            "number": "20-QĐ/ĐU",
            "date": "2027-01-10",
        },
    )
    assert redone.status_code == 201, redone.content
    assert redone.json()["old_level"] == "HTTNV" and redone.json()["new_level"] == "HTNV"
    assert Reclassification.objects.get().reason.startswith("Phát hiện")

    assert as_user("office").post(f"/api/plans/{cycle.pk}/publish-results").status_code == 403
    published = client.post(f"/api/plans/{cycle.pk}/publish-results")
    assert published.status_code == 200 and published.json()["published"] == 6
    body = as_user("office").get(f"/api/decisions/{decision.pk}").json()
    assert len(body["entries"]) == 6 and all(e["published_at"] for e in body["entries"])
    listed = as_user("office").get(f"/api/plans/{cycle.pk}/decisions").json()
    assert [d["number"] for d in listed] == ["15-QĐ/ĐU"]


def as_token_post(client, path, body):  # type: ignore[no-untyped-def]
    return client.post(path, body).status_code


@pytest.mark.parametrize("role", ["secretary", "member", "residence", "higher", "other_office"])
def test_decisions_are_not_read_outside_the_committee(ward, decision, as_token, role):
    response = as_token(role).get(f"/api/decisions/{decision.pk}")
    assert response.status_code in (403, 404)


PROGRESS_CELLS = {
    "office": {"cell_a", "cell_b"},
    "standing": {"cell_a", "cell_b"},
    "higher": {"cell_a", "cell_b"},
    "secretary": {"cell_a"},
}


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_progress_per_cell(ward, cycle, as_token, role):
    response = as_token(role).get(f"/api/plans/{cycle.pk}/progress")
    if role not in PROGRESS_CELLS:
        assert response.status_code == (404 if role == "other_office" else 403)
        return
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert {r["cell"]["id"] for r in rows} == {getattr(ward, k).pk for k in PROGRESS_CELLS[role]}
    votes = next(s for s in rows[0]["steps"] if s["code"] == "hoi_nghi")
    assert votes["done"] == votes["total"] == 2 and votes["state"] == "done"
    decided = next(s for s in rows[0]["steps"] if s["code"] == "quyet_dinh")
    assert decided["state"] == "open" and len(decided["missing"]) == 2


def test_progress_lists_late_steps_as_of_a_date(ward, live, as_token):
    rows = as_token("office").get(f"/api/plans/{live.pk}/progress", {"date": "2027-01-31"}).json()["rows"]
    step = next(s for s in rows[0]["steps"] if s["code"] == "ban_kiem_diem")
    assert step["state"] == "late" and {m["name"] for m in step["missing"]} == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
    }
    assert as_token("office").get(f"/api/plans/{live.pk}/progress", {"date": "31/01/2027"}).status_code == 422
