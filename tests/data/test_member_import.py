"""Member import: every validation rule, all-or-nothing, and updates by card number."""

from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.lib.dates import today
from kiemdiem.members.importing import MEMBER_COLUMNS, import_members
from kiemdiem.members.models import ActivityStatus, Member
from kiemdiem.organizations.models import Organization

from .helpers import day, member_row, snapshot, xlsx


def _errors(result) -> set[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return {(e.row, e.column) for e in result.errors}


def _only_error(rows, ward, column: str) -> str:  # type: ignore[no-untyped-def]
    """Import ``rows`` in the ward's office scope and return the single error's message for ``column``."""
    result = import_members(xlsx(rows), scope_orgs=Organization.objects.subtree(ward.ward))
    assert [(e.row, e.column) for e in result.errors] == [(len(rows) + 1, column)], result.report()
    return result.errors[0].message


def test_a_valid_file_creates_members_with_their_first_membership_and_status(ward):
    result = import_members(xlsx([member_row()]), scope_orgs=Organization.objects.subtree(ward.ward))
    assert result.ok and result.committed, result.report()
    m = Member.objects.get(card_number="01234567")
    assert (m.full_name, m.gender, m.cell, m.citizen_id) == ("Đỗ Thị Hoa", "nu", ward.cell_a, "001175012345")
    assert (m.date_of_birth, m.admitted_on, m.official_on) == (
        day("12/04/1975"),
        day("19/05/2001"),
        day("19/05/2002"),
    )
    assert m.cell_on(dt.date(2010, 1, 1)) == ward.cell_a
    assert m.status_on(dt.date(2010, 1, 1)) == ActivityStatus.ACTIVE
    assert result.counts()["created"] == 1


def test_a_malformed_file_changes_nothing_and_names_each_bad_row_and_column(ward):
    before = snapshot()
    rows = [
        member_row(),  # row 2: fine
        member_row(**{"Số thẻ đảng viên": "1234", "Số CCCD": "", "Họ và tên": ""}),  # row 3
        member_row(**{"Số thẻ đảng viên": "01234568", "Ngày sinh": "31/02/1980", "Số CCCD": ""}),  # row 4
        member_row(
            **{"Số thẻ đảng viên": "01234569", "Mã chi bộ": "KHONG-CO", "Số CCCD": "", "Giới tính": "X"}
        ),  # 5
    ]
    result = import_members(xlsx(rows), scope_orgs=Organization.objects.subtree(ward.ward))
    assert not result.ok and not result.committed
    assert _errors(result) == {
        (3, "Số thẻ đảng viên"),
        (3, "Họ và tên"),
        (4, "Ngày sinh"),
        (5, "Mã chi bộ"),
        (5, "Giới tính"),
    }
    assert snapshot() == before
    assert not Member.objects.filter(card_number="01234567").exists()
    report = result.report()
    assert "Dòng 3, cột “Số thẻ đảng viên”" in report and "không có dữ liệu nào được thay đổi" in report


def test_an_error_while_writing_rolls_back_the_rows_already_written(ward, monkeypatch):
    from django.core.exceptions import ValidationError

    from kiemdiem.members import importing

    calls = []

    def failing_create(r):  # type: ignore[no-untyped-def]
        calls.append(r.number)
        if r.number == 3:
            raise ValidationError({"full_name": "Lỗi giả lập khi ghi."})
        return original(r)

    original = importing._create
    monkeypatch.setattr(importing, "_create", failing_create)
    before = snapshot()
    rows = [member_row(), member_row(**{"Số thẻ đảng viên": "01234568", "Số CCCD": ""})]
    result = import_members(xlsx(rows), scope_orgs=None)
    assert calls == [2, 3]
    assert [(e.row, e.column) for e in result.errors] == [(3, "Họ và tên")]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("Số thẻ đảng viên", "", "Không được để trống"),
        ("Số thẻ đảng viên", "1234567A", "8 chữ số"),
        ("Số thẻ đảng viên", "1234567", "số 0 ở đầu"),
        ("Họ và tên", "", "Không được để trống"),
        ("Giới tính", "Khác", "“Nam”, “Nữ”"),
        ("Ngày sinh", "", "Không được để trống"),
        ("Ngày sinh", "1975-13-40", "dd/mm/yyyy"),
        ("Ngày sinh", "01/01/2999", "tương lai"),
        ("Ngày vào Đảng", "01/01/1970", "sau ngày sinh"),
        ("Ngày vào Đảng", "11/04/1993", "đủ 18 tuổi"),
        ("Ngày vào Đảng", "01/01/2999", "tương lai"),
        ("Ngày chính thức", "19/05/2001", "sau ngày vào Đảng"),
        ("Ngày chính thức", "01/01/2999", "tương lai"),
        ("Mã chi bộ", "", "Không được để trống"),
        ("Mã chi bộ", "KHONG-CO", "Không có chi bộ"),
        ("Mã chi bộ", "DB-TT", "không phải là chi bộ"),
        ("Mã chi bộ", "GB-TDP01", "ngoài phạm vi"),
        ("Tình trạng", "Nghỉ hưu", "Đang sinh hoạt"),
        ("Tình trạng", "", "Không được để trống"),
        ("Mã chi bộ nơi cư trú", "KHONG-CO", "Không có chi bộ"),
        ("Mã chi bộ nơi cư trú", "GB-TDP01", "ngoài phạm vi"),
        ("Số CCCD", "12345", "12 chữ số"),
        ("Số CCCD", "999175012345", "mã tỉnh"),
        ("Số CCCD", "001070012345", "đã được dùng"),  # Nguyễn Văn An's
        ("Họ và tên", "NguyÔn V¨n Hoa", "TCVN3"),
        ("Nơi cư trú", "Tá»• dÃ¢n phá»‘ sá»‘ 1", "Tổ dân phố số 1"),
        ("Họ và tên", "Đỗ " * 60, "Dài quá 120"),
    ],
)
def test_each_rule_names_its_row_and_column(ward, column, value, fragment):
    message = _only_error([member_row(**{column: value})], ward, column)
    assert fragment in message


