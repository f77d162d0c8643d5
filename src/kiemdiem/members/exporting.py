"""Xuất danh sách đảng viên (XLSX, CSV) and the blank import templates.

The export writes exactly the member template's columns, in the same form the import reads
(card and citizen ID numbers as text so Excel keeps their leading zeros, dates as date cells shown
dd/mm/yyyy, labels for gender and status), so that import → export → import changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

from django.db.models import QuerySet

from kiemdiem.lib.dates import format_vn_date
from kiemdiem.lib.spreadsheets import GUIDE_SHEET, Progress, csv_quote
from kiemdiem.members.organization_import import ORG_COLUMNS
from kiemdiem.organizations.models import CellCategory, OrgKind

from .importing import MEMBER_COLUMNS
from .models import ActivityStatus, Gender, Member

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
MEMBER_SHEET = "Đảng viên"
ORG_SHEET = "Tổ chức"
DATE_FORMAT = "DD/MM/YYYY"
_TEXT_COLUMNS = {0, 11}  # card number, citizen ID
_DATE_COLUMNS = {3, 4, 5}
_WIDTHS = (14, 26, 9, 12, 14, 15, 14, 18, 36, 20, 30, 15)


def member_values(m: Member) -> list[object]:
    """One member as the template's row (dates as ``date``; the writers format them)."""
    return [
        m.card_number,
        m.full_name,
        m.get_gender_display(),
        m.date_of_birth,
        m.admitted_on,
        m.official_on,
        m.cell.code,
        m.get_activity_status_display(),
        m.residence_address,
        m.residence_cell.code if m.residence_cell_id and m.residence_cell else "",
        m.workplace,
        m.citizen_id,
    ]


def _ordered(members: QuerySet[Member]) -> QuerySet[Member]:
    return members.select_related("cell", "residence_cell").order_by("cell__path", "sort_key", "id")


def _xlsx_sheet(
    wb: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]
) -> WriteOnlyWorksheet:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws: WriteOnlyWorksheet = wb.create_sheet(title)  # the workbook is write-only
    for i, width in enumerate(widths, start=1):
        # WriteOnlyWorksheet takes column_dimensions from Worksheet at run time; the stubs do not say so.
        ws.column_dimensions[get_column_letter(i)].width = width  # type: ignore[attr-defined]
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    return ws


def _member_cells(ws: WriteOnlyWorksheet, values: list[object]) -> list[Cell]:
    from openpyxl.cell import WriteOnlyCell

    cells: list[Cell] = []
    for i, value in enumerate(values):
        # The stubs leave out dt.date, which openpyxl writes as a date.
        cell = WriteOnlyCell(ws, value=value if value not in (None, "") else None)  # type: ignore[arg-type]
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text typed by a person, never a formula run by whoever opens the file
        if i in _TEXT_COLUMNS:
            cell.number_format = "@"
        elif i in _DATE_COLUMNS:
            cell.number_format = DATE_FORMAT
        cells.append(cell)
    return cells


def write_members_xlsx(members: QuerySet[Member], out: IO[bytes], progress: Progress | None = None) -> int:
    """Write ``members`` (already scoped by the caller) as XLSX; returns the number of rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = _xlsx_sheet(wb, MEMBER_SHEET, MEMBER_COLUMNS, _WIDTHS)
    total = members.count()
    n = 0
    for n, m in enumerate(_ordered(members).iterator(chunk_size=2000), start=1):
        ws.append(_member_cells(ws, member_values(m)))
        if progress is not None and (n % 500 == 0 or n == total):
            progress("Xuất dữ liệu", n, total)
    wb.save(out)
    return n


def _csv_text(value: object) -> str:
    if isinstance(value, dt.date):
        return format_vn_date(value)
    return csv_quote(str(value or ""))


def write_members_csv(members: QuerySet[Member], out: IO[bytes], progress: Progress | None = None) -> int:
    """Write ``members`` as CSV in UTF-8 with a byte-order mark, so that Excel shows the diacritics."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(MEMBER_COLUMNS)
    total = members.count()
    n = 0
    for n, m in enumerate(_ordered(members).iterator(chunk_size=2000), start=1):
        writer.writerow([_csv_text(v) for v in member_values(m)])
        if progress is not None and (n % 500 == 0 or n == total):
            progress("Xuất dữ liệu", n, total)
    text.flush()
    text.detach()
    return n


def write_members(
    members: QuerySet[Member], out: IO[bytes], fmt: str, progress: Progress | None = None
) -> int:
    if fmt == "csv":
        return write_members_csv(members, out, progress)
    return write_members_xlsx(members, out, progress)


# --- templates ---------------------------------------------------------------------------------

_STATUS_VALUES = ", ".join(s.label for s in ActivityStatus)
_GENDER_VALUES = " hoặc ".join(g.label for g in Gender)

