"""Build import files the way users make them: XLSX with openpyxl, CSV as bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook

from kiemdiem.members.importing import MEMBER_COLUMNS
from kiemdiem.members.models import Member
from kiemdiem.members.organization_import import ORG_COLUMNS


def member_row(**overrides: object) -> list[object]:
    """A valid new member of the ward's cell TT-TDP01, with columns overridable by header name."""
    values: dict[str, object] = {
        "Số thẻ đảng viên": "01234567",
        "Họ và tên": "Đỗ Thị Hoa",
        "Giới tính": "Nữ",
        "Ngày sinh": "12/04/1975",
        "Ngày vào Đảng": "19/05/2001",
        "Ngày chính thức": "19/05/2002",
        "Mã chi bộ": "TT-TDP01",
        "Tình trạng": "Đang sinh hoạt",
        "Nơi cư trú": "Số 8 ngõ 12, tổ dân phố số 1",
        "Mã chi bộ nơi cư trú": "",
        "Nơi làm việc": "Trường Tiểu học Thượng Thanh",
        "Số CCCD": "001175012345",
    }
    values.update(overrides)
    return [values[c] for c in MEMBER_COLUMNS]


def org_row(**overrides: object) -> list[object]:
    values: dict[str, object] = {
        "Mã tổ chức": "TT-TDP30",
        "Tên tổ chức": "Chi bộ Tổ dân phố số 30",
        "Loại": "Chi bộ trực thuộc",
        "Loại hình chi bộ": "Khu dân cư (tổ dân phố)",
        "Mã tổ chức cấp trên": "DB-TT",
        "Hoạt động từ": "01/07/2025",
        "Hoạt động đến": "",
    }
    values.update(overrides)
    return [values[c] for c in ORG_COLUMNS]


def xlsx(
    rows: Sequence[Sequence[object]], header: Sequence[str] = MEMBER_COLUMNS, name: str = "dang_vien.xlsx"
) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = name
    return out


def csv_bytes(
    rows: Sequence[Sequence[object]], header: Sequence[str] = MEMBER_COLUMNS, encoding: str = "utf-8"
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Text as a Vietnamese Windows-1258 file stores it: letters precomposed, tone marks combining."""
    import unicodedata

    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out.append(base + "".join(c for c in decomposed if c in _TONE_MARKS))
    return "".join(out).encode("cp1258")


def csv_file(data: bytes, name: str = "dang_vien.csv") -> io.BytesIO:
    out = io.BytesIO(data)
    out.name = name
    return out


def read_xlsx(data: bytes) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(data))
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def snapshot() -> list[tuple[object, ...]]:
    """Everything an import may touch, to prove that a failed import changed nothing."""
    from kiemdiem.members.models import Membership, StatusPeriod
    from kiemdiem.organizations.models import Organization, OrganizationEvent, ParentPeriod

    rows: list[tuple[object, ...]] = []
    for model in (Member, Membership, StatusPeriod, Organization, ParentPeriod, OrganizationEvent):
        rows.extend(tuple(r) for r in model.objects.order_by("pk").values_list())
    return rows


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()