def test_an_exact_18th_birthday_is_old_enough(ward):
    row = member_row(**{"Ngày sinh": "01/01/1981", "Ngày vào Đảng": "01/01/1999", "Ngày chính thức": ""})
    result = import_members(xlsx([row]), scope_orgs=None, dry_run=True)
    assert result.ok, result.report()


def test_closed_cells_are_refused(ward):
    ward.cell_b.active_to = today() - dt.timedelta(days=1)
    ward.cell_b.save()
    assert "kết thúc hoạt động" in _only_error([member_row(**{"Mã chi bộ": "TT-UBND"})], ward, "Mã chi bộ")


def test_duplicates_inside_the_file_point_to_the_first_row(ward):
    rows = [
        member_row(),
        member_row(**{"Số thẻ đảng viên": "01.234567", "Số CCCD": "001175099999"}),
        member_row(**{"Số thẻ đảng viên": "01234568"}),
    ]
    result = import_members(xlsx(rows), scope_orgs=None)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages == {
        (3, "Số thẻ đảng viên"): "Số thẻ 01234567 trùng với dòng 2.",
        (4, "Số CCCD"): "Số CCCD 001175012345 trùng với dòng 2.",
    }


def test_rows_are_numbered_as_the_spreadsheet_numbers_them_blank_rows_included(ward):
    rows = [
        member_row(),
        [None] * len(MEMBER_COLUMNS),
        member_row(**{"Số thẻ đảng viên": "x", "Số CCCD": ""}),
    ]
    result = import_members(xlsx(rows), scope_orgs=None)
    assert _errors(result) == {(4, "Số thẻ đảng viên")}
    assert result.rows == 2


def test_missing_columns_are_reported_on_the_header_row(ward):
    header = [c for c in MEMBER_COLUMNS if c not in ("Ngày sinh", "Mã chi bộ")]
    row = [v for c, v in zip(MEMBER_COLUMNS, member_row(), strict=True) if c in header]
    result = import_members(xlsx([row], header=header), scope_orgs=None)
    assert _errors(result) == {(1, "Ngày sinh"), (1, "Mã chi bộ")}


def test_xlsx_date_cells_and_numeric_card_cells_are_accepted(ward):
    row = member_row(
        **{
            "Số thẻ đảng viên": 1234567,  # Excel dropped the leading zero
            "Số CCCD": 1175012345,
            "Ngày sinh": dt.datetime(1975, 4, 12),
            "Ngày vào Đảng": dt.date(2001, 5, 19),
            "Ngày chính thức": None,
        }
    )
    result = import_members(xlsx([row]), scope_orgs=None)
    assert result.ok, result.report()
    m = Member.objects.get(card_number="01234567")
    assert (m.citizen_id, m.date_of_birth, m.official_on) == ("001175012345", dt.date(1975, 4, 12), None)


