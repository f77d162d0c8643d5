from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.members.services import transfer_member
from kiemdiem.organizations.models import EventKind, OrganizationEvent, OrgKind, ParentPeriod

from ..factories import make_org
from .conftest import MEMBERS_SEEN, ORG_KEYS, ORGS_SEEN, ROLES, member_names, names, org_ids


@pytest.mark.parametrize("username", ROLES)
def test_the_tree_holds_only_organizations_in_scope(ward, as_user, username):
    body = as_user(username).get("/api/organizations").json()
    assert {o["id"] for o in body["items"]} == org_ids(ward, ORGS_SEEN[username])


@pytest.mark.parametrize("username", ROLES)
def test_an_organization_outside_the_scope_is_not_found(ward, as_user, username):
    client = as_user(username)
    for key in ORG_KEYS:
        org = getattr(ward, key)
        response = client.get(f"/api/organizations/{org.pk}")
        if key in ORGS_SEEN[username]:
            assert response.status_code == 200, (username, key)
            assert response.json()["name"] == org.name
        else:
            assert response.status_code == 404, (username, key)
            assert response.json() == {"detail": "Không tìm thấy, hoặc nằm ngoài phạm vi bạn được xem."}
            assert org.name not in response.content.decode()
        members = client.get(f"/api/organizations/{org.pk}/members")
        assert members.status_code == (200 if key in ORGS_SEEN[username] else 404), (username, key)


def test_the_tree_is_ordered_and_names_each_parent(ward, as_user):
    items = as_user("office").get("/api/organizations").json()["items"]
    assert [o["code"] for o in items] == ["DB-TT", "TT-TDP01", "TT-UBND"]
    by_code = {o["code"]: o for o in items}
    assert by_code["TT-TDP01"]["parent_id"] == ward.ward.pk
    assert by_code["TT-TDP01"]["kind"] == OrgKind.SUBORDINATE_CELL
    assert by_code["TT-TDP01"]["kind_label"] == "Chi bộ trực thuộc"
    assert by_code["TT-TDP01"]["category_label"] == "Khu dân cư (tổ dân phố)"
    assert by_code["TT-TDP01"]["member_count"] == 2
    assert by_code["DB-TT"]["member_count"] is None


def test_the_tree_filters_by_kind(ward, as_user):
    items = (
        as_user("higher").get("/api/organizations", {"kind": OrgKind.GRASSROOTS_COMMITTEE}).json()["items"]
    )
    assert {o["code"] for o in items} == {"DB-TT", "DB-GT"}


def test_an_unknown_kind_or_a_bad_date_is_refused_in_vietnamese(ward, as_user):
    client = as_user("office")
    response = client.get("/api/organizations", {"kind": "phuong"})
    assert response.status_code == 422
    assert response.json()["errors"]["kind"][0].startswith("Giá trị không hợp lệ; chấp nhận:")
    response = client.get("/api/organizations", {"date": "18/11/2020"})
    assert response.status_code == 422
    assert response.json()["errors"]["date"] == ["Ngày không hợp lệ: cần định dạng YYYY-MM-DD."]


