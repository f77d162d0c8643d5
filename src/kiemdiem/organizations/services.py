"""Changes of the organization tree that keep history: creation, moves, closure.

Merges and splits, which also transfer members, are in members/reorganize.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import EventKind, Organization, OrganizationEvent, ParentPeriod


def close_organization(org: Organization, day: dt.date) -> None:
    """The organization ends the day before ``day``; so do its current parent periods."""
    org.active_to = day - dt.timedelta(days=1)
    org.save(update_fields=["active_to"])
    org.parent_periods.filter(end__isnull=True).update(end=org.active_to)


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


def create_organization(parent: Organization | None, day: dt.date | None = None, **fields: Any) -> Organization:
    """Create an organization with its first parent period."""
    org = Organization(parent=parent, active_from=day, **fields)
    org.full_clean(exclude=["path"])
    org.save()
    if parent is not None:
        ParentPeriod.objects.create(organization=org, parent=parent, start=day)
    return org
