"""CSV files: UTF-8 with or without BOM, other delimiters; legacy encodings are refused clearly."""

from __future__ import annotations

import pytest

from kiemdiem.members.importing import MEMBER_COLUMNS, import_members
from kiemdiem.members.models import Member

from .helpers import csv_bytes, csv_file, member_row, snapshot, windows_1258


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom_keeps_the_diacritics(ward, encoding):
    result = import_members(csv_file(csv_bytes([member_row()], encoding=encoding)), scope_orgs=None)
    assert result.ok, result.report()
    assert Member.objects.get(card_number="01234567").full_name == "Đỗ Thị Hoa"


def test_a_semicolon_separated_file_is_read(ward):
    data = csv_bytes([member_row()]).decode("utf-8").replace(",", ";").encode("utf-8")
    assert import_members(csv_file(data), scope_orgs=None).ok


def test_decomposed_unicode_is_normalized(ward):
    import unicodedata

    row = member_row(**{"Họ và tên": unicodedata.normalize("NFD", "Đỗ Thị Hoa")})
    assert import_members(csv_file(csv_bytes([row])), scope_orgs=None).ok
    assert Member.objects.get(card_number="01234567").full_name == "Đỗ Thị Hoa"


@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
def test_a_legacy_encoding_is_refused_with_a_clear_message_and_nothing_changes(ward, encoding):
    before = snapshot()
    text = csv_bytes([member_row(**{"Họ và tên": "Đỗ Thị Hoa", "Nơi cư trú": "Tổ dân phố số 1"})]).decode(
        "utf-8"
    )
    data = windows_1258(text) if encoding == "cp1258" else text.encode(encoding)
    result = import_members(csv_file(data), scope_orgs=None)
    assert not result.ok
    assert "UTF-8" in result.errors[0].message and "Windows-1258" in result.errors[0].message
    assert snapshot() == before


def test_tcvn3_text_saved_as_utf8_is_refused_per_cell(ward):
    # "Nguyễn Văn Hoa" typed with a TCVN3 (.VnTime) font and saved as UTF-8.
    row = member_row(**{"Họ và tên": "NguyÔn V¨n Hoa"})
    result = import_members(csv_file(csv_bytes([row])), scope_orgs=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Họ và tên")]
    assert "TCVN3" in result.errors[0].message


def test_a_file_with_only_a_header_is_an_error(ward):
    result = import_members(csv_file(csv_bytes([])), scope_orgs=None)
    assert not result.ok and "không có dòng dữ liệu" in result.errors[0].message


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused(ward):
    result = import_members(csv_file(b"%PDF-1.4", name="danh-sach.pdf"), scope_orgs=None)
    assert not result.ok and ".xlsx" in result.errors[0].message


def test_a_broken_xlsx_is_refused(ward):
    result = import_members(csv_file(b"PK\x03\x04not really a zip", name="dang_vien.xlsx"), scope_orgs=None)
    assert not result.ok and "Excel" in result.errors[0].message


def test_header_names_are_matched_ignoring_case_and_spacing(ward):
    header = [f"  {c.upper()} " for c in MEMBER_COLUMNS]
    assert import_members(csv_file(csv_bytes([member_row()], header=header)), scope_orgs=None).ok
