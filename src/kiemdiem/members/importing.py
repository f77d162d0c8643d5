"""Nhập danh sách đảng viên từ tệp XLSX/CSV.

``import_members`` validates every row first and writes nothing unless the whole file is valid; then
it applies the rows in one transaction through the services that keep history: a changed cell is a
transfer (``transfer_member``), a changed status goes through ``set_activity_status``, a new member gets
its first ``Membership`` and ``StatusPeriod``. A re-import updates members by card number, so importing
what ``exporting.write_members`` wrote changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

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
    cell_text,
    commit_rows,
    read_rows,
    report_progress,
    to_table,
)
from kiemdiem.lib.vietnamese import fold
from kiemdiem.members.organization_import import IMPORT_REASON, orgs_by_code
from kiemdiem.organizations.models import Organization

from .models import ActivityStatus, Gender, Member, Membership, StatusPeriod
from .services import set_activity_status, start_history, transfer_member
from .validators import normalize_card_number, validate_card_number, validate_citizen_id

CARD = "Số thẻ đảng viên"
NAME = "Họ và tên"
GENDER = "Giới tính"
BORN = "Ngày sinh"
ADMITTED = "Ngày vào Đảng"
OFFICIAL = "Ngày chính thức"
CELL = "Mã chi bộ"
STATUS = "Tình trạng"
ADDRESS = "Nơi cư trú"
RESIDENCE_CELL = "Mã chi bộ nơi cư trú"
WORKPLACE = "Nơi làm việc"
CITIZEN_ID = "Số CCCD"

MEMBER_COLUMNS = (
    CARD,
    NAME,
    GENDER,
    BORN,
    ADMITTED,
    OFFICIAL,
    CELL,
    STATUS,
    ADDRESS,
    RESIDENCE_CELL,
    WORKPLACE,
    CITIZEN_ID,
)
REQUIRED_COLUMNS = (CARD, NAME, GENDER, BORN, ADMITTED, CELL, STATUS)
# Model field -> column, to report model validation errors in the right column.
FIELD_COLUMNS = {
    "card_number": CARD,
    "full_name": NAME,
    "gender": GENDER,
    "date_of_birth": BORN,
    "admitted_on": ADMITTED,
    "official_on": OFFICIAL,
    "cell": CELL,
    "activity_status": STATUS,
    "residence_address": ADDRESS,
    "residence_cell": RESIDENCE_CELL,
    "workplace": WORKPLACE,
    "citizen_id": CITIZEN_ID,
}
_BATCH = 500


@dataclass
class _MemberRow:
    number: int
    card: str
    values: dict[str, object]
    cell: Organization
    status: str
    existing: Member | None = None


def _digits(value: object, width: int) -> str:
    """Card and citizen ID numbers: Excel stores numbers typed into a cell without their leading zeros."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cell_text(value).zfill(width)
    return normalize_card_number(cell_text(value))


def _adult_on(born: dt.date, day: dt.date) -> bool:
    try:
        eighteenth = born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = dt.date(born.year + 18, 3, 1)
    return day >= eighteenth


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]


def import_members(
    source: Source,
    *,
    scope_orgs: Iterable[Organization] | None,
    dry_run: bool = False,
    progress: Progress | None = None,
    filename: str | None = None,
) -> ImportResult:
    """Nhập đảng viên. All-or-nothing: any error leaves the database as it was.

    ``source``: a path, a binary file object (XLSX or CSV, told apart by name and content) or rows
    (the first being the header). ``scope_orgs``: the organizations the importer manages
    (``scope.manageable_organizations()``); ``None`` means the whole database (the CLI).
    """
    result = ImportResult(kind="members", dry_run=dry_run)
    try:
        report_progress(progress, STAGE_READ, 0, 1)
        table = to_table(read_rows(source, filename), MEMBER_COLUMNS, REQUIRED_COLUMNS)
    except FileRejected as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    report_progress(progress, STAGE_READ, 1, 1)
    result.rows = len(table.rows)
    result.errors.extend(table.errors)
    result.warnings.extend(table.warnings)
    if result.errors:
        return result
    scope = None if scope_orgs is None else {o.pk for o in scope_orgs}
    rows = _validate(table.rows, scope, result.errors, progress)
    result.errors.sort(key=lambda e: e.row)
    if result.errors:
        return result
    result.changes = [_change(r) for r in rows]
    if dry_run:
        return result
    return commit_rows(lambda: _apply(rows, result, progress), result)


