from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.members.models import ActivityStatus, Gender
from kiemdiem.members.services import set_activity_status

from ..factories import make_member
from .conftest import MEMBER_KEYS, MEMBERS_SEEN, ROLES, SENSITIVE_SEEN, member_names, names

SENSITIVE_FIELDS = ("date_of_birth", "citizen_id", "activity_status_reason")


@pytest.mark.parametrize("username", ROLES)
def test_the_list_holds_only_members_in_scope(ward, as_user, username):
    body = as_user(username).get("/api/members").json()
    assert names(body["items"]) == member_names(ward, MEMBERS_SEEN[username])
    assert body["count"] == len(MEMBERS_SEEN[username])


@pytest.mark.parametrize("username", ROLES)
def test_a_member_outside_the_scope_is_not_found(ward, as_user, username):
    client = as_user(username)
    for key in MEMBER_KEYS:
        m = ward.members[key]
        response = client.get(f"/api/members/{m.pk}")
        if key in MEMBERS_SEEN[username]:
            assert response.status_code == 200, (username, key)
            assert response.json()["full_name"] == m.full_name
        else:
            assert response.status_code == 404, (username, key)
            assert m.full_name not in response.content.decode()


@pytest.mark.parametrize("username", ROLES)
def test_sensitive_fields_only_for_roles_that_need_them(ward, as_user, username):
    set_activity_status(
        ward.members["cuong"], ActivityStatus.EXEMPT, dt.date(2024, 1, 1), "Điều trị bệnh dài ngày"
    )
    client = as_user(username)
    for key in MEMBERS_SEEN[username]:
        m = ward.members[key]
        body = client.get(f"/api/members/{m.pk}").json()
        text = str(body)
        if key in SENSITIVE_SEEN[username]:
            assert body["sensitive_visible"] is True
            assert body["date_of_birth"] == m.date_of_birth.isoformat()
            assert body["citizen_id"] == m.citizen_id
        else:
            assert body["sensitive_visible"] is False, (username, key)
            assert all(body[f] is None for f in SENSITIVE_FIELDS), (username, key)
            assert all(p["reason"] is None for p in body["status_periods"])
            assert m.date_of_birth.isoformat() not in text
            assert "Điều trị bệnh" not in text
            if m.citizen_id:
                assert m.citizen_id not in text


def test_the_status_reason_is_shown_to_the_office(ward, as_user):
    cuong = ward.members["cuong"]
    set_activity_status(cuong, ActivityStatus.EXEMPT, dt.date(2024, 1, 1), "Điều trị bệnh dài ngày")
    body = as_user("office").get(f"/api/members/{cuong.pk}").json()
    assert body["activity_status"] == ActivityStatus.EXEMPT
    assert body["activity_status_label"] == "Miễn sinh hoạt"
    assert body["activity_status_since"] == "2024-01-01"
    assert body["activity_status_reason"] == "Điều trị bệnh dài ngày"
    assert [p["status"] for p in body["status_periods"]] == [ActivityStatus.ACTIVE, ActivityStatus.EXEMPT]
    assert body["status_periods"][0]["end"] == "2023-12-31"
    assert body["status_periods"][1]["reason"] == "Điều trị bệnh dài ngày"


def test_the_detail_has_history_and_positions(ward, as_user):
    an = ward.members["an"]
    an.positions.create(title="Tổ trưởng tổ dân phố", body="Tổ dân phố số 1", start=dt.date(2021, 1, 1))
    body = as_user("member").get(f"/api/members/{an.pk}").json()
    assert body["card_number"] == an.card_number
    assert body["party_status"] == "official" and body["party_status_label"] == "Chính thức"
    assert body["admitted_on"] == "2000-03-02"
    assert [(p["organization"]["code"], p["start"], p["end"]) for p in body["memberships"]] == [
        ("TT-TDP01", "2000-03-02", None)
    ]
    assert body["positions"][0]["title"] == "Tổ trưởng tổ dân phố"
    assert body["positions"][0]["start"] == "2021-01-01"
    assert body["can_manage"] is False
    assert as_user("office").get(f"/api/members/{an.pk}").json()["can_manage"] is True


