"""Statistics pages, downloads and dashboard charts: who may see what, and what the files hold."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.plans.models import PlanSubject


def _sheet(response_or_bytes, name=None):
    content = getattr(response_or_bytes, "content", response_or_bytes)
    wb = load_workbook(BytesIO(content))
    return wb[name] if name else wb.worksheets[0]


def _merged_text(ws) -> dict[str, str]:
    """The text of each merged range's top-left cell, by range (e.g. "A1:G1")."""
    return {str(r): ws.cell(row=r.min_row, column=r.min_col).value for r in ws.merged_cells.ranges}


@pytest.mark.parametrize("user", ["office", "standing", "higher"])
def test_the_committee_and_the_higher_level_read_the_statistics(login, ward, year2020, user):
    client = login(user)
    r = client.get(reverse("plan_statistics", args=[year2020.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Thống kê kết quả xếp loại năm 2020" in html
    assert "Giang Biên" not in html
    assert 'style="' not in html and "<script>" not in html
    assert client.get(reverse("plan_statistics_xlsx", args=[year2020.pk])).status_code == 200


@pytest.mark.parametrize("user", ["secretary", "member", "residence"])
def test_a_cell_secretary_or_a_member_is_refused(login, ward, year2020, user):
    """Decision: the statistics compare cells, so a cell secretary is refused, not given a partial table."""
    client = login(user)
    for name in ("plan_statistics", "plan_statistics_xlsx", "plan_level_lists_xlsx"):
        assert client.get(reverse(name, args=[year2020.pk])).status_code in (403, 404)
    assert client.get(reverse("statistics")).status_code == 403
    assert client.get(reverse("statistics_xlsx")).status_code == 403


def test_another_wards_office_sees_nothing_of_this_ward(login, ward, year2020):
    client = login("other_office")
    assert client.get(reverse("plan_statistics", args=[year2020.pk])).status_code == 404
    assert client.get(reverse("plan_level_lists_xlsx", args=[year2020.pk])).status_code == 404
    assert client.get(reverse("statistics"), {"to_chuc": ward.ward.pk}).status_code == 404
    r = client.get(reverse("statistics"), {"nam": 2020})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Thượng Thanh" not in html and "Giang Biên" in html
    ws = _sheet(client.get(reverse("statistics_xlsx"), {"nam": 2020}))
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("Thượng Thanh" in str(v) for v in values)


def test_a_scope_below_the_plan(login, ward, year2020):
    client = login("office")
    r = client.get(reverse("plan_statistics", args=[year2020.pk]), {"to_chuc": ward.cell_a.pk})
    assert r.status_code == 200
    assert r.context["stats"].total.members.total == 7
    other = client.get(reverse("plan_statistics", args=[year2020.pk]), {"to_chuc": ward.other_cell.pk})
    assert other.status_code == 404


def test_the_higher_level_reads_the_year_over_its_wards(login, ward, year2020):
    r = login("higher").get(reverse("statistics"), {"nam": 2020})
    assert r.status_code == 200
    assert r.context["stats"].root == ward.city
    assert r.context["stats"].total.members.total == 13


def test_xlsx_header_block_and_values_match_the_database(login, ward, year2020):
    ws = _sheet(login("office").get(reverse("plan_statistics_xlsx", args=[year2020.pk])), "Đảng viên")
    merged = _merged_text(ws)
    assert merged["A1:G1"] == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert merged["A2:G2"] == "ĐẢNG ỦY PHƯỜNG THƯỢNG THANH"
    assert merged["A3:G3"] == "*"
    assert merged["A4:G4"].startswith("Số") and merged["A4:G4"].endswith("-BC/ĐU")
    assert merged["H1:R1"] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    today = timezone.localdate()
    assert merged["H2:R2"] == f"Thượng Thanh, ngày {today:%d} tháng {today:%m} năm {today.year}"
    assert ws["A1"].font.size == 14 and ws["A2"].font.bold and ws["H1"].font.bold and ws["H2"].font.italic
    assert merged["A6:R6"] == "BIỂU TỔNG HỢP KẾT QUẢ"
    assert "năm 2020" in merged["A7:R7"]

    rows = {str(r[1]).strip(): r for r in ws.iter_rows(min_row=11, values_only=True) if r[1]}
    for cell in (ward.cell_a, ward.cell_b):
        row = rows[cell.name]
        subjects = PlanSubject.objects.filter(plan=year2020, cell=cell, member__isnull=False)
        entries = DecisionEntry.objects.filter(subject__in=subjects)
        classified = entries.count()
        assert row[2] == subjects.count()
        assert row[3] == subjects.filter(not_reviewed_reason="exempt").count()
        assert row[7] == classified
        for col, level in ((8, "HTXSNV"), (11, "HTTNV"), (13, "HTNV"), (15, "KHTNV")):
            n = entries.filter(level=level).count()
            assert row[col] == n
            assert row[col + 1] == round(n / classified, 4)
    ward_row = rows[ward.ward.name]
    assert ward_row[2:9] == (12, 1, 1, 1, 1, 8, 1)
    assert ward_row[10] == 0.2  # HTXSNV over HTTNV
    assert ward_row[17] == 1  # disciplined in 2020
    # Numbers are values: no formula anywhere in the workbook.
    wb = load_workbook(
        BytesIO(login("office").get(reverse("plan_statistics_xlsx", args=[year2020.pk])).content)
    )
    for sheet in wb.worksheets:
        for line in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in line)
    orgs = wb["Tổ chức đảng"]
    assert _merged_text(orgs)["A2:F2"] == "ĐẢNG ỦY PHƯỜNG THƯỢNG THANH"
    kinds = {
        r[2]: r
        for r in orgs.iter_rows(min_row=11, values_only=True)
        if r[1] and r[1].strip() == ward.ward.name
    }
    assert kinds["Chi bộ trực thuộc"][3:8] == (2, 0, 2, 1, 0.5)


def test_xlsx_lists_per_level(login, ward, year2020):
    content = login("office").get(reverse("plan_level_lists_xlsx", args=[year2020.pk])).content
    wb = load_workbook(BytesIO(content))
    assert wb.sheetnames == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    top = wb["HTXSNV"]
    assert _merged_text(top)["A2:B2"] == "ĐẢNG ỦY PHƯỜNG THƯỢNG THANH"
    names = [r[1] for r in top.iter_rows(min_row=11, values_only=True)]
    assert sorted(names) == ["Chi bộ Tổ dân phố số 1", "Nguyễn Văn An"]
    assert "Hoàng Văn Xa" not in str(list(wb["HTXSNV"].values))
    assert (
        len([r for r in wb["HTTNV"].iter_rows(min_row=11, values_only=True)]) == 7
    )  # 5 members, ward, cell B


def test_report_command_writes_the_table(ward, year2020, tmp_path):
    out = tmp_path / "bieu.xlsx"
    call_command("report", "statistics", "--plan", str(year2020.pk), "--output", str(out), "--no-progress")
    ws = _sheet(out.read_bytes(), "Đảng viên")
    assert ws["A2"].value == "ĐẢNG ỦY PHƯỜNG THƯỢNG THANH"
    assert ws.cell(row=11, column=3).value == 12
    out2 = tmp_path / "chi-bo.xlsx"
    call_command(
        "report",
        "statistics",
        "--year",
        "2020",
        "--scope",
        "TT-TDP01",
        "--output",
        str(out2),
        "--no-progress",
    )
    ws2 = _sheet(out2.read_bytes(), "Đảng viên")
    assert ws2.cell(row=11, column=2).value == "Chi bộ Tổ dân phố số 1"
    assert ws2.cell(row=11, column=3).value == 7


def test_report_command_refuses_bad_input(ward, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("report", "statistics", "--plan", "999", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("report", "statistics", "--plan", "1", "--output", str(tmp_path / "x.csv"))


def test_dashboard_charts_for_the_office_only(login, ward, year2020):
    html = login("office").get(reverse("dashboard")).content.decode()
    assert "Phân bố mức xếp loại theo chi bộ" in html and "Tiến độ theo bước" in html
    assert "So sánh qua các năm" in html
    assert html.count("<svg") >= 3 and 'style="' not in html
    # The bars of cell A: 1 HTXSNV, 3 HTTNV, 1 HTNV of 5 (400 px wide: 80, 240, 80).
    assert re.search(r'width="80\.0" height="16" fill="#43a047"><title>HTXSNV: 1 \(20%\)', html)
    secretary = login("secretary").get(reverse("dashboard")).content.decode()
    assert "Phân bố mức xếp loại theo chi bộ" not in secretary
