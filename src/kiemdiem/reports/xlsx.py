"""XLSX tables (biểu tổng hợp, danh sách theo mức) with the official header block in merged cells.

The header follows Hướng dẫn 36-HD/VPTW: on the left the directly superior body, the issuing body
(bold) with a star under it and the number; on the right ``ĐẢNG CỘNG SẢN VIỆT NAM`` (bold, underlined)
and the place and date (italic). Numbers are written as values, never formulas, so that what a user
sees is what the database holds even where formulas are not recalculated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.organizations.models import Organization, OrgKind

from .statistics import LEVEL_LABELS, LEVELS, ORG_TYPES, Counts, History, Statistics

FONT = "Times New Roman"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
Progress = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Header:
    superior: str  # ĐẢNG BỘ THÀNH PHỐ HÀ NỘI
    issuer: str  # ĐẢNG ỦY PHƯỜNG THƯỢNG THANH
    number: str  # Số    -BC/ĐU
    place_date: str  # Thượng Thanh, ngày 03 tháng 12 năm 2020


def committee_name(org: Organization) -> str:
    """The body that signs for an organization: a đảng bộ signs as its đảng ủy; a cell as the cell."""
    name = org.name
    if org.kind != OrgKind.GRASSROOTS_CELL and org.kind != OrgKind.SUBORDINATE_CELL:
        for prefix in ("Đảng bộ", "đảng bộ"):
            if name.startswith(prefix):
                return "Đảng ủy" + name[len(prefix) :]
    return name


def date_line(place: str, day: dt.date) -> str:
    text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, {text}" if place else text[:1].upper() + text[1:]


def header_for(org: Organization, day: dt.date, number: str = "") -> Header:
    parent = org.parent
    symbol = "CB" if org.is_cell else "ĐU"
    return Header(
        superior=(parent.name if parent else "").upper(),
        issuer=committee_name(org).upper(),
        number=f"Số {number}" if number else f"Số      -BC/{symbol}",
        place_date=date_line(org.place_name, day),
    )


def write_header(ws: Worksheet, header: Header, width: int, title: str, subtitle: str) -> int:
    """The header block and the title over ``width`` columns; returns the first free row."""
    left = min(max(2, width * 2 // 5), width - 2)
    right_start = left + 1
    lines_left = [
        (header.superior, Font(name=FONT, size=14)),
        (header.issuer, Font(name=FONT, size=14, bold=True)),
        ("*", Font(name=FONT, size=14)),
        (header.number, Font(name=FONT, size=14)),
    ]
    lines_right = [
        ("ĐẢNG CỘNG SẢN VIỆT NAM", Font(name=FONT, size=15, bold=True, underline="single")),
        (header.place_date, Font(name=FONT, size=14, italic=True)),
    ]
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, (text, font) in enumerate(lines_left, 1):
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=left)
        cell = ws.cell(row=i, column=1, value=text)
        cell.font, cell.alignment = font, center
    for i, (text, font) in enumerate(lines_right, 1):
        ws.merge_cells(start_row=i, start_column=right_start, end_row=i, end_column=width)
        cell = ws.cell(row=i, column=right_start, value=text)
        cell.font, cell.alignment = font, center
    for i, (text, size, bold) in enumerate(((title, 15, True), (subtitle, 14, True)), 6):
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        cell = ws.cell(row=i, column=1, value=text)
        cell.font, cell.alignment = Font(name=FONT, size=size, bold=bold), center
    return 9


def _table_header(ws: Worksheet, row: int, groups: list[tuple[str, list[str]]]) -> int:
    """Two header rows: a group title merged over its columns (or over both rows for a single column)."""
    col = 1
    font = Font(name=FONT, size=11, bold=True)
    align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for title, subs in groups:
        if len(subs) <= 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
            cells = [ws.cell(row=row, column=col, value=title), ws.cell(row=row + 1, column=col)]
        else:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + len(subs) - 1)
            cells = [ws.cell(row=row, column=col, value=title)]
            cells += [ws.cell(row=row + 1, column=col + j, value=s) for j, s in enumerate(subs)]
            cells += [ws.cell(row=row, column=col + j) for j in range(1, len(subs))]
        for c in cells:
            c.font, c.alignment, c.border = font, align, BORDER
        col += max(1, len(subs))
    return row + 2


def _put(
    ws: Worksheet, row: int, values: Iterable[Any], formats: dict[int, str] | None = None, bold: bool = False
) -> None:
    font = Font(name=FONT, size=12, bold=bold)
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font, cell.border = font, BORDER
        if formats and col in formats:
            cell.number_format = formats[col]


def _fraction(value: float | None) -> float | None:
    """A percentage (12.5) as the fraction a spreadsheet shows with a % format (0.125)."""
    return None if value is None else round(value / 100, 4)


MEMBER_GROUPS: list[tuple[str, list[str]]] = [
    ("STT", []),
    ("Tổ chức đảng", []),
    ("Tổng số đảng viên", []),
    ("Không xếp loại", ["Miễn sinh hoạt", "Đình chỉ sinh hoạt", "Vào Đảng chưa đủ 6 tháng"]),
    ("Chưa có quyết định", []),
    ("Được xếp loại", []),
    ("HTXSNV", ["Số lượng", "Tỷ lệ", "So với HTTNV"]),
    ("HTTNV", ["Số lượng", "Tỷ lệ"]),
    ("HTNV", ["Số lượng", "Tỷ lệ"]),
    ("KHTNV", ["Số lượng", "Tỷ lệ"]),
    ("Bị kỷ luật trong năm", []),
]
PERCENT_COLUMNS = {10: "0.0%", 11: "0.0%", 13: "0.0%", 15: "0.0%", 17: "0.0%"}


def member_values(c: Counts) -> list[Any]:
    """Columns 3–18 of the members' table, in the order of ``MEMBER_GROUPS``."""
    return [
        c.total,
        c.exempt,
        c.suspended,
        c.new,
        c.pending,
        c.classified,
        c.levels["HTXSNV"],
        _fraction(c.percent("HTXSNV")),
        _fraction(c.top_of_good),
        c.levels["HTTNV"],
        _fraction(c.percent("HTTNV")),
        c.levels["HTNV"],
        _fraction(c.percent("HTNV")),
        c.levels["KHTNV"],
        _fraction(c.percent("KHTNV")),
        c.disciplined,
    ]