def _validate(
    table_rows: list[tuple[int, dict[str, object]]],
    scope: set[int] | None,
    errors: list[RowError],
    progress: Progress | None,
) -> list[_MemberRow]:
    day = today()
    cards = [_digits(raw.get(CARD), 8) for _, raw in table_rows]
    existing: dict[str, Member] = {}
    for chunk in _chunks([c for c in cards if c]):
        for m in Member.objects.filter(card_number__in=chunk).select_related("cell", "residence_cell"):
            existing[m.card_number] = m
    codes = [cell_text(raw.get(col)) for _, raw in table_rows for col in (CELL, RESIDENCE_CELL)]
    orgs = orgs_by_code(codes)
    ids = [_digits(raw.get(CITIZEN_ID), 12) for _, raw in table_rows]
    id_owner: dict[str, str] = {}
    for chunk in _chunks([i for i in ids if i]):
        id_owner.update(Member.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "card_number"))
    open_membership: dict[int, dt.date | None] = {}
    open_status: dict[int, dt.date | None] = {}
    member_ids = [m.pk for m in existing.values()]
    for i in range(0, len(member_ids), _BATCH):
        chunk_ids = member_ids[i : i + _BATCH]
        periods = Membership.objects.filter(member_id__in=chunk_ids, end__isnull=True)
        open_membership.update(periods.values_list("member_id", "start"))
        statuses_now = StatusPeriod.objects.filter(member_id__in=chunk_ids, end__isnull=True)
        open_status.update(statuses_now.values_list("member_id", "start"))

    genders = [(g.value, g.label) for g in Gender]
    statuses = [(s.value, s.label) for s in ActivityStatus]
    seen_cards: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    rows: list[_MemberRow] = []
    for i, (number, raw) in enumerate(table_rows, start=1):
        r = RowReader(number, raw, errors)
        before = len(errors)
        card = _digits(raw.get(CARD), 8)
        if not card:
            r.error(CARD, "Không được để trống.")
        else:
            try:
                validate_card_number(card)
            except ValidationError as exc:
                hint = (
                    " (có thể Excel đã bỏ mất số 0 ở đầu; hãy định dạng cột là văn bản)"
                    if len(card) == 7
                    else ""
                )
                r.error(CARD, f"“{cell_text(raw.get(CARD))}”: {exc.messages[0]}{hint}")
            if card in seen_cards:
                r.error(CARD, f"Số thẻ {card} trùng với dòng {seen_cards[card]}.")
            seen_cards.setdefault(card, number)
        name = r.text(NAME, required=True, max_length=120)
        gender = r.choice(GENDER, genders, required=True)
        born = r.date(BORN, required=True, today=day)
        admitted = r.date(ADMITTED, required=True, today=day)
        official = r.date(OFFICIAL, today=day)
        if born and admitted:
            if admitted <= born:
                r.error(ADMITTED, "Ngày vào Đảng phải sau ngày sinh.")
            elif not _adult_on(born, admitted):
                r.error(ADMITTED, "Ngày vào Đảng phải khi đã đủ 18 tuổi.")
        if admitted and official and official <= admitted:
            r.error(OFFICIAL, "Ngày chính thức phải sau ngày vào Đảng.")
        status = r.choice(STATUS, statuses, required=True)
        address = r.text(ADDRESS)
        workplace = r.text(WORKPLACE)
        citizen_id = _digits(raw.get(CITIZEN_ID), 12)
        if citizen_id:
            try:
                validate_citizen_id(citizen_id)
            except ValidationError as exc:
                r.error(CITIZEN_ID, f"“{citizen_id}”: {exc.messages[0]}")
            if citizen_id in seen_ids:
                r.error(CITIZEN_ID, f"Số CCCD {citizen_id} trùng với dòng {seen_ids[citizen_id]}.")
            elif id_owner.get(citizen_id, card) != card:
                r.error(CITIZEN_ID, f"Số CCCD {citizen_id} đã được dùng cho đảng viên có số thẻ khác.")
            seen_ids.setdefault(citizen_id, number)

        member = existing.get(card)
        if member is not None:
            if scope is not None and member.cell_id not in scope:
                r.error(CARD, f"Số thẻ {card} thuộc một đảng viên ngoài phạm vi quản lý của bạn.")
                continue
            if (
                name
                and born
                and fold(name) != fold(member.full_name)
                and born != member.date_of_birth
                and not any(e.column == CARD for e in errors[before:])
            ):
                r.error(
                    CARD,
                    f"Số thẻ {card} đã thuộc đảng viên “{member.full_name}” (sinh {format_vn_date(member.date_of_birth)}); "
                    "cả họ tên và ngày sinh đều khác, hãy kiểm tra lại số thẻ.",
                )

        cell = _cell(r, CELL, orgs, scope, member.cell_id if member else None, required=True, day=day)
        residence = _cell(
            r,
            RESIDENCE_CELL,
            orgs,
            scope,
            member.residence_cell_id if member else None,
            required=False,
            day=day,
        )
        if member is not None and cell is not None and cell.pk != member.cell_id:
            start = open_membership.get(member.pk)
            if start and start >= day:
                r.error(
                    CELL,
                    f"Đảng viên vừa chuyển sinh hoạt ngày {format_vn_date(start)}; không thể chuyển tiếp hôm nay.",
                )
        if member is not None and status and status != member.activity_status:
            start = open_status.get(member.pk)
            if start and start >= day:
                r.error(
                    STATUS,
                    f"Tình trạng vừa thay đổi ngày {format_vn_date(start)}; không thể thay đổi tiếp hôm nay.",
                )

        if len(errors) == before and cell is not None and status:
            values: dict[str, object] = {
                "full_name": name,
                "gender": gender,
                "date_of_birth": born,
                "admitted_on": admitted,
                "official_on": official,
                "residence_address": address,
                "residence_cell": residence,
                "workplace": workplace,
                "citizen_id": citizen_id,
            }
            # The model's own rules (lengths, validators, clean()); uniqueness was checked above in bulk.
            probe = Member(card_number=card, cell=cell, activity_status=status, **values)
            try:
                probe.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for fld, messages in exc.message_dict.items():
                    for msg in messages:
                        r.error(FIELD_COLUMNS.get(fld, ""), msg)
            rows.append(_MemberRow(number, card, values, cell, status, member))
        report_progress(progress, STAGE_CHECK, i, len(table_rows))
    return rows


