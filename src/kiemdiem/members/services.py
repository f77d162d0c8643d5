"""A member's history: the rows of a new member, transfers between cells, changes of activity status."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemdiem.organizations.models import Organization

from .models import ActivityStatus, Member, Membership, StatusPeriod


@transaction.atomic
def start_history(
    member: Member,
    status: str = ActivityStatus.ACTIVE,
    *,
    joined_on: dt.date | None = None,
    reason: str = "",
    since: dt.date | None = None,
    status_reason: str = "",
) -> None:
    """The history rows of a member just saved (the API and the import both call this).

    The first period in the cell, from ``joined_on`` (default: the admission date). Then the status:
    active from admission; another status with ``since`` changes to it on that day
    (``set_activity_status``, which checks the reason); another status without ``since`` (a file that
    does not say since when) is one period with no start.
    """
    Membership.objects.create(
        member=member, organization=member.cell, start=joined_on or member.admitted_on, reason=reason
    )
    if status == ActivityStatus.ACTIVE or since is not None:
        StatusPeriod.objects.create(member=member, status=ActivityStatus.ACTIVE, start=member.admitted_on)
        if status != ActivityStatus.ACTIVE:
            assert since is not None
            set_activity_status(member, status, since, status_reason)
    else:
        StatusPeriod.objects.create(member=member, status=status, start=None, reason=status_reason)


@transaction.atomic
def transfer_member(member: Member, to_cell: Organization, day: dt.date, reason: str = "") -> Membership:
    """Chuyển sinh hoạt: close the current membership the day before ``day``, open one in ``to_cell``."""
    if not to_cell.is_cell:
        raise ValidationError("Chỉ chuyển đảng viên đến một chi bộ.")
    if to_cell.pk == member.cell_id:
        raise ValidationError("Đảng viên đã sinh hoạt tại chi bộ này.")
    if not to_cell.is_active_on(day):
        raise ValidationError(f"Chi bộ {to_cell.name} không hoạt động vào ngày {day:%d/%m/%Y}.")
    current = member.memberships.filter(end__isnull=True).first()
    if current:
        if current.start and current.start >= day:
            raise ValidationError("Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại.")
        current.end = day - dt.timedelta(days=1)
        current.save(update_fields=["end"])
    membership = Membership.objects.create(member=member, organization=to_cell, start=day, reason=reason)
    member.cell = to_cell
    member.save(update_fields=["cell", "updated_at"])
    return membership


@transaction.atomic
def set_activity_status(member: Member, status: str, day: dt.date, reason: str = "") -> StatusPeriod:
    """Record a change of activity status (miễn sinh hoạt, đình chỉ, chuyển đi…) from ``day``."""
    if status not in ActivityStatus.values:
        raise ValidationError("Tình trạng không hợp lệ.")
    if status in (ActivityStatus.EXEMPT, ActivityStatus.SUSPENDED) and not reason.strip():
        raise ValidationError("Cần ghi lý do miễn hoặc đình chỉ sinh hoạt.")
    current = member.status_periods.filter(end__isnull=True).first()
    if current:
        if current.status == status:
            raise ValidationError("Tình trạng không thay đổi.")
        if current.start and current.start >= day:
            raise ValidationError("Ngày thay đổi phải sau ngày bắt đầu tình trạng hiện tại.")
        current.end = day - dt.timedelta(days=1)
        current.save(update_fields=["end"])
    period = StatusPeriod.objects.create(member=member, status=status, start=day, reason=reason)
    member.activity_status = status
    member.activity_status_since = day
    member.activity_status_reason = reason
    member.save(
        update_fields=["activity_status", "activity_status_since", "activity_status_reason", "updated_at"]
    )
    return period