def test_the_tree_is_shown_as_it_was_on_the_date(ward, as_user):
    # A cell dissolved at the end of 2019, and cell_b moved under a new partial committee in 2020.
    old = make_org(
        "TT-TDP09",
        "Chi bộ Tổ dân phố số 9",
        OrgKind.SUBORDINATE_CELL,
        ward.ward,
        category="khu_dan_cu",
        active_from=dt.date(2005, 1, 1),
        active_to=dt.date(2019, 12, 31),
    )
    partial = make_org(
        "TT-DBBP",
        "Đảng bộ bộ phận khối cơ quan",
        OrgKind.PARTIAL_COMMITTEE,
        ward.ward,
        active_from=dt.date(2020, 1, 1),
    )
    ParentPeriod.objects.filter(organization=ward.cell_b).update(end=dt.date(2019, 12, 31))
    ParentPeriod.objects.create(organization=ward.cell_b, parent=partial, start=dt.date(2020, 1, 1))
    ward.cell_b.parent = partial
    ward.cell_b.save()
    client = as_user("office")

    then = client.get("/api/organizations", {"date": "2015-06-01"}).json()
    assert then["date"] == "2015-06-01"
    by_code = {o["code"]: o for o in then["items"]}
    assert set(by_code) == {"DB-TT", "TT-TDP01", "TT-UBND", "TT-TDP09"}
    assert by_code["TT-UBND"]["parent_id"] == ward.ward.pk
    assert by_code["TT-TDP09"]["active_to"] == "2019-12-31"

    now = {o["code"]: o for o in client.get("/api/organizations").json()["items"]}
    assert "TT-TDP09" not in now and "TT-DBBP" in now
    assert now["TT-UBND"]["parent_id"] == partial.pk
    assert old.pk not in {o["id"] for o in client.get("/api/organizations").json()["items"]}


def test_the_detail_shows_children_parents_and_events(ward, as_user):
    event = OrganizationEvent.objects.create(
        kind=EventKind.MERGED,
        date=dt.date(2025, 7, 1),
        decision="15-QĐ/QU",
        reason="Sắp xếp đơn vị hành chính",
    )
    event.sources.set([ward.other_cell])
    event.targets.set([ward.cell_a])
    body = as_user("office").get(f"/api/organizations/{ward.ward.pk}").json()
    assert [c["code"] for c in body["children"]] == ["TT-TDP01", "TT-UBND"]
    assert [p["parent"]["code"] for p in body["parent_periods"]] == ["HN"]
    assert body["ancestors"] == []  # the city is above the office's scope
    cell = as_user("office").get(f"/api/organizations/{ward.cell_a.pk}").json()
    assert [a["code"] for a in cell["ancestors"]] == ["DB-TT"]
    assert cell["events"][0]["kind"] == EventKind.MERGED
    assert cell["events"][0]["date"] == "2025-07-01"
    assert cell["events"][0]["decision"] == "15-QĐ/QU"
    assert [t["code"] for t in cell["events"][0]["targets"]] == ["TT-TDP01"]
    # The higher level sees the whole chain.
    higher = as_user("higher").get(f"/api/organizations/{ward.cell_a.pk}").json()
    assert [a["code"] for a in higher["ancestors"]] == ["HN", "DB-TT"]


@pytest.mark.parametrize("username", ROLES)
def test_a_cells_members_are_only_those_in_scope(ward, as_user, username):
    client = as_user(username)
    for key, cell_members in (
        ("cell_a", {"an", "binh"}),
        ("cell_b", {"cuong", "dung"}),
        ("other_cell", {"xa"}),
    ):
        if key not in ORGS_SEEN[username]:
            continue
        response = client.get(f"/api/organizations/{getattr(ward, key).pk}/members")
        assert names(response.json()) == member_names(ward, cell_members & MEMBERS_SEEN[username]), key


def test_a_cells_members_on_a_date_follow_transfers(ward, as_user):
    an = ward.members["an"]
    transfer_member(an, ward.cell_b, dt.date(2020, 1, 1), "Chuyển nơi công tác")
    client = as_user("office")
    url_a, url_b = (f"/api/organizations/{c.pk}/members" for c in (ward.cell_a, ward.cell_b))
    assert "Nguyễn Văn An" in names(client.get(url_a, {"date": "2019-12-31"}).json())
    assert "Nguyễn Văn An" not in names(client.get(url_b, {"date": "2019-12-31"}).json())
    assert "Nguyễn Văn An" not in names(client.get(url_a, {"date": "2020-01-01"}).json())
    assert "Nguyễn Văn An" in names(client.get(url_b).json())
    # Nobody was in any cell before the members' admission.
    assert client.get(url_a, {"date": "1990-01-01"}).json() == []
