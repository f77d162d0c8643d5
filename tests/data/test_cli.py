"""``kiemdiem import`` / ``kiemdiem export``: exit codes, report, nothing changed on error."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from kiemdiem.members.importing import MEMBER_COLUMNS
from kiemdiem.members.models import Member
from kiemdiem.members.organization_import import ORG_COLUMNS
from kiemdiem.organizations.models import Organization

from .helpers import member_row, org_row, snapshot, xlsx


def _write(tmp_path, name: str, buffer: io.BytesIO):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_import_members_succeeds_and_prints_the_summary(ward, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import", "members", _write(tmp_path, "a.xlsx", xlsx([member_row()])), stdout=out, stderr=err
    )
    assert "Thêm mới: 1" in out.getvalue()
    assert Member.objects.filter(card_number="01234567").exists()


def test_import_members_with_errors_exits_non_zero_and_changes_nothing(ward, tmp_path):
    before = snapshot()
    bad = xlsx(
        [member_row(), member_row(**{"Ngày sinh": "hôm qua", "Số thẻ đảng viên": "01234568", "Số CCCD": ""})]
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import", "members", _write(tmp_path, "a.xlsx", bad), stderr=err, no_progress=True)
    assert "Dòng 3, cột “Ngày sinh”" in err.getvalue()
    assert snapshot() == before


def test_a_command_error_becomes_exit_status_1_on_the_command_line(ward, tmp_path):
    from kiemdiem.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["kiemdiem", "import", "members", str(tmp_path / "khong-co.xlsx"), "--no-progress"])
    assert exc.value.code == 1


def test_dry_run_validates_only(ward, tmp_path):
    out = io.StringIO()
    call_command(
        "import", "members", _write(tmp_path, "a.xlsx", xlsx([member_row()])), "--dry-run", stdout=out
    )
    assert "chế độ kiểm tra" in out.getvalue()
    assert not Member.objects.filter(card_number="01234567").exists()


def test_import_organizations(ward, tmp_path):
    path = _write(tmp_path, "tc.xlsx", xlsx([org_row()], header=ORG_COLUMNS))
    call_command("import", "organizations", path, stdout=io.StringIO())
    assert Organization.objects.get(code="TT-TDP30").parent == ward.ward


def test_export_members_to_xlsx_and_csv_with_a_cell_filter(ward, tmp_path):
    call_command("export", "members", str(tmp_path / "all.xlsx"), stdout=io.StringIO(), no_progress=True)
    rows = list(load_workbook(tmp_path / "all.xlsx").worksheets[0].iter_rows(values_only=True))
    assert tuple(rows[0]) == MEMBER_COLUMNS and len(rows) == 6  # the CLI sees the whole database
    call_command("export", "members", str(tmp_path / "a.csv"), cell="TT-TDP01", stdout=io.StringIO())
    text = (tmp_path / "a.csv").read_text("utf-8-sig")
    assert "Nguyễn Văn An" in text and "Lê Văn Cường" not in text


def test_export_refuses_other_extensions(ward, tmp_path):
    with pytest.raises(CommandError, match=".xlsx hoặc .csv"):
        call_command("export", "members", str(tmp_path / "a.pdf"))
