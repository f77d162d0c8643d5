"""Reorganisations that keep history: merges, splits and moves of organizations.

Members of a closed organization are transferred with a membership period, so that a review of year Y
still finds each member in the cell he/she belonged to in year Y.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import EventKind, Organization, OrganizationEvent, ParentPeriod


def _close(org: Organization, day: dt.date) -> None:
    org.active_to = day - dt.timedelta(days=1)
    org.save(update_fields=["active_to"])
    org.parent_periods.filter(end__isnull=True).update(end=org.active_to)


def _transfer_members(source: Organization, target: Organization, day: dt.date, reason: str) -> int:
    from kiemdiem.members.models import Member
    from kiemdiem.members.services import transfer_member

    moved = 0
    for member in Member.objects.filter(cell=source):
        transfer_member(member, target, day, reason)
        moved += 1
    return moved


@transaction.atomic
def merge_organizations(
    sources: Iterable[Organization], target: Organization, day: dt.date, reason: str, decision: str = ""
) -> OrganizationEvent:
    """Hợp nhất: the sources close the day before ``day``; their members and sub-organizations pass to ``target``."""
    sources = list(sources)
    if not reason.strip():
        raise ValidationError("Cần ghi lý do hợp nhất.")
    if any(s.pk == target.pk for s in sources) or not sources:
        raise ValidationError("Tổ chức nhận hợp nhất phải khác các tổ chức bị hợp nhất.")
    if target.is_cell and any(not s.is_cell for s in sources):
        raise ValidationError("Chỉ có thể hợp nhất chi bộ vào chi bộ.")
    event = OrganizationEvent.objects.create(
        kind=EventKind.MERGED, date=day, reason=reason, decision=decision
    )
    event.sources.set(sources)
    event.targets.set([target])
    for source in sources:
        if source.is_cell:
            _transfer_members(source, target, day, f"Hợp nhất: {reason}")
        for child in source.children.filter(active_to__isnull=True):
            move_organization(child, target, day, f"Hợp nhất: {reason}", record_event=False)
        _close(source, day)
    return event


@transaction.atomic
def split_organization(
    source: Organization, parts: dict[Organization, list[int]], day: dt.date, reason: str, decision: str = ""
) -> OrganizationEvent:
    """Chia tách: each part receives the listed member ids; every member must go somewhere."""
    from kiemdiem.members.models import Member
    from kiemdiem.members.services import transfer_member

    if not reason.strip():
        raise ValidationError("Cần ghi lý do chia tách.")
    assigned = [mid for ids in parts.values() for mid in ids]
    current = set(Member.objects.filter(cell=source).values_list("pk", flat=True))
    if len(assigned) != len(set(assigned)) or set(assigned) != current:
        raise ValidationError(
            "Mỗi đảng viên của chi bộ bị chia tách phải được chuyển đến đúng một chi bộ mới."
        )
    event = OrganizationEvent.objects.create(kind=EventKind.SPLIT, date=day, reason=reason, decision=decision)
    event.sources.set([source])
    event.targets.set(list(parts))
    for target, ids in parts.items():
        for member in Member.objects.filter(pk__in=ids):
            transfer_member(member, target, day, f"Chia tách: {reason}")
    _close(source, day)
    return event


@transaction.atomic
def move_organization(
    org: Organization, new_parent: Organization, day: dt.date, reason: str, record_event: bool = True
) -> None:
    """Điều chuyển trực thuộc: ``org`` is under ``new_parent`` from ``day``."""
    if new_parent.is_cell:
        raise ValidationError("Không thể đặt tổ chức trực thuộc một chi bộ.")
    if new_parent.path.startswith(org.path):
        raise ValidationError("Không thể đặt tổ chức trực thuộc chính nó hoặc cấp dưới của nó.")
    org.parent_periods.filter(end__isnull=True).update(end=day - dt.timedelta(days=1))
    ParentPeriod.objects.create(organization=org, parent=new_parent, start=day)
    org.parent = new_parent
    org.save()
    if record_event:
        event = OrganizationEvent.objects.create(kind=EventKind.MOVED, date=day, reason=reason)
        event.sources.set([org])
        event.targets.set([new_parent])


def create_organization(parent: Organization | None, day: dt.date | None = None, **fields) -> Organization:  # type: ignore[no-untyped-def]
    """Create an organization with its first parent period."""
    org = Organization(parent=parent, active_from=day, **fields)
    org.full_clean(exclude=["path"])
    org.save()
    if parent is not None:
        ParentPeriod.objects.create(organization=org, parent=parent, start=day)
    return org
