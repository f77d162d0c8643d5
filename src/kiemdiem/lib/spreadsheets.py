"""Reading spreadsheets for the imports: XLSX/CSV to numbered rows, headers, cells, row errors, results.

The registry imports (members/importing.py, members/organization_import.py) work the same way:
1. read the file into numbered rows (the header is row 1, as the spreadsheet numbers it);
2. validate every row against the file itself and the database, collecting (row, column, message)
   problems without writing anything;
3. if there is no problem and this is not a dry run, apply the changes through the services that
   keep history, inside one transaction (``commit_rows``): any failure rolls everything back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from kiemdiem.lib.dates import format_vn_date, parse_vn_date
from kiemdiem.lib.vietnamese import fold

MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = (".xlsx", ".csv")
GUIDE_SHEET = "Hướng dẫn"

# progress(stage, done, total): stage is a Vietnamese label shown as is by the CLI and the web page.
Progress = Callable[[str, int, int], None]
Source = str | os.PathLike[str] | IO[bytes] | Iterable[Sequence[object]]

STAGE_READ = "Đọc tệp"
STAGE_CHECK = "Kiểm tra"
STAGE_WRITE = "Ghi dữ liệu"


class FileRejected(Exception):
    """The file as a whole cannot be read (format, size, encoding); the message is Vietnamese."""


@dataclass(frozen=True)
class RowError:
    """Một lỗi: dòng (như bảng tính đánh số, tiêu đề là dòng 1), cột, nội dung."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        if self.column:
            where += f", cột “{self.column}”"
        return f"{where}: {self.message}"


@dataclass
class RowChange:
    """What applying one row does (or would do): created, updated, transferred, status, unchanged."""

    row: int
    key: str
    name: str
    kinds: list[str]
    details: list[str] = field(default_factory=list)


CHANGE_LABELS = {
    "created": "Thêm mới",
    "updated": "Cập nhật thông tin",
    "transferred": "Chuyển sinh hoạt",
    "status": "Thay đổi tình trạng",
    "moved": "Điều chuyển trực thuộc",
    "unchanged": "Không thay đổi",
}


@dataclass
class ImportResult:
    """Kết quả nhập: the problems found, or what changed (or would change, for a dry run)."""

    kind: str
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CHANGE_LABELS, 0)
        for change in self.changes:
            for k in change.kinds:
                out[k] += 1
        return out

    def count_rows(self) -> list[tuple[str, int]]:
        """(label, count) for the kinds of change that occur, in a fixed order."""
        counts = self.counts()
        return [(label, counts[k]) for k, label in CHANGE_LABELS.items() if counts[k]]

    def report(self) -> str:
        """The Vietnamese text report printed by the CLI."""
        what = "đảng viên" if self.kind == "members" else "tổ chức"
        lines: list[str] = []
        if self.errors:
            lines.append(f"Có {len(self.errors)} lỗi; không có dữ liệu nào được thay đổi.")
            lines.extend(f"  - {e}" for e in self.errors)
        else:
            head = "Kiểm tra xong, không có lỗi" if self.dry_run else "Đã nhập xong"
            lines.append(f"{head}: {self.rows} dòng {what}.")
            lines.extend(f"  {label}: {n}" for label, n in self.count_rows())
            if self.dry_run:
                lines.append("Chưa ghi gì vào cơ sở dữ liệu (chế độ kiểm tra).")
        lines.extend(f"Lưu ý: {w}" for w in self.warnings)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportResult:
        data = dict(data)
        data["errors"] = [RowError(**e) for e in data.get("errors", [])]
        data["changes"] = [RowChange(**c) for c in data.get("changes", [])]
        return cls(**data)


class ImportAborted(Exception):
    """Raised inside the transaction to roll it back when applying a row fails."""


# --- reading -----------------------------------------------------------------------------------


