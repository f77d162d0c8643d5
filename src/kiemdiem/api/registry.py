"""Changes to the member registry requested through the API: create a member, edit a member.

Each call is all-or-nothing: the fields are checked with the model's ``full_clean()``, a change of
cell goes through ``transfer_member`` and a change of activity status through
``set_activity_status``, so history periods are kept exactly as the web UI and the import keep them.
Problems are raised as one ``ValidationError`` keyed by the names of the API's input fields.

Which organizations the caller may write to is decided by the caller's ``Scope`` and passed in as
``manageable`` (``scope.manageable_organizations()``); nothing here looks at roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from kiemdiem.members.models import ActivityStatus, Member
from kiemdiem.members.services import set_activity_status, start_history, transfer_member
from kiemdiem.members.validators import normalize_card_number
from kiemdiem.organizations.models import Organization

from .errors import NON_FIELD, django_errors

# Plain fields copied onto the model as they are.
TEXT_FIELDS = ("card_number", "full_name", "gender", "residence_address", "workplace", "citizen_id")
DATE_FIELDS = ("date_of_birth", "admitted_on")
NULLABLE_FIELDS = ("official_on",)
# Model field -> API input field, for the error messages of full_clean().
INPUT_NAMES = {"cell": "cell_id", "residence_cell": "residence_cell_id"}

CELL_OUT_OF_REACH = "Chi bộ không tồn tại hoặc nằm ngoài phạm vi bạn quản lý."
RESIDENCE_CELL_UNKNOWN = "Chi bộ nơi cư trú không tồn tại (cần mã số của một chi bộ)."
NOT_NULL = "Không được để trống (null)."
CITIZEN_ID_TAKEN = "Số CCCD này đã được dùng cho một đảng viên khác."
DUPLICATE = "Dữ liệu trùng với một đảng viên khác (số thẻ đảng viên hoặc số CCCD)."
STATUS_DATE_REQUIRED = "Cần ghi ngày bắt đầu tình trạng (activity_status_since)."
ONLY_WITH_STATUS = "Chỉ dùng khi đổi tình trạng sinh hoạt (kèm activity_status)."
TRANSFER_DATE_REQUIRED = "Cần ghi ngày chuyển sinh hoạt (transfer_date)."
TRANSFER_REASON_REQUIRED = "Cần ghi lý do chuyển sinh hoạt (reason)."
ONLY_WITH_TRANSFER = "Chỉ dùng khi chuyển sinh hoạt (kèm cell_id)."

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _find_cell(organizations: QuerySet[Organization], pk: int) -> Organization | None:
    org = organizations.filter(pk=pk).first()
    return org if org is not None and org.is_cell else None


def _check_model(member: Member, errors: Errors, exclude: list[str]) -> None:
    """``full_clean()`` of the member, with a clear message for a citizen ID already in use."""
    # Member.clean() normalizes "01.234567" too, but only after the field checks have refused its length.
    member.card_number = normalize_card_number(member.card_number)
    try:
        # The conditional unique constraint on citizen_id only has a generic message: checked below.
        member.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in django_errors(exc, INPUT_NAMES).items():
            for message in messages:
                _add(errors, field, message)
    if (
        member.citizen_id
        and Member.objects.filter(citizen_id=member.citizen_id).exclude(pk=member.pk).exists()
    ):
        _add(errors, "citizen_id", CITIZEN_ID_TAKEN)


def _save(member: Member, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            member.save(**kwargs)
    except IntegrityError as exc:  # a concurrent write took the same card number or citizen ID
        raise ValidationError({NON_FIELD: [DUPLICATE]}) from exc


def _run(field: str, action: Callable[[], object], errors: Errors) -> None:
    """Run a domain service; its refusal becomes an error on ``field``."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, field, message)


