from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from kiemdiem.accounts.models import User
from kiemdiem.accounts.services import create_member_accounts

from ..factories import PASSWORD


def test_login_shows_vietnamese_error_on_wrong_password(ward, client):
    response = client.post("/dang-nhap/", {"username": "office", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_login_is_throttled_after_repeated_failures(ward, client):
    cache.clear()
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "office", "password": "sai"})
    response = client.post("/dang-nhap/", {"username": "office", "password": PASSWORD})
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_login_then_logout(ward, client):
    cache.clear()
    response = client.post("/dang-nhap/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    client.post("/dang-xuat/")
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_login(db, client):
    response = client.get("/dang-vien/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_bulk_accounts_are_idempotent_and_must_change_password(ward):
    members = [ward.members["cuong"], ward.members["dung"]]
    created = create_member_accounts(members)
    assert [a.username for a in created] == [m.card_number for m in members]
    assert create_member_accounts(members) == []
    user = User.objects.get(username=members[0].card_number)
    assert user.must_change_password and user.member == members[0]
    client = Client()
    assert client.login(username=user.username, password=created[0].password)
    response = client.get("/dang-vien/")
    assert response.status_code == 302 and response.url == "/doi-mat-khau/"
    response = client.post(
        "/doi-mat-khau/",
        {
            "old_password": created[0].password,
            "new_password1": "Mot-mat-khau-moi-9",
            "new_password2": "Mot-mat-khau-moi-9",
        },
    )
    assert response.status_code == 302
    assert client.get("/dang-vien/").status_code == 200


def test_bulk_accounts_page_is_for_the_office_only(ward, login):
    assert login("secretary").get("/tai-khoan/tao-hang-loat/").status_code == 403
    client = login("office")
    response = client.post("/tai-khoan/tao-hang-loat/", {"cell": ward.cell_b.pk})
    body = response.content.decode()
    assert "Lê Văn Cường" in body and "Phạm Thị Dung" in body and "Nguyễn Văn An" not in body
    other = login("office").post("/tai-khoan/tao-hang-loat/", {"cell": ward.other_cell.pk})
    assert other.status_code == 403


def test_bulk_accounts_refuses_a_cell_that_is_not_a_number(ward, login):
    """A hand-made form value is refused (403), not a server error (the id was used in a lookup as is)."""
    client = login("office")
    client.raise_request_exception = False
    response = client.post("/tai-khoan/tao-hang-loat/", {"cell": "abc"})
    assert response.status_code == 403
    assert not User.objects.filter(member=ward.members["cuong"]).exists()
