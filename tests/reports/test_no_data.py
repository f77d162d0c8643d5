from __future__ import annotations


def test_statistics_page_says_there_is_no_data_yet(ward, login):
    body = login("office").get("/thong-ke/").content.decode()
    assert "Chưa có kế hoạch kiểm điểm nào" in body
    assert login("office").get("/thong-ke.xlsx").status_code == 404
    assert login("member").get("/thong-ke/").status_code == 403
