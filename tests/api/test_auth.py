from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kiemdiem.api.models import ApiToken, hash_token
from kiemdiem.members.models import Member

from .conftest import ApiClient


def test_anonymous_requests_get_401_in_vietnamese(ward):
    response = Client().get("/api/members")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Chưa xác thực")
    assert "Chưa xác thực".encode() in response.content  # UTF-8, not \u escapes
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_token_authenticates_without_a_session(ward, as_token):
    response = as_token("secretary").get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "secretary"
    assert response.json()["auth_method"] == "token"


def test_a_wrong_token_is_refused(ward):
    for header in ("Bearer kd_not-a-real-token", "Bearer something-else", "Bearer "):
        response = Client().get("/api/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert (
            "Mã truy cập không hợp lệ" in response.json()["detail"]
            or "Chưa xác thực" in response.json()["detail"]
        )


def test_a_revoked_token_is_refused(ward):
    row, token = ApiToken.issue(ward.users["office"], "cũ")
    client = ApiClient(Client(), {"Authorization": f"Bearer {token}"})
    assert client.get("/api/me").status_code == 200
    row.revoke()
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]


def test_a_token_of_a_deactivated_account_is_refused(ward):
    _, token = ApiToken.issue(ward.users["office"], "máy chủ")
    ward.users["office"].is_active = False
    ward.users["office"].save()
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_wrong_token_does_not_fall_back_to_the_session(ward, login):
    client = login("office")
    response = client.get("/api/me", headers={"Authorization": "Bearer kd_wrong"})
    assert response.status_code == 401


def test_only_a_hash_of_the_token_is_stored(ward):
    row, token = ApiToken.issue(ward.users["office"], "báo cáo")
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hash_token(token)
    assert token.startswith(stored["hint"])


def test_using_a_token_records_when_it_was_last_used(ward):
    row, token = ApiToken.issue(ward.users["office"], "báo cáo")
    assert row.last_used_at is None
    Client().get("/api/me", headers={"Authorization": f"Bearer {token}"})
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert timezone.now() - row.last_used_at < dt.timedelta(minutes=1)


def test_session_writes_need_the_csrf_token(ward):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ward.users["office"])
    cuong = ward.members["cuong"]
    response = client.patch(
        f"/api/members/{cuong.pk}", '{"workplace": "UBND phường"}', content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    cuong.refresh_from_db()
    assert cuong.workplace == ""
    tokens = ApiToken.objects.count()
    response = client.post("/api/tokens", '{"name": "x"}', content_type="application/json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == tokens


def test_session_writes_pass_with_the_csrf_token(ward):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ward.users["office"])
    client.get("/api/docs")  # the docs page sets the CSRF cookie, as any page with a form does
    csrf = client.cookies["csrftoken"]
    cuong = ward.members["cuong"]
    response = client.patch(
        f"/api/members/{cuong.pk}",
        '{"workplace": "UBND phường"}',
        content_type="application/json",
        headers={"X-CSRFToken": csrf.value},
    )
    assert response.status_code == 200, response.content
    cuong.refresh_from_db()
    assert cuong.workplace == "UBND phường"


def test_session_reads_do_not_need_the_csrf_token(ward):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ward.users["office"])
    assert client.get("/api/members").status_code == 200


def test_token_writes_do_not_need_the_csrf_token(ward):
    _, token = ApiToken.issue(ward.users["office"], "máy chủ")
    client = Client(enforce_csrf_checks=True)
    dung = ward.members["dung"]
    response = client.patch(
        f"/api/members/{dung.pk}",
        '{"workplace": "Trường THCS Thượng Thanh"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    assert Member.objects.get(pk=dung.pk).workplace == "Trường THCS Thượng Thanh"


def test_the_command_prints_a_working_token(ward):
    out, err = StringIO(), StringIO()
    call_command("api_token", "secretary", "--name", "Báo cáo chi bộ", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(token_hash=hash_token(token))
    assert row.user == ward.users["secretary"] and row.name == "Báo cáo chi bộ"
    assert "không hiện lại" in err.getvalue()
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["username"] == "secretary"


def test_the_command_refuses_an_unknown_or_locked_account(ward):
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("api_token", "ai-do", stdout=StringIO())
    ward.users["member"].is_active = False
    ward.users["member"].save()
    with pytest.raises(CommandError, match="đã bị khóa"):
        call_command("api_token", "member", stdout=StringIO())
    assert not ApiToken.objects.exists()