def check_upload(name: str, size: int) -> None:
    """Reject what the web form must not accept: too large, or neither XLSX nor CSV."""
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        raise FileRejected(
            "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv (mã UTF-8). Với tệp .xls cũ, hãy mở bằng Excel và lưu lại dạng .xlsx."
        )
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            f"Tệp quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn là {MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if size == 0:
        raise FileRejected("Tệp rỗng.")


def _read_source(source: Source, filename: str | None) -> tuple[str, bytes] | list[Sequence[object]]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.name, path.read_bytes()
        except OSError as exc:
            raise FileRejected(f"Không mở được tệp {path}: {exc.strerror or exc}.") from exc
    if hasattr(source, "read"):
        data = source.read()
        name = filename or str(getattr(source, "name", "") or "")
        return name, data if isinstance(data, bytes) else str(data).encode("utf-8")
    return [list(row) for row in source]


def _xlsx_rows(data: bytes) -> list[Sequence[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRejected("Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx.") from exc
    try:
        sheets = [ws for ws in wb.worksheets if ws.title.strip() != GUIDE_SHEET] or wb.worksheets
        ws = sheets[0]
        # Some programs write a wrong sheet dimension; read what is really there.
        ws.reset_dimensions()
        return [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()


def _csv_rows(data: bytes) -> list[Sequence[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"Tệp CSV không dùng bảng mã UTF-8 (byte không hợp lệ ở dòng {line}); có thể tệp được lưu bằng "
            "bảng mã cũ Windows-1258 hoặc TCVN3 (ABC). Hãy mở tệp bằng Excel rồi lưu lại dạng "
            "“CSV UTF-8 (Comma delimited)”, hoặc dùng tệp mẫu .xlsx. Không có dữ liệu nào được nhập."
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [[_unquote(v) for v in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


# A CSV cell starting with one of these is run as a formula by Excel/LibreOffice when the file is opened
# (CSV injection): exports write such text with a leading apostrophe (``csv_quote``), and reading a CSV
# takes it off again (``_unquote``). Text starting with an apostrophe gets one too, so nothing is lost.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_QUOTED = tuple("'" + c for c in FORMULA_STARTS)


def csv_quote(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _unquote(value: str) -> str:
    return value[1:] if value.startswith(_QUOTED) else value


def read_rows(source: Source, filename: str | None = None) -> list[Sequence[object]]:
    """All rows of the file, header included (index 0 is spreadsheet row 1).

    ``source`` is a path, a binary file object (its name tells XLSX from CSV) or rows already read.
    """
    raw = _read_source(source, filename)
    if isinstance(raw, list):
        return raw
    name, data = raw
    lower = name.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        return _xlsx_rows(data)
    if lower.endswith(".csv") or not lower:
        return _csv_rows(data)
    raise FileRejected("Chỉ nhận tệp Excel .xlsx hoặc tệp .csv (mã UTF-8).")


def _norm_header(value: object) -> str:
    return fold(unicodedata.normalize("NFC", str(value or "")))


@dataclass
class Table:
    """Rows keyed by column header, each with its spreadsheet row number."""

    rows: list[tuple[int, dict[str, object]]]
    errors: list[RowError]
    warnings: list[str]


def to_table(raw: list[Sequence[object]], columns: Sequence[str], required_columns: Sequence[str]) -> Table:
    """Map the header row to the template's columns; skip blank rows."""
    errors: list[RowError] = []
    warnings: list[str] = []
    if not raw:
        return Table([], [RowError(1, "", "Tệp không có dòng tiêu đề.")], [])
    header = [_norm_header(h) for h in raw[0]]
    wanted = {_norm_header(c): c for c in columns}
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        if h in wanted:
            if wanted[h] in positions:
                errors.append(RowError(1, wanted[h], "Cột bị lặp lại trong dòng tiêu đề."))
            positions[wanted[h]] = i
        else:
            warnings.append(f"Cột “{raw[0][i]}” không có trong mẫu nên được bỏ qua.")
    for col in required_columns:
        if col not in positions:
            errors.append(RowError(1, col, "Thiếu cột này trong dòng tiêu đề (xem tệp mẫu)."))
    rows: list[tuple[int, dict[str, object]]] = []
    for number, values in enumerate(raw[1:], start=2):
        row = {col: (values[i] if i < len(values) else None) for col, i in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
            continue
        rows.append((number, row))
    if not rows and not errors:
        errors.append(RowError(0, "", "Tệp không có dòng dữ liệu nào (ngoài dòng tiêu đề)."))
    return Table(rows, errors, warnings)


# --- cell values -------------------------------------------------------------------------------

# TCVN3 (ABC) text read as Windows-1252 shows these characters, which Vietnamese text never contains.
_TCVN3_TELLTALES = set("¨©ª«®¸µ¶·¹»¼½¾ÆÇÊËÌÎÏÐÑ×ØÜÝÞ¡¢£¤¥§")


def text_problem(value: str) -> str | None:
    """A Vietnamese message when ``value`` looks like text in a legacy encoding, else None."""
    if "\ufffd" in value:
        return "Văn bản có ký tự không đọc được (�); hãy lưu tệp bằng bảng mã UTF-8."
    if any(ord(ch) > 127 for ch in value):
        # UTF-8 bytes that some program decoded as Windows-1252 ("Tá»• dÃ¢n" for "Tổ dân").
        try:
            repaired = value.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            repaired = None
        if repaired and repaired != value:
            return f"Văn bản bị lỗi mã hóa (có lẽ là “{repaired}”); hãy lưu tệp bằng bảng mã UTF-8."
    if any(ch in _TCVN3_TELLTALES for ch in value):
        return "Văn bản có ký tự lạ, có thể đang dùng bảng mã TCVN3 (ABC) hoặc VNI; hãy chuyển sang Unicode."
    return None


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, Unicode NFC, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return format_vn_date(value if isinstance(value, dt.date) else value.date())
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


class RowReader:
    """Reads the cells of one row, recording a (row, column, message) problem for each bad cell."""

    def __init__(self, number: int, row: dict[str, object], errors: list[RowError]) -> None:
        self.number = number
        self.row = row
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 255) -> str:
        value = cell_text(self.row.get(column))
        if not value:
            if required:
                self.error(column, "Không được để trống.")
            return ""
        problem = text_problem(value)
        if problem:
            self.error(column, problem)
        elif len(value) > max_length:
            self.error(column, f"Dài quá {max_length} ký tự.")
        return value

    def date(self, column: str, *, required: bool = False, today: dt.date | None = None) -> dt.date | None:
        value = self.row.get(column)
        try:
            day = parse_vn_date(cell_text(value) if not isinstance(value, dt.date) else value)
        except ValueError as exc:
            self.error(column, f"{exc}.")
            return None
        if day is None:
            if required:
                self.error(column, "Không được để trống.")
            return None
        if today is not None and day > today:
            self.error(column, f"Ngày {format_vn_date(day)} ở tương lai.")
            return None
        return day

    def choice(
        self, column: str, choices: Iterable[tuple[str, str]], *, required: bool = False
    ) -> str | None:
        """The value whose label matches the cell (ignoring case and diacritics)."""
        raw = cell_text(self.row.get(column))
        if not raw:
            if required:
                self.error(column, "Không được để trống.")
            return None
        choices = list(choices)
        by_label = {fold(label): value for value, label in choices}
        if fold(raw) in by_label:
            return by_label[fold(raw)]
        allowed = ", ".join(f"“{label}”" for _, label in choices)
        self.error(column, f"Giá trị “{raw}” không hợp lệ; chỉ nhận: {allowed}.")
        return None


def report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done == total or done % 50 == 0):
        progress(stage, done, total)


def commit_rows(apply: Callable[[], None], result: ImportResult) -> ImportResult:
    """Write in one transaction: a row error found while writing rolls the whole import back."""
    try:
        with transaction.atomic():
            apply()
            if result.errors:
                raise ImportAborted
    except ImportAborted:
        result.changes = []
        return result
    result.committed = True
    return result