def test_search_ignores_diacritics_and_case(ward, as_user):
    client = as_user("office")
    assert names(client.get("/api/members", {"q": "nguyen van an"}).json()["items"]) == {"Nguyễn Văn An"}
    assert names(client.get("/api/members", {"q": "TRAN THI BINH"}).json()["items"]) == {"Trần Thị Bình"}
    assert names(client.get("/api/members", {"q": "Cường"}).json()["items"]) == {"Lê Văn Cường"}
    card = ward.members["dung"].card_number
    assert names(client.get("/api/members", {"q": card}).json()["items"]) == {"Phạm Thị Dung"}


def test_search_stays_inside_the_scope(ward, as_user):
    assert as_user("office").get("/api/members", {"q": "hoang van xa"}).json()["items"] == []
    assert as_user("secretary").get("/api/members", {"cell": ward.cell_b.pk}).json()["items"] == []


def test_filters_by_cell_status_and_party_status(ward, as_user):
    make_member(
        ward.cell_b, "Vũ Thị Hoa", gender=Gender.FEMALE, admitted_on=dt.date(2025, 6, 1), official_on=None
    )
    set_activity_status(
        ward.members["dung"], ActivityStatus.SUSPENDED, dt.date(2025, 3, 1), "Đang bị xem xét kỷ luật"
    )
    client = as_user("office")

    def found(**params: object) -> set[str]:
        return names(client.get("/api/members", params).json()["items"])

    assert found(cell=ward.cell_a.pk) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert found(status=ActivityStatus.SUSPENDED) == {"Phạm Thị Dung"}
    assert found(party_status="probationary") == {"Vũ Thị Hoa"}
    assert "Vũ Thị Hoa" not in found(party_status="official")
    assert len(found(party_status="official")) == 4
    item = client.get("/api/members", {"party_status": "probationary"}).json()["items"][0]
    assert item["party_status"] == "probationary" and item["official_on"] is None
    bad = client.get("/api/members", {"party_status": "du_bi", "status": "x", "cell": "abc"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"party_status", "status", "cell"}
    assert bad.json()["errors"]["cell"] == ["Phải là một số nguyên."]


def test_members_are_ordered_by_given_name_in_vietnamese_order(ward, as_user):
    # Given name first; d before đ, u before ư; a tone only decides between otherwise equal names.
    for full_name in ("Đỗ Văn Đức", "Nguyễn Văn Dũng", "Lê Văn Ánh", "Lê Văn Anh", "Bùi Ư", "Hà Văn Uy"):
        make_member(ward.cell_a, full_name)
    client = as_user("office")
    expected = [
        "Nguyễn Văn An", "Lê Văn Anh", "Lê Văn Ánh", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung",
        "Nguyễn Văn Dũng", "Đỗ Văn Đức", "Hà Văn Uy", "Bùi Ư",
    ]  # fmt: skip
    items = client.get("/api/members", {"page_size": 50}).json()["items"]
    assert [m["full_name"] for m in items] == expected
    items = client.get("/api/members", {"ordering": "-name", "page_size": 50}).json()["items"]
    assert [m["full_name"] for m in items] == expected[::-1]


def test_the_list_is_paginated(ward, as_user):
    client = as_user("office")
    first = client.get("/api/members", {"page_size": 3}).json()
    second = client.get("/api/members", {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == 4
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 3, 3)
    assert [m["full_name"] for m in second["items"]] == ["Phạm Thị Dung"]
    assert client.get("/api/members", {"page": 9}).json()["items"] == []
    assert client.get("/api/members", {"page": 0}).status_code == 422
    assert client.get("/api/members", {"page_size": 10_000}).status_code == 422
