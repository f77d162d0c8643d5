"""Merges and splits of organizations: the members of a closed cell move with a membership period.

Here, above the members, because a reorganisation transfers members (``services.transfer_member``),
so that a review of year Y still finds each member in the cell he/she belonged to in year Y. Moves
and closures of organizations alone are in organizations/services.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemdiem.organizations.models import EventKind, Organization, OrganizationEvent
from kiemdiem.organizations.services import close_organization, move_organization

from .models import Member
from .services import transfer_member


def _transfer_members(source: Organization, target: Organization, day: dt.date, reason: str) -> int:
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
        close_organization(source, day)
    return event


@transaction.atomic
def split_organization(
    source: Organization, parts: dict[Organization, list[int]], day: dt.date, reason: str, decision: str = ""
) -> OrganizationEvent:
    """Chia tách: each part receives the listed member ids; every member must go somewhere."""
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
    close_organization(source, day)
    return event