def test_a_dry_run_reports_what_would_change_without_writing(ward):
    before = snapshot()
    result = import_members(xlsx([member_row()]), scope_orgs=None, dry_run=True)
    assert result.ok and not result.committed and result.counts()["created"] == 1
    assert snapshot() == before


def _existing_row(member: Member, **overrides: object) -> list[object]:
    from kiemdiem.members.exporting import member_values

    values = dict(zip(MEMBER_COLUMNS, member_values(member), strict=True))
    values.update(overrides)
    return [values[c] for c in MEMBER_COLUMNS]


def test_a_reimport_updates_by_card_number_and_a_new_cell_is_a_transfer_with_history(ward):
    an = ward.members["an"]
    row = _existing_row(an, **{"Mã chi bộ": "TT-UBND", "Nơi làm việc": "UBND phường Thượng Thanh"})
    result = import_members(xlsx([row]), scope_orgs=Organization.objects.subtree(ward.ward))
    assert result.ok, result.report()
    assert result.changes[0].kinds == ["updated", "transferred"]
    an.refresh_from_db()
    assert (an.cell, an.workplace) == (ward.cell_b, "UBND phường Thượng Thanh")
    assert an.cell_on(today() - dt.timedelta(days=1)) == ward.cell_a
    assert an.cell_on(today()) == ward.cell_b
    assert Member.objects.count() == 5


def test_a_changed_status_goes_through_the_status_history(ward):
    an = ward.members["an"]
    result = import_members(xlsx([_existing_row(an, **{"Tình trạng": "Miễn sinh hoạt"})]), scope_orgs=None)
    assert result.ok, result.report()
    an.refresh_from_db()
    assert an.activity_status == ActivityStatus.EXEMPT and an.activity_status_since == today()
    assert an.status_on(today() - dt.timedelta(days=1)) == ActivityStatus.ACTIVE
    assert an.status_on(today()) == ActivityStatus.EXEMPT


def test_a_second_status_change_on_the_same_day_is_an_error_not_a_crash(ward):
    an = ward.members["an"]
    assert import_members(xlsx([_existing_row(an, **{"Tình trạng": "Miễn sinh hoạt"})]), scope_orgs=None).ok
    an.refresh_from_db()
    result = import_members(xlsx([_existing_row(an, **{"Tình trạng": "Từ trần"})]), scope_orgs=None)
    assert _errors(result) == {(2, "Tình trạng")}


def test_a_card_number_of_a_member_outside_the_scope_is_refused(ward):
    xa = ward.members["xa"]
    row = _existing_row(xa, **{"Mã chi bộ": "TT-TDP01"})
    result = import_members(xlsx([row]), scope_orgs=Organization.objects.subtree(ward.ward))
    assert _errors(result) == {(2, "Số thẻ đảng viên")}
    xa.refresh_from_db()
    assert xa.cell == ward.other_cell


def test_a_card_number_that_belongs_to_someone_else_entirely_is_refused(ward):
    an = ward.members["an"]
    row = member_row(**{"Số thẻ đảng viên": an.card_number, "Số CCCD": ""})
    result = import_members(xlsx([row]), scope_orgs=None)
    assert _errors(result) == {(2, "Số thẻ đảng viên")}
    assert "Nguyễn Văn An" in result.errors[0].message


def test_the_other_wards_office_cannot_import_into_this_wards_cells(ward):
    before = snapshot()
    result = import_members(xlsx([member_row()]), scope_orgs=Organization.objects.subtree(ward.other_ward))
    assert _errors(result) == {(2, "Mã chi bộ")}
    assert snapshot() == before


def test_progress_is_reported_for_each_stage(ward):
    seen: list[tuple[str, int, int]] = []
    rows = [member_row(**{"Số thẻ đảng viên": f"0{1234567 + i:07d}", "Số CCCD": ""}) for i in range(120)]
    result = import_members(xlsx(rows), scope_orgs=None, progress=lambda s, d, t: seen.append((s, d, t)))
    assert result.ok, result.report()
    assert ("Kiểm tra", 120, 120) in seen and ("Ghi dữ liệu", 120, 120) in seen
    assert ("Kiểm tra", 50, 120) in seen
