"""Export: the template's columns within the scope; import → export → import changes nothing."""

from __future__ import annotations

import datetime as dt
import io

from kiemdiem.lib.spreadsheets import GUIDE_SHEET
from kiemdiem.members.exporting import member_template_xlsx, organization_template_xlsx, write_members
from kiemdiem.members.importing import MEMBER_COLUMNS, import_members
from kiemdiem.members.models import Member
from kiemdiem.members.organization_import import ORG_COLUMNS
from kiemdiem.organizations.models import Organization

from .helpers import csv_file, member_row, read_xlsx, snapshot, xlsx


def _export(fmt: str, members=None) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    write_members(members if members is not None else Member.objects.all(), out, fmt)
    return out.getvalue()


def test_the_xlsx_export_has_the_template_columns_and_typed_values(ward):
    rows = read_xlsx(_export("xlsx", Member.objects.filter(pk=ward.members["an"].pk)))
    assert tuple(rows[0]) == MEMBER_COLUMNS
    an = ward.members["an"]
    assert rows[1] == [
        an.card_number, "Nguyễn Văn An", "Nam", dt.datetime(1970, 5, 17), dt.datetime(2000, 3, 2),
        dt.datetime(2001, 3, 2), "TT-TDP01", "Đang sinh hoạt", None, None, None, "001070012345",
    ]  # fmt: skip


def test_the_csv_export_is_utf8_with_bom_and_dd_mm_yyyy_dates(ward):
    data = _export("csv", Member.objects.filter(pk=ward.members["an"].pk))
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(MEMBER_COLUMNS)
    assert "Nguyễn Văn An,Nam,17/05/1970,02/03/2000,02/03/2001,TT-TDP01,Đang sinh hoạt" in lines[1]


def test_import_export_import_changes_nothing(ward):
    rows = [
        member_row(),
        member_row(**{"Số thẻ đảng viên": "01234568", "Họ và tên": "Vũ Văn Bảo", "Giới tính": "Nam",
                      "Ngày chính thức": "", "Tình trạng": "Miễn sinh hoạt", "Mã chi bộ": "TT-UBND",
                      "Mã chi bộ nơi cư trú": "TT-TDP01", "Số CCCD": ""}),
    ]  # fmt: skip
    scope = Organization.objects.subtree(ward.ward)
    assert import_members(xlsx(rows), scope_orgs=scope).ok
    members = Member.objects.filter(cell__path__startswith=ward.ward.path)
    for fmt in ("xlsx", "csv"):
        exported = _export(fmt, members)
        before = snapshot()
        result = import_members(csv_file(exported, name=f"xuat.{fmt}"), scope_orgs=scope)
        assert result.ok, result.report()
        assert result.rows == 6
        assert {tuple(c.kinds) for c in result.changes} == {("unchanged",)}, result.changes
        assert snapshot() == before
        assert _export(fmt, members) == exported or fmt == "xlsx"  # xlsx zips carry a timestamp


def test_templates_have_the_headers_an_example_and_a_guide(ward):
    out = io.BytesIO()
    member_template_xlsx(out, example_cell="TT-TDP01")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Đảng viên", GUIDE_SHEET]
    rows = [list(r) for r in wb["Đảng viên"].iter_rows(values_only=True)]
    assert tuple(rows[0]) == MEMBER_COLUMNS and len(rows) == 2
    guide = [r[0] for r in wb[GUIDE_SHEET].iter_rows(min_row=2, values_only=True)]
    assert all(c in guide for c in MEMBER_COLUMNS)
    # The example row itself is a valid row.
    assert import_members(io.BytesIO(out.getvalue()), scope_orgs=None, dry_run=True, filename="mau.xlsx").ok

    out = io.BytesIO()
    organization_template_xlsx(out, example_parent="DB-TT")
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert tuple(next(wb.worksheets[0].iter_rows(values_only=True))) == ORG_COLUMNS
    assert GUIDE_SHEET in wb.sheetnames


def test_text_that_looks_like_a_formula_is_exported_as_text_and_round_trips(ward):
    an = ward.members["an"]
    an.workplace = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    an.save()
    data = _export("xlsx", Member.objects.filter(pk=an.pk))
    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(data)).worksheets[0]["K2"]
    assert cell.data_type == "s" and cell.value == an.workplace
    result = import_members(csv_file(data, name="x.xlsx"), scope_orgs=None, dry_run=True)
    assert result.ok and result.changes[0].kinds == ["unchanged"], result.report()


def test_formula_looking_text_in_the_csv_export_is_quoted_and_round_trips(ward):
    an = ward.members["an"]
    an.workplace = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    an.residence_address = "+84 phố Huế; -1; @đâu đó"
    ward.members["binh"].residence_address = "'-5 Hàng Bông' (chép từ Excel)"
    ward.members["binh"].save()
    an.save()
    data = _export("csv", Member.objects.filter(pk=an.pk)).decode("utf-8-sig")
    import csv

    both = _export("csv", Member.objects.filter(pk__in=[an.pk, ward.members["binh"].pk]))
    result = import_members(csv_file(both, name="x.csv"), scope_orgs=None, dry_run=True)
    assert result.ok and {tuple(c.kinds) for c in result.changes} == {("unchanged",)}, result.report()

    row = dict(zip(MEMBER_COLUMNS, list(csv.reader(io.StringIO(data)))[1], strict=True))
    quoted = [v for v in row.values() if v.startswith("'")]
    assert "'" + an.workplace in quoted and "'" + an.residence_address in quoted
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())  # nothing Excel would run
    result = import_members(csv_file(data.encode("utf-8-sig"), name="x.csv"), scope_orgs=None, dry_run=True)
    assert result.ok and result.changes[0].kinds == ["unchanged"], result.report()
