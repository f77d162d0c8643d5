from __future__ import annotations

import json

import pytest
from django.utils import timezone

from kiemdiem.reviews.ballots import cast_ballot
from kiemdiem.reviews.models import Ballot, BallotBox, Meeting, MeetingItem, PaperTally, VoterRollEntry

from ..factories import make_user
from .conftest import cycle_state, detail

RUNNERS = {"office", "secretary"}  # cell A's meeting: its secretary and the committee office


def _open(client, plan, cell, attendees, **extra):  # type: ignore[no-untyped-def]
    body = {"cell_id": cell.pk, "date": timezone.localdate().isoformat(), "attendee_ids": attendees} | extra
    return client.post(f"/api/plans/{plan.pk}/meetings", body)


def _item(meeting, member):  # type: ignore[no-untyped-def]
    return meeting.items.get(subject__member=member)


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_who_opens_cell_a_meeting(ward, live, as_token, role):
    an, binh = ward.members["an"], ward.members["binh"]
    response = _open(as_token(role), live, ward.cell_a, [an.pk, binh.pk], chair_id=binh.pk)
    if role in RUNNERS:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["present"] == 2 and body["chair"]["id"] == binh.pk and body["quorum_ok"]
        assert body["items"][0]["subject_kind"] == "cell"  # the collective first
        assert [a["full_name"] for a in body["attendees"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    else:
        assert response.status_code == (404 if role == "other_office" else 403)
        assert not Meeting.objects.exists()


def test_a_secretary_cannot_open_another_cells_meeting_nor_list_people_outside_it(ward, live, as_token):
    client = as_token("secretary")
    assert _open(client, live, ward.cell_b, [ward.members["cuong"].pk]).status_code == 403
    outsider = _open(client, live, ward.cell_a, [ward.members["an"].pk, ward.members["cuong"].pk])
    assert outsider.status_code == 422 and "attendee_ids" in outsider.json()["errors"]
    neither = client.post(f"/api/plans/{live.pk}/meetings", {"date": "2026-11-20"})
    assert neither.status_code == 422
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "role", ["office", "standing", "secretary", "member", "residence", "higher", "other_office"]
)
def test_the_meeting_is_read_by_those_who_run_it(ward, meeting, as_token, role):
    response = as_token(role).get(f"/api/meetings/{meeting.pk}")
    assert response.status_code == (200 if role in RUNNERS else 404 if role == "other_office" else 403)
    listed = as_token(role).get(f"/api/plans/{meeting.plan_id}/meetings")
    if role != "other_office":
        assert [m["id"] for m in listed.json()] == ([meeting.pk] if role in RUNNERS else [])


def test_criticism_and_the_double_entry_paper_tally(ward, meeting, as_token):
    item = _item(meeting, ward.members["an"])
    secretary, office = as_token("secretary"), as_token("office")
    added = secretary.post(
        f"/api/meeting-items/{item.pk}/criticism", {"who": "Đ/c Bình", "what": "Cần gương mẫu hơn"}
    )
    assert added.status_code == 200 and added.json()["criticism"] == [
        {"who": "Đ/c Bình", "what": "Cần gương mẫu hơn"}
    ]
    assert secretary.post(f"/api/meeting-items/{item.pk}/criticism", {"what": ""}).status_code == 422
    assert (
        as_token("member").post(f"/api/meeting-items/{item.pk}/criticism", {"what": "X"}).status_code == 403
    )

    first = secretary.post(f"/api/meeting-items/{item.pk}/tally", {"counts": {"HTTNV": 4, "HTNV": 1}})
    assert first.status_code == 200 and first.json()["outcome"] == "waiting"
    assert (
        first.json()["item"]["vote"]["state"] == "waiting" and first.json()["item"]["vote"]["totals"] is None
    )
    same_person = secretary.post(f"/api/meeting-items/{item.pk}/tally", {"counts": {"HTTNV": 4, "HTNV": 1}})
    assert same_person.status_code == 422 and "người khác" in detail(same_person)
    mismatch = office.post(f"/api/meeting-items/{item.pk}/tally", {"counts": {"HTTNV": 3, "HTNV": 2}})
    assert mismatch.status_code == 422 and "không khớp" in detail(mismatch)
    accepted = office.post(f"/api/meeting-items/{item.pk}/tally", {"counts": {"HTTNV": 4, "HTNV": 1}})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["outcome"] == "accepted" and body["item"]["proposed_level"] == "HTTNV"
    assert body["item"]["vote"]["totals"]["HTTNV"] == 4
    too_many = office.post(
        f"/api/meeting-items/{_item(meeting, ward.members['binh']).pk}/tally", {"counts": {"HTTNV": 9}}
    )
    assert too_many.status_code == 422 and "vượt quá" in detail(too_many)


def test_bad_tally_input_is_refused_in_vietnamese(ward, meeting, as_token):
    item = _item(meeting, ward.members["an"])
    response = as_token("secretary").post(
        f"/api/meeting-items/{item.pk}/tally", {"counts": {"HTTNV": -1, "TOP": 2}}
    )
    assert response.status_code == 422
    assert not PaperTally.objects.exists()


@pytest.fixture
def box(ward, meeting, as_token):  # type: ignore[no-untyped-def]
    item = _item(meeting, ward.members["binh"])
    response = as_token("secretary").post(f"/api/meeting-items/{item.pk}/ballot")
    assert response.status_code == 201, response.content
    assert response.json()["roll"] == 5 and response.json()["voted"] == 0
    opened = BallotBox.objects.get(pk=response.json()["id"])
    opened.code = response.json()["counting_code"]  # shown once, never stored
    assert len(opened.code) == 14
    return opened


@pytest.mark.parametrize("role", ["standing", "member", "residence", "higher", "other_office"])
def test_only_the_meeting_runners_open_a_ballot(ward, meeting, as_token, role):
    item = _item(meeting, ward.members["binh"])
    response = as_token(role).post(f"/api/meeting-items/{item.pk}/ballot")
    assert response.status_code in (403, 404)
    assert not BallotBox.objects.exists()


def test_a_voter_votes_once_for_him_or_herself_and_gets_a_receipt(ward, box, as_user):
    client = as_user("member")
    before = client.get(f"/api/ballots/{box.pk}").json()
    assert before["on_roll"] and before["i_have_voted"] is False and before["open"]
    response = client.post(f"/api/ballots/{box.pk}/vote", {"level": "HTTNV"})
    assert response.status_code == 200, response.content
    code = response.json()["receipt"]
    assert set(response.json()) == {"receipt"}
    second = client.post(f"/api/ballots/{box.pk}/vote", {"level": "KHTNV"})
    assert second.status_code == 409 and second.json()["detail"] == "Đồng chí đã bỏ phiếu."
    assert Ballot.objects.filter(box=box).count() == 1
    assert client.get(f"/api/ballots/{box.pk}").json()["i_have_voted"] is True
    checked = client.post(f"/api/ballots/{box.pk}/receipt", {"code": code.lower()}).json()
    assert checked == {"counted": True, "state": "in_box"}
    missing = client.post(f"/api/ballots/{box.pk}/receipt", {"code": "00000000"}).json()
    assert missing == {"counted": False, "state": "unknown"}


@pytest.mark.parametrize("role", ["office", "standing", "residence", "higher", "other_office"])
def test_who_is_not_on_the_roll_cannot_vote(ward, box, as_token, role):
    response = as_token(role).post(f"/api/ballots/{box.pk}/vote", {"level": "KHTNV"})
    assert response.status_code == (403 if role == "office" else 404)
    assert not Ballot.objects.exists() and not VoterRollEntry.objects.filter(has_voted=True).exists()


def test_a_member_outside_the_roll_sees_nothing_of_the_box(ward, box, as_token):
    ward.users["dung"] = make_user("dung", member=ward.members["dung"])
    client = as_token("dung")
    assert client.get(f"/api/ballots/{box.pk}").status_code == 404
    assert client.post(f"/api/ballots/{box.pk}/vote", {"level": "HTTNV"}).status_code == 404
    assert client.post(f"/api/ballots/{box.pk}/receipt", {"code": "ABCD1234"}).status_code == 404
    assert not Ballot.objects.exists()


def _texts(as_token, box, meeting):  # type: ignore[no-untyped-def]
    """Everything the ballot and meeting endpoints show, to every role that reaches them."""
    out = {}
    for role in ("office", "secretary", "member", "standing", "residence", "higher"):
        client = as_token(role)
        for path in (
            f"/api/ballots/{box.pk}",
            f"/api/meetings/{meeting.pk}",
            f"/api/plans/{meeting.plan_id}/feedback-summary",
        ):
            response = client.get(path)
            out[(role, path)] = json.dumps(response.json(), ensure_ascii=False)
    return out


def test_the_ballot_endpoints_never_reveal_a_choice_before_closing_nor_who_voted(
    ward, meeting, box, as_token
):
    as_token("member").post(f"/api/ballots/{box.pk}/vote", {"level": "HTXSNV"})
    for key, text in _texts(as_token, box, meeting).items():
        assert "HTXSNV" not in text, key  # no level names at all while the box is open
        assert "has_voted" not in text, key
    seen_by_secretary = as_token("secretary").get(f"/api/ballots/{box.pk}").json()
    # the secretary is on the roll too: he/she learns his/her own state only, and the count
    assert seen_by_secretary["i_have_voted"] is False and seen_by_secretary["voted"] == 1
    assert as_token("office").get(f"/api/ballots/{box.pk}").json()["i_have_voted"] is None


def test_results_only_after_closing_and_only_above_the_minimum(ward, meeting, box, as_token):
    as_token("member").post(f"/api/ballots/{box.pk}/vote", {"level": "HTXSNV"})
    as_token("secretary").post(f"/api/ballots/{box.pk}/vote", {"level": "HTTNV"})
    item = box.item
    url = f"/api/meeting-items/{item.pk}/ballot/close"
    assert as_token("secretary").post(url, {}).status_code == 422  # no counting code
    refused = as_token("secretary").post(url, {"counting_code": box.code})
    assert refused.status_code == 422 and "ít nhất 5 phiếu" in detail(refused)  # 2 ballots < 5
    detail_ = as_token("office").get(f"/api/meetings/{meeting.pk}").json()
    row = next(i for i in detail_["items"] if i["id"] == item.pk)
    assert row["vote"]["totals"] is None and row["proposed_level"] == ""
    for key, text in _texts(as_token, box, meeting).items():
        assert "HTXSNV" not in text, key
    assert as_token("member").post(f"/api/ballots/{box.pk}/vote", {"level": "HTNV"}).status_code == 409


def test_results_as_totals_once_enough_have_voted(ward, meeting, box, as_token):
    voters = ["member", "secretary"]
    for i, m in enumerate(
        VoterRollEntry.objects.filter(box=box).exclude(member__in=[ward.members["an"], ward.members["binh"]])
    ):
        ward.users[f"voter{i}"] = make_user(f"voter{i}", member=m.member)
        voters.append(f"voter{i}")
    for username in voters:
        assert as_token(username).post(f"/api/ballots/{box.pk}/vote", {"level": "HTTNV"}).status_code == 200
    item = box.item
    url = f"/api/meeting-items/{item.pk}/ballot/close"
    wrong = as_token("office").post(url, {"counting_code": "0000-0000-0001"})
    assert wrong.status_code == 422 and "Mã kiểm phiếu không đúng" in detail(wrong)
    closed = as_token("office").post(url, {"counting_code": box.code}).json()
    assert closed["totals"] == {"HTXSNV": 0, "HTTNV": 5, "HTNV": 0, "KHTNV": 0}
    assert MeetingItem.objects.get(pk=item.pk).proposed_level == "HTTNV"
    row = next(
        i
        for i in as_token("secretary").get(f"/api/meetings/{meeting.pk}").json()["items"]
        if i["id"] == item.pk
    )
    assert row["proposed_level"] == "HTTNV" and row["vote"]["totals"]["HTTNV"] == 5


def test_closing_the_meeting_needs_every_box_closed(ward, meeting, box, as_token):
    client = as_token("secretary")
    refused = client.post(f"/api/meetings/{meeting.pk}/close", {"minutes": "Diễn biến"})
    assert refused.status_code == 422 and "hòm phiếu" in detail(refused)
    for entry in VoterRollEntry.objects.filter(box=box):
        cast_ballot(box, entry.member, "HTTNV")
    client.post(f"/api/meeting-items/{box.item_id}/ballot/close", {"counting_code": box.code})
    assert as_token("member").post(f"/api/meetings/{meeting.pk}/close", {}).status_code == 403
    closed = client.post(f"/api/meetings/{meeting.pk}/close", {"minutes": "Diễn biến"})
    assert closed.status_code == 200 and closed.json()["status"] == "da_ket_thuc"
    item = _item(meeting, ward.members["an"])
    before = cycle_state()
    late = client.post(f"/api/meeting-items/{item.pk}/criticism", {"what": "Muộn"})
    assert late.status_code == 422 and "đã kết thúc" in detail(late)
    assert cycle_state() == before


def test_a_box_is_cancelled_with_a_reason_and_the_subject_can_be_voted_again(ward, meeting, box, as_token):
    as_token("member").post(f"/api/ballots/{box.pk}/vote", {"level": "HTXSNV"})
    url = f"/api/meeting-items/{box.item_id}/ballot/cancel"
    assert as_token("member").post(url, {"reason": "x"}).status_code in (403, 404)
    assert as_token("secretary").post(url, {"reason": ""}).status_code == 422
    done = as_token("secretary").post(url, {"reason": "Mở nhầm đối tượng"})
    assert done.status_code == 200 and done.json()["vote"]["mode"] == ""
    assert not BallotBox.objects.exists() and not Ballot.objects.exists()
    again = as_token("secretary").post(f"/api/meeting-items/{box.item_id}/ballot")
    assert again.status_code == 201 and again.json()["counting_code"] not in (None, box.code)