ORG_GROUPS: list[tuple[str, list[str]]] = [
    ("STT", []),
    ("Tổ chức đảng", []),
    ("Loại tổ chức", []),
    ("Tổng số", []),
    ("Chưa có quyết định", []),
    ("Được xếp loại", []),
    ("HTXSNV", ["Số lượng", "Tỷ lệ", "So với HTTNV"]),
    ("HTTNV", ["Số lượng", "Tỷ lệ"]),
    ("HTNV", ["Số lượng", "Tỷ lệ"]),
    ("KHTNV", ["Số lượng", "Tỷ lệ"]),
]
ORG_PERCENT_COLUMNS = {8: "0.0%", 9: "0.0%", 11: "0.0%", 13: "0.0%", 15: "0.0%"}


def org_values(c: Counts) -> list[Any]:
    return [
        c.total,
        c.pending,
        c.classified,
        c.levels["HTXSNV"],
        _fraction(c.percent("HTXSNV")),
        _fraction(c.top_of_good),
        c.levels["HTTNV"],
        _fraction(c.percent("HTTNV")),
        c.levels["HTNV"],
        _fraction(c.percent("HTNV")),
        c.levels["KHTNV"],
        _fraction(c.percent("KHTNV")),
    ]


def _widths(ws: Worksheet, widths: dict[int, float], default: float = 9) -> None:
    for col in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, default)


