from __future__ import annotations

from django.test import Client

from kiemdiem.api.models import ApiToken


def test_a_logged_in_user_creates_a_token_shown_once(ward, as_session):
    client = as_session("member")
    response = client.post("/api/tokens", {"name": "Điện thoại"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Điện thoại" and body["token"].startswith(body["hint"])
    works = Client().get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert works.json()["username"] == "member"
    listed = client.get("/api/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]


def test_a_token_cannot_create_more_tokens(ward, as_token):
    client = as_token("office")
    before = ApiToken.objects.count()
    response = client.post("/api/tokens", {"name": "thêm"})
    assert response.status_code == 401
    assert ApiToken.objects.count() == before


def test_an_account_that_must_change_its_password_cannot_create_tokens(ward, as_session):
    user = ward.users["member"]
    user.must_change_password = True
    user.save()
    response = as_session("member").post("/api/tokens", {"name": "Điện thoại"})
    assert response.status_code == 403
    assert "đổi mật khẩu" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(ward, as_session):
    response = as_session("member").post("/api/tokens", {"name": ""})
    assert response.status_code == 422
    assert response.json()["errors"]["name"] == ["Không được để trống."]
    assert not ApiToken.objects.exists()


def test_a_user_revokes_an_own_token(ward, as_session):
    row, token = ApiToken.issue(ward.users["office"], "cũ")
    response = as_session("office").delete(f"/api/tokens/{row.pk}")
    assert response.status_code == 204
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_can_revoke_itself(ward):
    row, token = ApiToken.issue(ward.users["office"], "lộ")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete(f"/api/tokens/{row.pk}", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_nobody_lists_or_revokes_another_users_token(ward, as_user):
    row, token = ApiToken.issue(ward.users["office"], "của văn phòng")
    for username in ("standing", "higher", "other_office", "member"):
        client = as_user(username)
        assert row.pk not in [t["id"] for t in client.get("/api/tokens").json()]
        response = client.delete(f"/api/tokens/{row.pk}")
        assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