MEMBER_GUIDE: tuple[tuple[str, str, str], ...] = (
    ("Số thẻ đảng viên", "Bắt buộc", "8 chữ số, không trùng trong tệp (có thể gõ dạng 01.234567). Đảng viên đã có "
     "số thẻ trong hệ thống sẽ được cập nhật theo dòng này."),
    ("Họ và tên", "Bắt buộc", "Viết đầy đủ, có dấu (Unicode)."),
    ("Giới tính", "Bắt buộc", _GENDER_VALUES + "."),
    ("Ngày sinh", "Bắt buộc", "dd/mm/yyyy, không ở tương lai."),
    ("Ngày vào Đảng", "Bắt buộc", "dd/mm/yyyy, sau ngày sinh và khi đã đủ 18 tuổi."),
    ("Ngày chính thức", "Không", "dd/mm/yyyy, sau ngày vào Đảng; để trống nếu là đảng viên dự bị."),
    ("Mã chi bộ", "Bắt buộc", "Mã chi bộ đang hoạt động, thuộc đảng bộ của bạn. Đổi mã chi bộ của đảng viên đã có là "
     "chuyển sinh hoạt (có lưu lịch sử)."),
    ("Tình trạng", "Bắt buộc", _STATUS_VALUES + "."),
    ("Nơi cư trú", "Không", "Địa chỉ nơi cư trú."),
    ("Mã chi bộ nơi cư trú", "Không", "Mã chi bộ nơi đảng viên cư trú (nếu sinh hoạt ở nơi khác)."),
    ("Nơi làm việc", "Không", "Cơ quan, đơn vị công tác."),
    ("Số CCCD", "Không", "12 chữ số, 3 chữ số đầu là mã tỉnh (001–096); không trùng."),
)  # fmt: skip

ORG_GUIDE: tuple[tuple[str, str, str], ...] = (
    ("Mã tổ chức", "Bắt buộc", "Chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự); không trùng "
     "trong tệp. Tổ chức đã có mã trong hệ thống sẽ được cập nhật."),
    ("Tên tổ chức", "Bắt buộc", "Tên đầy đủ, có dấu."),
    ("Loại", "Bắt buộc", ", ".join(k.label for k in OrgKind if k != OrgKind.HIGHER) + "."),
    ("Loại hình chi bộ", "Với chi bộ", ", ".join(c.label for c in CellCategory) + ". Để trống với đảng bộ."),
    ("Mã tổ chức cấp trên", "Bắt buộc", "Mã của tổ chức cấp trên trực tiếp: có trong tệp này hoặc đã có trong hệ "
     "thống, thuộc đảng bộ của bạn; không phải chi bộ."),
    ("Hoạt động từ", "Không", "dd/mm/yyyy."),
    ("Hoạt động đến", "Không", "dd/mm/yyyy; để trống nếu đang hoạt động."),
)  # fmt: skip

_GENERAL = (
    "Dòng 1 là dòng tiêu đề, giữ nguyên tên cột. Mỗi dòng tiếp theo là một bản ghi; dòng trống được bỏ qua.",
    "Xóa dòng ví dụ trước khi nhập. Có thể lưu dạng .xlsx hoặc .csv (bảng mã UTF-8), tối đa 20 MB.",
    "Hệ thống kiểm tra toàn bộ tệp trước: nếu có bất kỳ lỗi nào thì không ghi gì cả và báo lỗi theo dòng, cột.",
)


def _guide_sheet(wb: Workbook, guide: Iterable[tuple[str, str, str]]) -> None:
    from openpyxl.styles import Alignment, Font

    ws: Worksheet = wb.create_sheet(GUIDE_SHEET)
    ws.append(["Cột", "Bắt buộc", "Giá trị chấp nhận, ghi chú"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in guide:
        ws.append(list(row))
    ws.append([])
    for line in _GENERAL:
        ws.append([line])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 90
    for cells in ws.iter_rows(min_row=2, max_col=3):
        cells[2].alignment = Alignment(wrap_text=True, vertical="top")


def member_template_xlsx(out: IO[bytes], example_cell: str = "TT-TDP01") -> None:
    """Mẫu nhập đảng viên: the header, one example row and the “Hướng dẫn” sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = MEMBER_SHEET
    ws.append(list(MEMBER_COLUMNS))
    example = [
        "01234567", "Nguyễn Văn Mẫu", "Nam", dt.date(1975, 4, 12), dt.date(2001, 5, 19), dt.date(2002, 5, 19),
        example_cell, "Đang sinh hoạt", "Số 8 ngõ 12, tổ dân phố số 1", example_cell, "Công ty TNHH Ví Dụ",
        "001075012345",
    ]  # fmt: skip
    ws.append(example)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # Column styles reach the rows people add: card numbers stay text, dates show as dd/mm/yyyy.
    for i, width in enumerate(_WIDTHS):
        letter = chr(ord("A") + i)
        ws.column_dimensions[letter].width = width
        if i in _TEXT_COLUMNS or i in _DATE_COLUMNS:
            ws.column_dimensions[letter].number_format = "@" if i in _TEXT_COLUMNS else DATE_FORMAT
            ws.cell(row=2, column=i + 1).number_format = ws.column_dimensions[letter].number_format
    ws.freeze_panes = "A2"
    _guide_sheet(wb, MEMBER_GUIDE)
    wb.save(out)


def organization_template_xlsx(out: IO[bytes], example_parent: str = "DB-TT") -> None:
    """Mẫu nhập tổ chức: the header, one example row and the “Hướng dẫn” sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = ORG_SHEET
    ws.append(list(ORG_COLUMNS))
    ws.append(
        [
            "TT-TDP30",
            "Chi bộ Tổ dân phố số 30",
            OrgKind.SUBORDINATE_CELL.label,
            CellCategory.RESIDENTIAL.label,
            example_parent,
            dt.date(2025, 7, 1),
            None,
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter in "FG":
        ws.column_dimensions[letter].number_format = DATE_FORMAT
        ws[f"{letter}2"].number_format = DATE_FORMAT
    for letter, width in zip("ABCDEFG", (16, 36, 20, 24, 20, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _guide_sheet(wb, ORG_GUIDE)
    wb.save(out)