def statistics_workbook(
    stats: Statistics,
    header: Header,
    history: History | None = None,
    repeats: list[DecisionEntry] | None = None,
    progress: Progress = _noop,
) -> bytes:
    """Biểu tổng hợp kết quả: members per organization, organizations per type, the years, KHTNV twice."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đảng viên"
    subtitle = (
        f"Kết quả kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm {stats.year} — {stats.root.name}"
    )
    row = write_header(ws, header, 18, "BIỂU TỔNG HỢP KẾT QUẢ", subtitle)
    row = _table_header(ws, row, MEMBER_GROUPS)
    total = len(stats.rows)
    for i, r in enumerate(stats.rows, 1):
        name = ("    " * r.depth) + r.organization.name
        _put(ws, row, [i, name, *member_values(r.members)], PERCENT_COLUMNS, bold=r.depth == 0)
        row += 1
        if i % 200 == 0 or i == total:
            progress("Ghi biểu đảng viên", i, total)
    _widths(ws, {1: 5, 2: 42})
    ws.freeze_panes = "C11"

    wo = wb.create_sheet("Tổ chức đảng")
    subtitle = f"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng năm {stats.year} — {stats.root.name}"
    row = write_header(wo, header, 15, "BIỂU TỔNG HỢP KẾT QUẢ", subtitle)
    row = _table_header(wo, row, ORG_GROUPS)
    n = 0
    for i, r in enumerate(stats.rows, 1):
        for _t, label, c in r.organization_types:
            n += 1
            name = ("    " * r.depth) + r.organization.name
            _put(wo, row, [n, name, label, *org_values(c)], ORG_PERCENT_COLUMNS, bold=r.depth == 0)
            row += 1
        if i % 200 == 0 or i == total:
            progress("Ghi biểu tổ chức đảng", i, total)
    _widths(wo, {1: 5, 2: 42, 3: 24})

    if history is not None and history.years:
        wy = wb.create_sheet("So sánh các năm")
        row = write_header(
            wy, header, 18, "SO SÁNH KẾT QUẢ XẾP LOẠI QUA CÁC NĂM", f"Đảng viên — {stats.root.name}"
        )
        groups = [("STT", []), ("Năm", []), *MEMBER_GROUPS[2:]]
        row = _table_header(wy, row, groups)
        for i, (year, c) in enumerate(history.per_year(), 1):
            _put(wy, row, [i, year, *member_values(c)], PERCENT_COLUMNS)
            row += 1
        _widths(wy, {1: 5, 2: 10})

    if repeats is not None:
        wr = wb.create_sheet("Hai năm liền KHTNV")
        row = write_header(
            wr,
            header,
            5,
            "DANH SÁCH ĐẢNG VIÊN HAI NĂM LIỀN KHÔNG HOÀN THÀNH NHIỆM VỤ",
            f"Năm {stats.year - 1} và năm {stats.year} — {stats.root.name}",
        )
        row = _table_header(
            wr, row, [("STT", []), ("Họ và tên", []), ("Chi bộ", []), ("Năm trước", []), ("Năm nay", [])]
        )
        for i, e in enumerate(repeats, 1):
            cell = e.subject.cell.name if e.subject.cell else ""
            _put(wr, row, [i, e.subject.name, cell, "KHTNV", e.level])
            row += 1
        _widths(wr, {1: 5, 2: 30, 3: 36, 4: 12, 5: 12})
    return _save(wb)


def level_lists_workbook(
    plan_year: int, scope_name: str, entries: Sequence[DecisionEntry], header: Header
) -> bytes:
    """Danh sách theo mức xếp loại: one sheet per level, organizations first, then members by cell."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    by_level: dict[str, list[DecisionEntry]] = {lv: [] for lv in LEVELS}
    for e in entries:
        by_level[e.level].append(e)
    for lv in LEVELS:
        ws = wb.create_sheet(lv)
        row = write_header(
            ws,
            header,
            6,
            f"DANH SÁCH XẾP LOẠI “{LEVEL_LABELS[lv].upper()}”",
            f"Năm {plan_year} — {scope_name}",
        )
        row = _table_header(
            ws,
            row,
            [
                ("STT", []),
                ("Họ và tên / Tên tổ chức", []),
                ("Loại đối tượng", []),
                ("Chi bộ", []),
                ("Mức xếp loại", []),
                ("Ghi chú", []),
            ],
        )
        for i, e in enumerate(by_level[lv], 1):
            s = e.subject
            note = "Xếp loại lại" if getattr(e, "reclassified", 0) else ""
            _put(ws, row, [i, s.name, s.get_kind_display(), s.cell.name if s.cell else "", e.level, note])
            row += 1
        _widths(ws, {1: 5, 2: 34, 3: 30, 4: 34, 5: 12, 6: 14})
    return _save(wb)


def _print_setup(ws: Worksheet) -> None:
    """Print on A4 landscape, one page wide, margins of Hướng dẫn 36 (left 30 mm, right 15 mm, 20 mm)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # openpyxl gives every new sheet its page setup properties
    fit.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top = ws.page_margins.bottom = 20 / 25.4


def _save(wb: Workbook) -> bytes:
    for ws in wb.worksheets:
        _print_setup(ws)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["ORG_TYPES", "Header", "header_for", "level_lists_workbook", "statistics_workbook"]
