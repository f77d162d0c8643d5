"""Nhập cây tổ chức từ tệp XLSX/CSV (the reading is lib/spreadsheets.py).

Here, above the members, because an organization may be closed by the file only when no member is
still on its roll.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper

from kiemdiem.lib.dates import format_vn_date, today
from kiemdiem.lib.spreadsheets import (
    STAGE_CHECK,
    STAGE_READ,
    STAGE_WRITE,
    FileRejected,
    ImportResult,
    Progress,
    RowChange,
    RowError,
    RowReader,
    Source,
    commit_rows,
    read_rows,
    report_progress,
    to_table,
)
from kiemdiem.organizations.models import (
    CELL_KINDS,
    CellCategory,
    EventKind,
    Organization,
    OrganizationEvent,
    OrgKind,
    code_validator,
)
from kiemdiem.organizations.services import create_organization, move_organization

from .models import ON_ROLL

ORG_COLUMNS = (
    "Mã tổ chức",
    "Tên tổ chức",
    "Loại",
    "Loại hình chi bộ",
    "Mã tổ chức cấp trên",
    "Hoạt động từ",
    "Hoạt động đến",
)
ORG_REQUIRED_COLUMNS = ORG_COLUMNS[:3] + ("Mã tổ chức cấp trên",)
IMPORT_REASON = "Theo tệp nhập dữ liệu"


@dataclass
class _OrgRow:
    number: int
    code: str
    name: str
    kind: str
    category: str
    parent_code: str
    active_from: dt.date | None
    active_to: dt.date | None
    existing: Organization | None = None


def _scope_ids(scope_orgs: Iterable[Organization] | None) -> set[int] | None:
    if scope_orgs is None:
        return None
    return {o.pk for o in scope_orgs}


def import_organizations(
    source: Source,
    *,
    scope_orgs: Iterable[Organization] | None,
    dry_run: bool = False,
    progress: Progress | None = None,
    filename: str | None = None,
) -> ImportResult:
    """Nhập cây tổ chức. All-or-nothing; re-importing updates organizations by code.

    ``scope_orgs`` are the organizations the importer manages (``scope.manageable_organizations()``);
    ``None`` means the whole database (the CLI, run by the office that administers the server).
    """
    result = ImportResult(kind="organizations", dry_run=dry_run)
    try:
        report_progress(progress, STAGE_READ, 0, 1)
        table = to_table(read_rows(source, filename), ORG_COLUMNS, ORG_REQUIRED_COLUMNS)
    except FileRejected as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    report_progress(progress, STAGE_READ, 1, 1)
    result.rows = len(table.rows)
    result.errors.extend(table.errors)
    result.warnings.extend(table.warnings)
    if result.errors:
        return result
    rows = _validate_org_rows(table.rows, _scope_ids(scope_orgs), result.errors, progress)
    result.errors.sort(key=lambda e: e.row)
    result.changes = [_org_change(r) for r in rows]
    if result.errors or dry_run:
        result.changes = [] if result.errors else result.changes
        return result
    return commit_rows(lambda: _apply_org_rows(rows, result, progress), result)


def _validate_org_rows(
    table_rows: list[tuple[int, dict[str, object]]],
    scope: set[int] | None,
    errors: list[RowError],
    progress: Progress | None,
) -> list[_OrgRow]:
    kinds = [(k.value, k.label) for k in OrgKind]
    categories = [(c.value, c.label) for c in CellCategory]
    rows: list[_OrgRow] = []
    seen: dict[str, int] = {}
    day = today()
    for i, (number, raw) in enumerate(table_rows, start=1):
        reader = RowReader(number, raw, errors)
        code = reader.text("Mã tổ chức", required=True, max_length=40)
        if code:
            try:
                code_validator(code)
            except ValidationError as exc:
                reader.error("Mã tổ chức", exc.messages[0])
            if code.upper() in seen:
                reader.error("Mã tổ chức", f"Mã “{code}” trùng với dòng {seen[code.upper()]}.")
            seen.setdefault(code.upper(), number)
        name = reader.text("Tên tổ chức", required=True, max_length=200)
        kind = reader.choice("Loại", kinds, required=True) or ""
        category = reader.choice("Loại hình chi bộ", categories) or ""
        parent_code = reader.text("Mã tổ chức cấp trên", max_length=40)
        start = reader.date("Hoạt động từ")
        end = reader.date("Hoạt động đến")
        if start and end and end < start:
            reader.error("Hoạt động đến", "Ngày kết thúc hoạt động phải sau ngày bắt đầu.")
        if kind in CELL_KINDS and not category:
            reader.error("Loại hình chi bộ", "Chi bộ cần có loại hình (khu dân cư, cơ quan, trường học…).")
        if kind and kind not in CELL_KINDS and category:
            reader.error("Loại hình chi bộ", "Chỉ chi bộ mới có loại hình; hãy để trống với đảng bộ.")
        rows.append(_OrgRow(number, code, name, kind, category, parent_code, start, end))
        report_progress(progress, STAGE_CHECK, i, len(table_rows))

    known = orgs_by_code([r.code for r in rows if r.code] + [r.parent_code for r in rows if r.parent_code])
    in_file: dict[str, _OrgRow] = {}
    for r in rows:
        if r.code:
            in_file.setdefault(r.code.upper(), r)

    for r in rows:
        if not r.code:
            continue

        def err(col: str, msg: str, n: int = r.number) -> None:
            errors.append(RowError(n, col, msg))

        r.existing = known.get(r.code.upper())
        if r.existing is not None:
            if scope is not None and r.existing.pk not in scope:
                err("Mã tổ chức", f"Tổ chức “{r.existing.code}” nằm ngoài phạm vi quản lý của bạn.")
                continue
            if scope is not None and (r.existing.is_read_only or r.kind == OrgKind.HIGHER):
                err("Loại", "Không thể sửa đảng bộ cấp trên.")
            if r.existing.is_cell and r.kind and r.kind not in CELL_KINDS and r.existing.members.exists():
                err("Loại", "Chi bộ còn đảng viên, không thể đổi thành đảng bộ.")
            if r.active_to and r.existing.members.filter(activity_status__in=ON_ROLL).exists():
                err(
                    "Hoạt động đến",
                    "Chi bộ còn đảng viên đang sinh hoạt; hãy chuyển đảng viên trước khi kết thúc hoạt động.",
                )
        elif r.kind == OrgKind.HIGHER and scope is not None:
            err("Loại", "Văn phòng đảng ủy không tạo được đảng bộ cấp trên.")
        # The parent: in the file, or already in the database (within scope unless unchanged).
        if not r.parent_code:
            if scope is not None and not (r.existing is not None and r.existing.parent_id is None):
                err("Mã tổ chức cấp trên", "Không được để trống.")
            continue
        key = r.parent_code.upper()
        if key == r.code.upper():
            err("Mã tổ chức cấp trên", "Tổ chức không thể trực thuộc chính nó.")
            continue
        if key in in_file:
            parent_row = in_file[key]
            if parent_row.kind in CELL_KINDS:
                err("Mã tổ chức cấp trên", f"“{parent_row.code}” là chi bộ, không thể có tổ chức trực thuộc.")
            continue
        parent = known.get(key)
        if parent is None:
            err(
                "Mã tổ chức cấp trên",
                f"Không có tổ chức mã “{r.parent_code}” trong tệp hay trong cơ sở dữ liệu.",
            )
            continue
        unchanged = r.existing is not None and r.existing.parent_id == parent.pk
        if scope is not None and parent.pk not in scope and not unchanged:
            err("Mã tổ chức cấp trên", f"Tổ chức “{parent.code}” nằm ngoài phạm vi quản lý của bạn.")
        elif parent.is_cell:
            err("Mã tổ chức cấp trên", f"“{parent.code}” là chi bộ, không thể có tổ chức trực thuộc.")
        elif not unchanged and not parent.is_active_on(day):
            err("Mã tổ chức cấp trên", f"Tổ chức “{parent.code}” đã kết thúc hoạt động.")
    _check_tree([r for r in rows if r.code], errors)
    return rows


def orgs_by_code(codes: Iterable[str]) -> dict[str, Organization]:
    """Organizations by upper-cased code: people type codes in any case."""
    wanted = {c.upper() for c in codes if c}
    found: dict[str, Organization] = {}
    for org in (
        Organization.objects.annotate(ucode=Upper("code")).filter(ucode__in=wanted).select_related("parent")
    ):
        found[org.code.upper()] = org
    return found


def _check_tree(rows: list[_OrgRow], errors: list[RowError]) -> None:
    """The tree after the import: no cycles (through the file or the database), nothing under a cell."""
    in_file: dict[str, _OrgRow] = {}
    for r in rows:
        in_file.setdefault(r.code.upper(), r)
    db_parent: dict[str, str] = {}

    def parent_code(key: str) -> str:
        if key in in_file:
            return in_file[key].parent_code.upper()
        if key not in db_parent:
            org = (
                Organization.objects.annotate(ucode=Upper("code"))
                .filter(ucode=key)
                .select_related("parent")
                .first()
            )
            db_parent[key] = org.parent.code.upper() if org and org.parent_id and org.parent else ""
        return db_parent[key]

    for r in rows:
        seen = {r.code.upper()}
        key = r.parent_code.upper()
        if key == r.code.upper():
            continue  # reported already: "cannot be under itself"
        while key:
            if key in seen:
                errors.append(
                    RowError(r.number, "Mã tổ chức cấp trên", "Quan hệ trực thuộc tạo thành vòng lặp.")
                )
                break
            seen.add(key)
            key = parent_code(key)
        # Children kept from the database under an organization that becomes a cell.
        if r.existing is not None and r.kind in CELL_KINDS:
            for child in r.existing.children.filter(active_to__isnull=True):
                if parent_code(child.code.upper()) == r.code.upper():
                    errors.append(
                        RowError(
                            r.number,
                            "Loại",
                            f"Chi bộ không thể có tổ chức trực thuộc (đang có “{child.code}”).",
                        )
                    )
                    break


def _org_change(r: _OrgRow) -> RowChange:
    if r.existing is None:
        return RowChange(r.number, r.code, r.name, ["created"])
    o = r.existing
    kinds: list[str] = []
    details: list[str] = []
    parent_code = o.parent.code if o.parent_id and o.parent else ""
    if r.parent_code.upper() != parent_code.upper():
        kinds.append("moved")
        details.append(f"Cấp trên: {parent_code or '—'} → {r.parent_code}")
    for label, old, new in (
        ("Tên", o.name, r.name),
        ("Loại", o.get_kind_display(), OrgKind(r.kind).label if r.kind else ""),
        ("Loại hình", o.get_category_display(), CellCategory(r.category).label if r.category else ""),
        ("Hoạt động từ", format_vn_date(o.active_from), format_vn_date(r.active_from)),
        ("Hoạt động đến", format_vn_date(o.active_to), format_vn_date(r.active_to)),
    ):
        if old != new:
            details.append(f"{label}: {old or '—'} → {new or '—'}")
    if len(details) > len(kinds):
        kinds.append("updated")
    return RowChange(r.number, o.code, r.name, kinds or ["unchanged"], details)


def _depth(r: _OrgRow, by_code: dict[str, _OrgRow]) -> int:
    depth = 0
    key = r.parent_code.upper()
    while key in by_code and depth < len(by_code):
        depth += 1
        key = by_code[key].parent_code.upper()
    return depth


def _apply_org_rows(rows: list[_OrgRow], result: ImportResult, progress: Progress | None) -> None:
    by_code = {r.code.upper(): r for r in rows}
    ordered = sorted(rows, key=lambda r: _depth(r, by_code))
    day = today()
    resolved: dict[str, Organization] = {}

    def parent_for(r: _OrgRow) -> Organization | None:
        if not r.parent_code:
            return None
        key = r.parent_code.upper()
        if key in resolved:
            return resolved[key]
        return Organization.objects.get(code__iexact=r.parent_code)

    for i, r in enumerate(ordered, start=1):
        try:
            parent = parent_for(r)
            if r.existing is None:
                org = create_organization(
                    parent,
                    r.active_from,
                    code=r.code,
                    name=r.name,
                    kind=r.kind,
                    category=r.category,
                    active_to=r.active_to,
                )
                event = OrganizationEvent.objects.create(
                    kind=EventKind.CREATED, date=r.active_from or day, reason=IMPORT_REASON
                )
                event.targets.set([org])
            else:
                org = r.existing
                if org.name != r.name:
                    event = OrganizationEvent.objects.create(
                        kind=EventKind.RENAMED, date=day, reason=f"{IMPORT_REASON}: “{org.name}” → “{r.name}”"
                    )
                    event.sources.set([org])
                    event.targets.set([org])
                org.name, org.kind, org.category = r.name, r.kind, r.category
                org.active_from, org.active_to = r.active_from, r.active_to
                org.full_clean(exclude=["path", "parent"])
                org.save()
                if parent is not None and parent.pk != org.parent_id:
                    move_organization(org, parent, day, IMPORT_REASON)
            resolved[r.code.upper()] = org
        except ValidationError as exc:
            for msg in exc.messages:
                result.errors.append(RowError(r.number, "", msg))
        report_progress(progress, STAGE_WRITE, i, len(ordered))
