"""Tổ chức đảng: the tree in the caller's scope, as it was on a given day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.params.functions import Query

from kiemdiem.access.objects import scope_of
from kiemdiem.lib import dates
from kiemdiem.members.models import Membership, period_q
from kiemdiem.organizations.models import Organization, OrgKind, ParentPeriod

from .. import serialize
from ..auth import ApiRequest
from ..schemas import MemberOut, Message, OrganizationDetail, OrganizationList

router = Router(tags=["Tổ chức đảng"])

DATE_HELP = "Ngày (YYYY-MM-DD); mặc định: hôm nay."


def _parents_on(orgs: list[Organization], day: dt.date) -> dict[int, int | None]:
    """Which organization each one was directly under on ``day`` (current parent if no history)."""
    parents = {o.pk: o.parent_id for o in orgs}
    periods = ParentPeriod.objects.filter(period_q(day), organization__in=list(parents)).order_by("start")
    for org_id, parent_id in periods.values_list("organization_id", "parent_id"):
        parents[org_id] = parent_id
    return parents


def _member_counts(orgs: list[Organization], day: dt.date) -> dict[int, int]:
    rows = (
        Membership.objects.filter(period_q(day), organization__in=[o.pk for o in orgs])
        .values_list("organization")
        .annotate(n=Count("member", distinct=True))
        .order_by()
    )
    return dict(rows)


@router.get(
    "/organizations",
    response=OrganizationList,
    summary="Cây tổ chức đảng",
    description=(
        "Các tổ chức trong phạm vi của bạn đang hoạt động vào ngày `date`, theo thứ tự cây; "
        "`parent_id` là tổ chức trực thuộc vào ngày đó. Lọc theo loại bằng `kind`."
    ),
)
def list_organizations(
    request: ApiRequest,
    date: dt.date | None = Query(None, description=DATE_HELP),  # noqa: B008
    kind: OrgKind | None = Query(None, description="Loại tổ chức."),  # noqa: B008
) -> dict[str, Any]:
    day = date or dates.today()
    orgs_qs = scope_of(request).organizations().active_on(day).order_by("path")
    if kind:
        orgs_qs = orgs_qs.filter(kind=kind)
    orgs = list(orgs_qs)
    parents = _parents_on(orgs, day)
    counts = _member_counts([o for o in orgs if o.is_cell], day)
    items = [
        serialize.organization(o, parents[o.pk], counts.get(o.pk, 0) if o.is_cell else None) for o in orgs
    ]
    return {"date": day, "items": items}


@router.get(
    "/organizations/{org_id}",
    response={200: OrganizationDetail, 404: Message},
    summary="Chi tiết tổ chức đảng",
    description="Tổ chức trực thuộc, quá trình trực thuộc, sự kiện (hợp nhất, chia tách…), tập thể lãnh đạo.",
)
def get_organization(request: ApiRequest, org_id: int) -> dict[str, Any]:
    scope = scope_of(request)
    visible = scope.organizations()
    org = get_object_or_404(visible, pk=org_id)
    today = dates.today()
    ancestors = org.ancestors()
    ancestor_ids = set(visible.filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    events = (org.events_as_source.all() | org.events_as_target.all()).distinct().order_by("-date", "-id")
    count = _member_counts([org], today).get(org.pk, 0) if org.is_cell else None
    return serialize.organization(org, org.parent_id, count) | {
        "place_name": org.place_name,
        "note": org.note,
        "ancestors": [serialize.org_ref(a) for a in ancestors if a.pk in ancestor_ids],
        "children": [serialize.org_ref(c) for c in visible.filter(parent=org).order_by("path")],
        "parent_periods": [
            {"parent": serialize.org_ref(p.parent), "start": p.start, "end": p.end}
            for p in org.parent_periods.select_related("parent").order_by("start", "id")
        ],
        "events": [serialize.event(e) for e in events.prefetch_related("sources", "targets")],
        "collectives": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "name": c.name,
                "active_from": c.active_from,
                "active_to": c.active_to,
            }
            for c in org.collectives.all()
        ],
    }


@router.get(
    "/organizations/{org_id}/members",
    response={200: list[MemberOut], 404: Message},
    summary="Đảng viên của chi bộ vào một ngày",
    description="Những đảng viên sinh hoạt tại chi bộ vào ngày `date` mà bạn được xem, theo thứ tự tên.",
)
def organization_members(
    request: ApiRequest,
    org_id: int,
    date: dt.date | None = Query(None, description=DATE_HELP),  # noqa: B008
) -> list[dict[str, Any]]:
    scope = scope_of(request)
    org = get_object_or_404(scope.organizations(), pk=org_id)
    day = date or dates.today()
    members = scope.members().in_cell_on(org, day).select_related("cell").order_by("sort_key", "id")
    return [serialize.member(m) for m in members]
