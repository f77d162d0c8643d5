from __future__ import annotations

import pytest

from kiemdiem.accounts.models import Role

EXPECTED_ROLES = {
    "office": {(Role.OFFICE, "ward")},
    "standing": {(Role.STANDING, "ward")},
    "secretary": {(Role.CELL_SECRETARY, "cell_a"), (Role.MEMBER, None)},
    "member": {(Role.MEMBER, None)},
    "residence": {(Role.RESIDENCE_SECRETARY, "cell_a")},
    "higher": {(Role.HIGHER, "city")},
    "other_office": {(Role.OFFICE, "other_ward")},
}


@pytest.mark.parametrize("username", EXPECTED_ROLES)
def test_me_lists_the_roles_with_their_organizations(ward, as_user, username):
    body = as_user(username).get("/api/me").json()
    org_keys = {getattr(ward, k).pk: k for k in ("city", "ward", "cell_a", "other_ward")}
    roles = {
        (r["role"], org_keys[r["organization"]["id"]] if r["organization"] else None) for r in body["roles"]
    }
    assert roles == EXPECTED_ROLES[username]
    assert all(r["role_label"] for r in body["roles"])
    assert body["username"] == username
    assert body["can_manage_registry"] is (username in ("office", "other_office"))


def test_me_links_the_member_record(ward, as_user):
    body = as_user("member").get("/api/me").json()
    assert body["member"]["id"] == ward.members["an"].pk
    assert body["member"]["cell"]["name"] == "Chi bộ Tổ dân phố số 1"
    assert body["display_name"] == "Nguyễn Văn An"
    assert as_user("office").get("/api/me").json()["member"] is None