@transaction.atomic
def create_member(data: Mapping[str, Any], *, manageable: QuerySet[Organization]) -> Member:
    """Thêm đảng viên: the member row, the first period in the cell and the activity status history."""
    errors: Errors = {}
    cell = _find_cell(manageable, data["cell_id"])
    if cell is None:
        _add(errors, "cell_id", CELL_OUT_OF_REACH)
    residence_cell = None
    if data.get("residence_cell_id") is not None:
        residence_cell = _find_cell(Organization.objects.all(), data["residence_cell_id"])
        if residence_cell is None:
            _add(errors, "residence_cell_id", RESIDENCE_CELL_UNKNOWN)
    member = Member(
        **{f: data[f] for f in (*TEXT_FIELDS, *DATE_FIELDS, *NULLABLE_FIELDS) if f in data},
        cell=cell,
        residence_cell=residence_cell,
    )
    _check_model(member, errors, exclude=["cell"] if cell is None else [])
    status = data.get("activity_status") or ActivityStatus.ACTIVE
    since: dt.date | None = data.get("activity_status_since")
    if status != ActivityStatus.ACTIVE and since is None:
        _add(errors, "activity_status_since", STATUS_DATE_REQUIRED)
    if errors:
        raise ValidationError(errors)

    _save(member)
    _run(
        "activity_status",
        lambda: start_history(
            member,
            status,
            joined_on=data.get("joined_on"),
            since=since,
            status_reason=data.get("activity_status_reason") or "",
        ),
        errors,
    )
    if errors:
        raise ValidationError(errors)  # rolls back the rows written above
    return member


@transaction.atomic
def update_member(member: Member, data: Mapping[str, Any], *, manageable: QuerySet[Organization]) -> Member:
    """Sửa hồ sơ đảng viên: only the fields in ``data``; a new cell or status keeps its history."""
    errors: Errors = {}
    for field in (*TEXT_FIELDS, *DATE_FIELDS, *NULLABLE_FIELDS):
        if field not in data:
            continue
        if data[field] is None and field not in NULLABLE_FIELDS:
            _add(errors, field, NOT_NULL)
        else:
            setattr(member, field, data[field])
    if "residence_cell_id" in data:
        if data["residence_cell_id"] is None:
            member.residence_cell = None
        else:
            residence_cell = _find_cell(Organization.objects.all(), data["residence_cell_id"])
            if residence_cell is None:
                _add(errors, "residence_cell_id", RESIDENCE_CELL_UNKNOWN)
            else:
                member.residence_cell = residence_cell

    target: Organization | None = None
    if "cell_id" in data:
        if data["cell_id"] is None:
            _add(errors, "cell_id", NOT_NULL)
        else:
            target = _find_cell(manageable, data["cell_id"])
            if target is None:
                _add(errors, "cell_id", CELL_OUT_OF_REACH)
        if not data.get("transfer_date"):
            _add(errors, "transfer_date", TRANSFER_DATE_REQUIRED)
        if not (data.get("reason") or "").strip():
            _add(errors, "reason", TRANSFER_REASON_REQUIRED)
    else:
        for field in ("transfer_date", "reason"):
            if field in data:
                _add(errors, field, ONLY_WITH_TRANSFER)

    new_status = data.get("activity_status")
    if "activity_status" in data:
        if new_status is None:
            _add(errors, "activity_status", NOT_NULL)
        if not data.get("activity_status_since"):
            _add(errors, "activity_status_since", STATUS_DATE_REQUIRED)
    else:
        for field in ("activity_status_since", "activity_status_reason"):
            if field in data:
                _add(errors, field, ONLY_WITH_STATUS)

    _check_model(member, errors, exclude=[])
    if errors:
        raise ValidationError(errors)

    _save(member)
    if target is not None:
        _run(
            "cell_id",
            lambda: transfer_member(member, target, data["transfer_date"], data["reason"].strip()),
            errors,
        )
    if new_status is not None:
        reason = (data.get("activity_status_reason") or "").strip()
        _run(
            "activity_status",
            lambda: set_activity_status(member, new_status, data["activity_status_since"], reason),
            errors,
        )
    if errors:
        raise ValidationError(errors)  # rolls back every change of this call
    return member
