from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kiemdiem.members.models import ActivityStatus, Member, Membership, StatusPeriod

from .conftest import MEMBERS_SEEN, ROLES

NEW_MEMBER: dict[str, Any] = {
    "card_number": "01.234567",
    "full_name": "Ngô Thị Hạnh",
    "gender": "nu",
    "date_of_birth": "1990-04-12",
    "admitted_on": "2015-05-19",
    "official_on": "2016-05-19",
    "residence_address": "Số 8 ngõ 3, Tổ 1",
    "citizen_id": "001190012345",
}
READ_ONLY = [r for r in ROLES if r not in ("office", "other_office")]


def registry_state() -> tuple[list[dict[str, Any]], ...]:
    """Every row of the member registry, to prove that a refused request changed nothing."""
    return tuple(list(model.objects.order_by("pk").values()) for model in (Member, Membership, StatusPeriod))


@pytest.fixture
def new_member(ward) -> dict[str, Any]:
    return NEW_MEMBER | {"cell_id": ward.cell_a.pk}


def test_the_office_adds_a_member_with_history(ward, as_user, new_member):
    response = as_user("office").post("/api/members", new_member | {"joined_on": "2020-01-15"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["card_number"] == "01234567"  # dots people type are dropped
    assert body["cell"]["id"] == ward.cell_a.pk and body["party_status"] == "official"
    assert body["citizen_id"] == "001190012345"
    member = Member.objects.get(pk=body["id"])
    assert member.search_name == "ngo thi hanh"
    assert list(member.memberships.values_list("organization_id", "start", "end")) == [
        (ward.cell_a.pk, dt.date(2020, 1, 15), None)
    ]
    assert list(member.status_periods.values_list("status", "start")) == [
        (ActivityStatus.ACTIVE, dt.date(2015, 5, 19))
    ]


def test_a_member_can_be_added_as_exempt_with_reason(ward, as_user, new_member):
    payload = new_member | {
        "activity_status": ActivityStatus.EXEMPT,
        "activity_status_since": "2024-01-01",
        "activity_status_reason": "Tuổi cao, sức yếu",
    }
    body = as_user("office").post("/api/members", payload).json()
    assert body["activity_status"] == ActivityStatus.EXEMPT
    assert body["activity_status_reason"] == "Tuổi cao, sức yếu"
    assert [p["status"] for p in body["status_periods"]] == [ActivityStatus.ACTIVE, ActivityStatus.EXEMPT]


def test_an_exempt_member_without_a_reason_is_refused_and_nothing_is_written(ward, as_user, new_member):
    before = registry_state()
    payload = new_member | {"activity_status": ActivityStatus.EXEMPT, "activity_status_since": "2024-01-01"}
    response = as_user("office").post("/api/members", payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {"activity_status": ["Cần ghi lý do miễn hoặc đình chỉ sinh hoạt."]}
    assert registry_state() == before


@pytest.mark.parametrize("username", READ_ONLY)
def test_only_the_committee_office_adds_members(ward, as_user, new_member, username):
    before = registry_state()
    response = as_user(username).post("/api/members", new_member)
    assert response.status_code == 403
    assert "văn phòng Đảng ủy" in response.json()["detail"]
    assert registry_state() == before


def test_an_office_cannot_add_a_member_to_another_wards_cell(ward, as_user, new_member):
    before = registry_state()
    for cell in (ward.cell_a, ward.ward):  # another ward's cell; and a committee is not a cell
        client = as_user("other_office")
        response = client.post("/api/members", new_member | {"cell_id": cell.pk})
        assert response.status_code == 422
        assert response.json()["errors"]["cell_id"] == [
            "Chi bộ không tồn tại hoặc nằm ngoài phạm vi bạn quản lý."
        ]
    assert registry_state() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"card_number": "1234"}, "card_number", "Số thẻ đảng viên phải gồm đúng 8 chữ số."),
        ({"citizen_id": "12345"}, "citizen_id", "Số CCCD phải gồm đúng 12 chữ số."),
        ({"citizen_id": "999190012345"}, "citizen_id", "Số CCCD có mã tỉnh (3 chữ số đầu) không hợp lệ."),
        ({"official_on": "2015-01-01"}, "official_on", "Ngày chính thức phải sau ngày vào Đảng."),
        ({"date_of_birth": "2000-01-01"}, "admitted_on", "Ngày vào Đảng phải khi đã đủ 18 tuổi."),
        ({"gender": "khac"}, "gender", "Giá trị không hợp lệ; chấp nhận: 'nam' or 'nu'."),
        ({"admitted_on": "19/05/2015"}, "admitted_on", "Ngày không hợp lệ: cần định dạng YYYY-MM-DD."),
        ({"full_name": ""}, "full_name", "Trường này không được để trắng."),
        ({"citizen_id": "001070012345"}, "citizen_id", "Số CCCD này đã được dùng cho một đảng viên khác."),
        ({"residence_cell_id": 999_999}, "residence_cell_id", "Chi bộ nơi cư trú không tồn tại (cần mã số của một chi bộ)."),
        ({"date_of_brith": "1990-04-12"}, "date_of_brith", "Trường này không được hỗ trợ."),
    ],
)  # fmt: skip
def test_invalid_new_members_are_refused_field_by_field(ward, as_user, new_member, change, field, message):
    before = registry_state()
    response = as_user("office").post("/api/members", new_member | change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert message in body["errors"][field], body
    assert registry_state() == before


def test_a_duplicate_card_number_is_refused(ward, as_user, new_member):
    before = registry_state()
    response = as_user("office").post(
        "/api/members", new_member | {"card_number": ward.members["xa"].card_number}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["card_number"]
    assert registry_state() == before


def test_missing_fields_are_named(ward, as_user):
    response = as_user("office").post("/api/members", {"full_name": "Ngô Thị Hạnh"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    for field in ("card_number", "gender", "date_of_birth", "admitted_on", "cell_id"):
        assert errors[field] == ["Trường này là bắt buộc."]


def test_a_body_that_is_not_json_is_refused_in_vietnamese(ward, as_user):
    before = registry_state()
    response = as_user("office").post("/api/members", "{not json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Không đọc được nội dung yêu cầu: cần JSON hợp lệ."}
    assert registry_state() == before


# --- editing --------------------------------------------------------------------------------------
def test_the_office_edits_plain_fields(ward, as_user):
    dung = ward.members["dung"]
    response = as_user("office").patch(
        f"/api/members/{dung.pk}",
        {"full_name": "Phạm Thị Dung", "workplace": "UBND phường", "official_on": None},
    )
    assert response.status_code == 200, response.content
    assert response.json()["party_status"] == "probationary"
    dung.refresh_from_db()
    assert dung.workplace == "UBND phường" and dung.official_on is None
    assert dung.date_of_birth == dt.date(1970, 5, 17)  # fields not sent are left alone


@pytest.mark.parametrize("username", ROLES)
def test_only_the_office_of_the_members_ward_edits(ward, as_user, username):
    client = as_user(username)
    for key, member in ward.members.items():
        before = registry_state()
        response = client.patch(f"/api/members/{member.pk}", {"workplace": "Đã sửa"})
        allowed = username == "office" and key != "xa" or username == "other_office" and key == "xa"
        if allowed:
            assert response.status_code == 200, (username, key)
        elif key in MEMBERS_SEEN[username]:
            assert response.status_code == 403, (username, key)
            assert registry_state() == before
        else:
            assert response.status_code == 404, (username, key)
            assert member.full_name not in response.content.decode()
            assert registry_state() == before


def test_a_transfer_keeps_the_history(ward, as_user):
    an = ward.members["an"]
    response = as_user("office").patch(
        f"/api/members/{an.pk}",
        {"cell_id": ward.cell_b.pk, "transfer_date": "2024-09-01", "reason": "Chuyển nơi công tác"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cell"]["id"] == ward.cell_b.pk
    assert [(p["organization"]["code"], p["start"], p["end"], p["reason"]) for p in body["memberships"]] == [
        ("TT-TDP01", "2000-03-02", "2024-08-31", ""),
        ("TT-UBND", "2024-09-01", None, "Chuyển nơi công tác"),
    ]
    assert an.cell_on(dt.date(2024, 8, 31)) == ward.cell_a


def test_a_transfer_needs_a_date_and_a_reason(ward, as_user):
    an = ward.members["an"]
    before = registry_state()
    response = as_user("office").patch(f"/api/members/{an.pk}", {"cell_id": ward.cell_b.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "transfer_date": ["Cần ghi ngày chuyển sinh hoạt (transfer_date)."],
        "reason": ["Cần ghi lý do chuyển sinh hoạt (reason)."],
    }
    response = as_user("office").patch(f"/api/members/{an.pk}", {"transfer_date": "2024-09-01"})
    assert response.json()["errors"] == {"transfer_date": ["Chỉ dùng khi chuyển sinh hoạt (kèm cell_id)."]}
    assert registry_state() == before


def test_a_transfer_outside_the_office_scope_is_refused(ward, as_user):
    an = ward.members["an"]
    before = registry_state()
    response = as_user("office").patch(
        f"/api/members/{an.pk}",
        {"cell_id": ward.other_cell.pk, "transfer_date": "2024-09-01", "reason": "Chuyển nơi cư trú"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "cell_id": ["Chi bộ không tồn tại hoặc nằm ngoài phạm vi bạn quản lý."]
    }
    assert registry_state() == before


def test_a_change_is_all_or_nothing(ward, as_user):
    # The plain fields and the transfer are valid; the status change is not (no reason): nothing is kept.
    an = ward.members["an"]
    before = registry_state()
    response = as_user("office").patch(
        f"/api/members/{an.pk}",
        {
            "workplace": "Công ty CP Long Biên",
            "cell_id": ward.cell_b.pk,
            "transfer_date": "2024-09-01",
            "reason": "Chuyển nơi công tác",
            "activity_status": ActivityStatus.SUSPENDED,
            "activity_status_since": "2024-10-01",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"activity_status": ["Cần ghi lý do miễn hoặc đình chỉ sinh hoạt."]}
    assert registry_state() == before


def test_a_transfer_refused_by_the_service_changes_nothing(ward, as_user):
    an = ward.members["an"]
    before = registry_state()
    response = as_user("office").patch(
        f"/api/members/{an.pk}",
        {"workplace": "Nơi mới", "cell_id": ward.cell_b.pk, "transfer_date": "1999-01-01", "reason": "Nhầm"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "cell_id": ["Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại."]
    }
    assert registry_state() == before


def test_a_status_change_keeps_the_history(ward, as_user):
    binh = ward.members["binh"]
    response = as_user("office").patch(
        f"/api/members/{binh.pk}",
        {
            "activity_status": ActivityStatus.EXEMPT,
            "activity_status_since": "2025-02-01",
            "activity_status_reason": "Tuổi cao",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["activity_status"], body["activity_status_since"]) == (ActivityStatus.EXEMPT, "2025-02-01")
    assert [(p["status"], p["end"]) for p in body["status_periods"]] == [
        (ActivityStatus.ACTIVE, "2025-01-31"),
        (ActivityStatus.EXEMPT, None),
    ]
    assert binh.status_on(dt.date(2025, 1, 31)) == ActivityStatus.ACTIVE


def test_invalid_edits_change_nothing(ward, as_user):
    an = ward.members["an"]
    before = registry_state()
    client = as_user("office")
    cases = [
        ({"card_number": ward.members["xa"].card_number}, "card_number"),
        ({"citizen_id": "0010"}, "citizen_id"),
        ({"full_name": None}, "full_name"),
        ({"official_on": "1999-01-01"}, "official_on"),
        ({"activity_status_reason": "x"}, "activity_status_reason"),
        ({"activity_status": ActivityStatus.DECEASED}, "activity_status_since"),
        (
            {"activity_status": ActivityStatus.ACTIVE, "activity_status_since": "2024-01-01"},
            "activity_status",
        ),
        ({"cell_id": None, "transfer_date": "2024-01-01", "reason": "x"}, "cell_id"),
    ]
    for change, field in cases:
        response = client.patch(f"/api/members/{an.pk}", change)
        assert response.status_code == 422, change
        assert field in response.json()["errors"], (change, response.json())
    assert registry_state() == before
