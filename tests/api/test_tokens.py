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


def test_a_token_expires_after_its_days(ward, as_session):
    import datetime as dt

    from django.utils import timezone

    client = as_session("member")
    body = client.post("/api/tokens", {"name": "Một tuần", "days": 7}).json()
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=7) - dt.timedelta(minutes=1) < expires - timezone.now() <= dt.timedelta(days=7)
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert Client().get("/api/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=body["id"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = Client().get("/api/me", headers=headers)
    assert refused.status_code == 401 and "hết hạn" in refused.json()["detail"]
    # Listed with its expiry, so that its owner sees why.
    assert client.get("/api/tokens").json()[0]["expires_at"] is not None


def test_a_token_lives_90_days_by_default_and_at_most_365(ward, as_session):
    import datetime as dt

    client = as_session("member")
    body = client.post("/api/tokens", {"name": "Mặc định"}).json()
    created, expires = (dt.datetime.fromisoformat(body[k]) for k in ("created_at", "expires_at"))
    assert expires - created == dt.timedelta(days=90)
    for days in (0, 366):
        response = client.post("/api/tokens", {"name": "Quá hạn", "days": days})
        assert response.status_code == 422, days
    assert ApiToken.objects.count() == 1


def test_the_command_line_issues_a_token_with_a_term(ward, capsys):  # type: ignore[no-untyped-def]
    import datetime as dt

    import pytest
    from django.core.management import CommandError, call_command

    call_command("api_token", "office", "--days", "30")
    row = ApiToken.objects.get()
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    assert "hết hạn lúc" in capsys.readouterr().err
    with pytest.raises(CommandError, match="từ 1 đến 365 ngày"):
        call_command("api_token", "office", "--days", "400")
    assert ApiToken.objects.count() == 1


def test_a_session_that_must_change_its_password_cannot_use_the_api(ward, as_session):
    user = ward.users["member"]
    user.must_change_password = True
    user.save()
    client = as_session("member")
    response = client.get("/api/me")
    assert response.status_code == 403 and "đổi mật khẩu" in response.json()["detail"]
    user.must_change_password = False
    user.save()
    assert client.get("/api/me").status_code == 200
