"""Statistics pages and downloads: thin views over ``reports.statistics``.

Who may read them: whoever may watch the whole plan's progress (``scope.can_watch_progress``): the
committee office, the standing committee, and the higher level (read-only). A cell secretary or a
member is refused (403): the table compares cells with each other and with the ward, which is the
committee's business, not one cell's. Every subject is read through ``scope.plan_subjects()``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.accounts.models import Role
from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.lib import dates
from kiemdiem.organizations.models import Organization, OrgKind
from kiemdiem.plans.models import Plan
from kiemdiem.reports import xlsx
from kiemdiem.reports.statistics import LEVEL_LABELS, LEVELS, ORG_TYPES
from kiemdiem.reports.summary import charts_for, related_plans, report, watchable_plans

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _root(request: HttpRequest, default: Organization, within: Organization | None = None) -> Organization:
    raw = request.GET.get("to_chuc", "")
    if not raw:
        return default
    if not raw.isdigit():
        raise Http404
    qs = scope_of(request).organizations()
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return get_object_or_404(qs, pk=int(raw))


def _page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    context.update(charts_for(context))
    context["levels"] = [(lv, LEVEL_LABELS[lv]) for lv in LEVELS]
    context["org_types"] = ORG_TYPES
    return render(request, "reports/statistics.html", context)


# ---------------------------------------------------------------------------------- per plan


def _plan_report(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    scope = scope_of(request)
    root = _root(request, plan.organization, within=plan.organization)
    earlier = related_plans(watchable_plans(scope), root)
    return report(scope, root, [plan], plan.year, earlier)


@login_required
@require_safe
def plan_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    """Thống kê kết quả xếp loại của một kế hoạch, rolled up from the chosen organization."""
    plan = plan_for(request, pk, may="watch")
    data = _plan_report(request, plan)
    query = f"?to_chuc={data['stats'].root.pk}"
    data.update(
        {
            "plan": plan,
            "year": plan.year,
            "xlsx_url": reverse("plan_statistics_xlsx", args=[plan.pk]) + query,
            "lists_url": reverse("plan_level_lists_xlsx", args=[plan.pk]) + query,
            "scopes": scope_of(request).organizations().filter(path__startswith=plan.organization.path),
        }
    )
    return _page(request, data)


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _header(root: Organization, plans: list[Plan]) -> xlsx.Header:
    issuer = plans[0].organization if plans and root.path.startswith(plans[0].organization.path) else root
    return xlsx.header_for(issuer, dates.today())


@login_required
@require_safe
def plan_statistics_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk, may="watch")
    data = _plan_report(request, plan)
    root = data["stats"].root
    content = xlsx.statistics_workbook(data["stats"], _header(root, [plan]), data["history"], data["repeats"])
    return _download(content, f"bieu-tong-hop-{plan.year}-{root.code}.xlsx")


@login_required
@require_safe
def plan_level_lists_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """Danh sách theo mức xếp loại (XLSX) of the plan, within the chosen organization."""
    plan = plan_for(request, pk, may="watch")
    root = _root(request, plan.organization, within=plan.organization)
    subjects = scope_of(request).plan_subjects().filter(plan=plan)
    within = (
        Q(subject__cell__path__startswith=root.path)
        | Q(subject__cell__isnull=True, subject__organization__path__startswith=root.path)
        | Q(
            subject__cell__isnull=True,
            subject__organization__isnull=True,
            subject__collective__organization__path__startswith=root.path,
        )
    )
    entries = list(
        DecisionEntry.objects.filter(within, subject__in=subjects)
        .select_related("subject", "subject__cell")
        .annotate(reclassified=Count("reclassifications"))
        .order_by("subject__member_id", "subject__cell__path", "subject__name")
    )
    content = xlsx.level_lists_workbook(plan.year, root.name, entries, _header(root, [plan]))
    return _download(content, f"danh-sach-xep-loai-{plan.year}-{root.code}.xlsx")


# ------------------------------------------------------------------------------ per year


class NoData(Exception):
    """The user may read statistics but no plan of his/her scope has any yet."""


def _year_report(request: HttpRequest) -> tuple[dict[str, Any], list[int]]:
    scope = scope_of(request)
    plans = watchable_plans(scope)
    if not plans:
        if scope.has_role(Role.OFFICE, Role.STANDING, Role.HIGHER):
            raise NoData
        raise PermissionDenied
    home = scope.home_organization
    default = (
        home
        if home is not None and scope.organizations().filter(pk=home.pk).exists()
        else plans[0].organization
    )
    root = _root(request, default)
    related = related_plans(plans, root)
    years = sorted({p.year for p in related}, reverse=True)
    if not years:
        raise PermissionDenied
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    data = report(scope, root, [p for p in related if p.year == year], year, related)
    return data, years


@login_required
@require_safe
def year_statistics(request: HttpRequest) -> HttpResponse:
    """Thống kê theo năm cho một phạm vi (đảng bộ, chi bộ) gồm mọi kế hoạch của năm đó."""
    try:
        data, years = _year_report(request)
    except NoData:
        return render(request, "reports/no_data.html", {})
    stats = data["stats"]
    query = f"?nam={stats.year}&to_chuc={stats.root.pk}"
    data.update(
        {
            "plan": None,
            "year": stats.year,
            "years": years,
            "xlsx_url": reverse("statistics_xlsx") + query,
            "scopes": scope_of(request).organizations().exclude(kind=OrgKind.SUBORDINATE_CELL),
        }
    )
    return _page(request, data)


@login_required
@require_safe
def year_statistics_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        data, _years = _year_report(request)
    except NoData:
        raise Http404("Chưa có số liệu để xuất.") from None
    stats = data["stats"]
    content = xlsx.statistics_workbook(
        stats, _header(stats.root, stats.plans), data["history"], data["repeats"]
    )
    return _download(content, f"bieu-tong-hop-{stats.year}-{stats.root.code}.xlsx")