def _cell(
    r: RowReader,
    column: str,
    orgs: dict[str, Organization],
    scope: set[int] | None,
    current_id: int | None,
    *,
    required: bool,
    day: dt.date,
) -> Organization | None:
    """The cell named by ``column``; the member's current value is always accepted unchanged."""
    code = r.text(column, required=required, max_length=40)
    if not code:
        return None
    org = orgs.get(code.upper())
    if org is None:
        r.error(column, f"Không có chi bộ mã “{code}”.")
        return None
    if org.pk == current_id:
        return org
    if not org.is_cell:
        r.error(column, f"“{org.code}” ({org.name}) không phải là chi bộ.")
    elif scope is not None and org.pk not in scope:
        r.error(column, f"Chi bộ “{org.code}” nằm ngoài phạm vi quản lý của bạn.")
    elif not org.is_active_on(day):
        r.error(column, f"Chi bộ “{org.code}” ({org.name}) đã kết thúc hoạt động.")
    else:
        return org
    return None


def _change(r: _MemberRow) -> RowChange:
    name = str(r.values["full_name"])
    m = r.existing
    if m is None:
        return RowChange(r.number, r.card, name, ["created"])
    kinds: list[str] = []
    details: list[str] = []
    for fld, column in FIELD_COLUMNS.items():
        if fld in ("card_number", "cell", "activity_status"):
            continue
        old, new = getattr(m, fld), r.values[fld]
        if old != new:
            details.append(f"{column}: {_show(old) or '—'} → {_show(new) or '—'}")
    if details:
        kinds.append("updated")
    if r.cell.pk != m.cell_id:
        kinds.append("transferred")
        details.append(f"{CELL}: {m.cell.code} → {r.cell.code}")
    if r.status != m.activity_status:
        kinds.append("status")
        details.append(f"{STATUS}: {m.get_activity_status_display()} → {ActivityStatus(r.status).label}")
    return RowChange(r.number, r.card, name, kinds or ["unchanged"], details)


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return format_vn_date(value)
    if isinstance(value, Organization):
        return value.code
    if value in Gender.values:
        return Gender(value).label
    return str(value or "")


def _apply(rows: list[_MemberRow], result: ImportResult, progress: Progress | None) -> None:
    day = today()
    reason = f"{IMPORT_REASON} ngày {format_vn_date(day)}"
    for i, r in enumerate(rows, start=1):
        try:
            if r.existing is None:
                _create(r)
            else:
                _update(r, day, reason)
        except ValidationError as exc:
            for fld, messages in (
                exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            ).items():
                for msg in messages:
                    result.errors.append(RowError(r.number, FIELD_COLUMNS.get(fld, ""), msg))
        report_progress(progress, STAGE_WRITE, i, len(rows))


def _create(r: _MemberRow) -> None:
    active = r.status == ActivityStatus.ACTIVE
    member = Member(card_number=r.card, cell=r.cell, activity_status=r.status, **r.values)
    if not active:
        member.activity_status_reason = f"{IMPORT_REASON} (chưa rõ ngày bắt đầu)"
    member.full_clean(validate_unique=False, validate_constraints=False)
    member.save()
    # The file does not say since when a member is exempt, suspended, deceased…: that period has no start.
    start_history(member, r.status, reason=IMPORT_REASON, status_reason=member.activity_status_reason)


def _update(r: _MemberRow, day: dt.date, reason: str) -> None:
    member = r.existing
    assert member is not None
    changed = [f for f, v in r.values.items() if getattr(member, f) != v]
    if changed:
        for f in changed:
            setattr(member, f, r.values[f])
        member.full_clean(validate_unique=False, validate_constraints=False)
        update = [f for f in changed if f != "full_name"] + (
            ["full_name", "search_name", "sort_key"] if "full_name" in changed else []
        )
        member.save(update_fields=[*update, "updated_at"])
    if r.cell.pk != member.cell_id:
        transfer_member(member, r.cell, day, reason)
    if r.status != member.activity_status:
        set_activity_status(member, r.status, day, reason)
