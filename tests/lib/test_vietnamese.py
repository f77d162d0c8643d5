from __future__ import annotations

from kiemdiem.lib.dates import format_vn_date, parse_vn_date
from kiemdiem.lib.vietnamese import fold, name_sort_key


def test_fold_drops_diacritics_and_case():
    assert fold("Nguyễn Văn Ánh") == "nguyen van anh"
    assert fold("ĐẶNG  Thị   Ưng") == "dang thi ung"


def _sorted(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_names_sort_by_given_name_first_then_middle_then_family():
    assert _sorted(["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn An"]) == [
        "Trần Thị An",
        "Lê Văn An",
        "Nguyễn Văn Bình",
    ]


def test_letters_with_marks_follow_their_base_letter():
    # a < ă < â < b ; d < đ < e ; o < ô < ơ ; u < ư < v
    assert _sorted(["Lê Bảo", "Lê Ân", "Lê Ăn", "Lê An"]) == ["Lê An", "Lê Ăn", "Lê Ân", "Lê Bảo"]
    assert _sorted(["Lê Em", "Lê Đông", "Lê Dũng"]) == ["Lê Dũng", "Lê Đông", "Lê Em"]
    assert _sorted(["Lê Vân", "Lê Ưng", "Lê Uyên"]) == ["Lê Uyên", "Lê Ưng", "Lê Vân"]
    assert _sorted(["Lê Ơn", "Lê Ông", "Lê Oanh"]) == ["Lê Oanh", "Lê Ông", "Lê Ơn"]


def test_tones_are_secondary_in_dictionary_order():
    # ngang < huyền < hỏi < ngã < sắc < nặng, and only when the letters are equal
    names = ["Lê Mạ", "Lê Má", "Lê Mã", "Lê Mả", "Lê Mà", "Lê Ma"]
    assert _sorted(names) == ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]
    assert _sorted(["Lê Mai", "Lê Mà"]) == ["Lê Mà", "Lê Mai"]


def test_sort_key_uses_digits_only_so_every_collation_agrees():
    assert name_sort_key("Nguyễn Thị Ánh Tuyết").isdigit()


def test_dates_are_dd_mm_yyyy():
    import datetime as dt

    import pytest

    assert parse_vn_date("18/11/2020") == dt.date(2020, 11, 18)
    assert parse_vn_date("5/1/2020") == dt.date(2020, 1, 5)
    assert parse_vn_date("") is None
    assert format_vn_date(dt.date(2020, 12, 5)) == "05/12/2020"
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_vn_date("31/02/2020")
