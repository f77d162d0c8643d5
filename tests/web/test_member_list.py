from __future__ import annotations


def test_it_finds_members_ignoring_diacritics_and_case(ward, login):
    client = login("office")
    response = client.get("/dang-vien/", {"q": "nguyen van an"})
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()
    assert "Trần Thị Bình" not in response.content.decode()


def test_it_lists_only_own_cell_for_a_cell_secretary(ward, login):
    body = login("secretary").get("/dang-vien/").content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body
    assert "Lê Văn Cường" not in body
    assert "Hoàng Văn Xa" not in body
