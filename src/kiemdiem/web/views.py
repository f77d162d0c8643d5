"""Thin views: fetch within the request's scope, call a domain function, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from kiemdiem.access.objects import scope_of
from kiemdiem.accounts.models import Role
from kiemdiem.lib import dates
from kiemdiem.lib.dates import parse_vn_date
from kiemdiem.members.models import ActivityStatus, Member, Membership, period_q
from kiemdiem.organizations.models import CELL_KINDS

from .requests import AuthenticatedRequest


def _day_param(request: HttpRequest) -> tuple[dt.date, str]:
    """The ``?ngay=dd/mm/yyyy`` parameter (today when absent or invalid) and an error message."""
    raw = request.GET.get("ngay", "").strip()
    today = dates.today()
    if not raw:
        return today, ""
    try:
        return parse_vn_date(raw) or today, ""
    except ValueError as exc:
        return today, str(exc)


@login_required
@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_of(request)
    counts: dict[str, tuple[int, int]] = {}
    cells = []
    # The figures are shown with the cells' table, to those who watch cells (not to a plain member).
    if scope.roles - {"dang_vien"}:
        members = scope.members()
        # Per status: members, and of them probationary (not yet official) ones; one query.
        counts = {
            status: (n, p)
            for status, n, p in members.values_list("activity_status")
            .annotate(n=Count("id"), p=Count("id", filter=Q(official_on__isnull=True)))
            .order_by()
        }
        per_cell = {
            row["cell"]: row
            for row in members.on_roll()
            .values("cell")
            .annotate(n=Count("id"), p=Count("id", filter=Q(official_on__isnull=True)))
            .order_by()
        }
        for cell in (
            scope.organizations().filter(kind__in=CELL_KINDS, active_to__isnull=True).order_by("path")
        ):
            row = per_cell.get(cell.pk, {"n": 0, "p": 0})
            cells.append((cell, row["n"], row["p"]))
    by_status = [(label, counts.get(value, (0, 0))[0]) for value, label in ActivityStatus.choices]
    context = {
        "total": sum(c for _, c in by_status),
        "by_status": by_status,
        "probationary": counts.get(ActivityStatus.ACTIVE, (0, 0))[1],
        "cells": cells,
        "me": request.user.member,  # None without a query for an account without a member
        "home": scope.home_organization,
    }
    # The plan's statistics are for those who may watch a whole plan's progress: these roles only.
    if scope.has_role(Role.OFFICE, Role.STANDING, Role.HIGHER):
        from kiemdiem.reports.dashboard import dashboard_context

        context.update(dashboard_context(scope))
    return render(request, "web/dashboard.html", context)


@login_required
@require_safe
def org_tree(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    day, error = _day_param(request)
    orgs = list(scope.organizations().active_on(day).order_by("path"))
    counts = dict(
        Membership.objects.filter(period_q(day), organization__in=[o.pk for o in orgs])
        .values_list("organization")
        .annotate(n=Count("member", distinct=True))
        .order_by()
    )
    base_depth = min((o.path.count("/") for o in orgs), default=0)
    rows = [(o, o.path.count("/") - base_depth, counts.get(o.pk)) for o in orgs]
    return render(request, "web/org_tree.html", {"rows": rows, "day": day, "date_error": error})


@login_required
@require_safe
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    org = get_object_or_404(scope.organizations(), pk=pk)
    day, error = _day_param(request)
    members = (
        scope.members()
        .filter(pk__in=Membership.objects.filter(period_q(day), organization=org).values("member_id"))
        .select_related("cell")
    )
    context = {
        "org": org,
        "day": day,
        "date_error": error,
        "members": members,
        "children": scope.organizations().filter(parent=org).order_by("path"),
        "collectives": org.collectives.all(),
        "parents": org.parent_periods.select_related("parent").order_by("start"),
        "events": (org.events_as_source.all() | org.events_as_target.all()).distinct().order_by("-date"),
        "ancestors": [a for a in org.ancestors() if scope.organizations().filter(pk=a.pk).exists()],
    }
    return render(request, "web/org_detail.html", context)


SORTS = {
    "ten": ("sort_key", "id"),
    "-ten": ("-sort_key", "-id"),
    "the": ("card_number",),
    "vao-dang": ("admitted_on", "sort_key"),
    "-vao-dang": ("-admitted_on", "sort_key"),
}


@login_required
@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    members = scope.members().select_related("cell")
    q = request.GET.get("q", "").strip()
    cell = request.GET.get("chi_bo", "")
    status = request.GET.get("tinh_trang", "")
    party = request.GET.get("dang_tich", "")
    sort = request.GET.get("sap_xep", "ten")
    if q:
        members = members.search(q)
    if cell.isdigit():
        members = members.filter(cell_id=int(cell))
    if status in ActivityStatus.values:
        members = members.filter(activity_status=status)
    if party == "du_bi":
        members = members.filter(official_on__isnull=True)
    elif party == "chinh_thuc":
        members = members.filter(official_on__isnull=False)
    members = members.order_by(*SORTS.get(sort, SORTS["ten"]))
    page = Paginator(members, 50).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "page": page,
        "q": q,
        "cell": cell,
        "status": status,
        "party": party,
        "sort": sort,
        "cells": scope.organizations().cells().order_by("path"),
        "statuses": ActivityStatus.choices,
        "querystring": params.urlencode(),
    }
    return render(request, "web/member_list.html", context)


@login_required
@require_safe
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    member: Member = get_object_or_404(scope.members().select_related("cell", "residence_cell"), pk=pk)
    context = {
        "m": member,
        "sensitive": scope.can_see_sensitive(member),
        "memberships": member.memberships.select_related("organization").order_by("start"),
        "statuses": member.status_periods.order_by("start"),
        "positions": member.positions.select_related("organization", "collective").order_by("-start"),
        "can_manage": scope.can_manage_member(member),
    }
    return render(request, "web/member_detail.html", context)
