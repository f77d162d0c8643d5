"""Appraisal, decision, publication, progress and remediation pages.

Thin views over ``decisions.services``: each page fetches through ``kiemdiem.access``, checks the
scope's permission, calls the service once and shapes its result for display. The appraisal is
computed once per request (it covers every subject: quota groups need the whole ward).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.decisions import facts, services
from kiemdiem.decisions.appraisal import Appraisal, AppraisalRow, appraise
from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.decisions.services import bulk_choices, bulk_targets, cell_of, cells_of, in_order
from kiemdiem.lib import dates
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import (
    INDIVIDUAL_KINDS,
    Plan,
    PlanSubject,
    RemediationItem,
    RemediationStatus,
    SubjectKind,
)
from kiemdiem.reports import leniency
from kiemdiem.reports.progress import progress as plan_progress
from kiemdiem.reviews.models import Level, Review, ReviewPlace
from kiemdiem.rules.levels import LEVEL_CODES, LEVEL_LABEL_BY_CODE

from .forms_decisions import BulkAcceptForm, DecideForm, DecisionForm, ReclassifyForm, RemediationItemForm

PAGE_SIZE = 50
LEVELS = LEVEL_CODES
LEVEL_LABELS = LEVEL_LABEL_BY_CODE
KIND_LABELS = dict(SubjectKind.choices)

# What lifts each conflict (appraise codes), shown next to it.
RESOLUTIONS = {
    "missing_review": "Đối tượng nộp bản kiểm điểm (bí thư chi bộ có thể nhập thay), "
    "hoặc Ban Thường vụ cho qua kèm lý do.",
    "missing_collective_review": "Kiểm điểm tại tập thể lãnh đạo, quản lý, hoặc Ban Thường vụ cho qua kèm lý do.",
    "missing_vote": "Hội nghị chi bộ biểu quyết đề xuất mức xếp loại, hoặc Ban Thường vụ cho qua kèm lý do.",
    "missing_residence": "Nhận được nhận xét của chi ủy nơi cư trú, hoặc Ban Thường vụ cho qua kèm lý do.",
    "above_max": "Quyết định mức không cao hơn mức tối đa theo quy định, "
    "hoặc Ban Thường vụ cho qua kèm lý do (chịu trách nhiệm).",
    "needs_decision": "Ban Thường vụ xem xét từng trường hợp, cho qua kèm lý do.",
    "quota": "Hạ mức một số đối tượng để nhóm không vượt tỷ lệ; tỷ lệ không được cho qua.",
}
CONFLICT_LABELS = {
    "missing_review": "Chưa nộp bản kiểm điểm",
    "missing_collective_review": "Chưa kiểm điểm tại tập thể lãnh đạo",
    "missing_vote": "Chưa có biểu quyết",
    "missing_residence": "Chưa có nhận xét nơi cư trú",
    "above_max": "Đề xuất cao hơn mức tối đa",
    "needs_decision": "Cần cấp có thẩm quyền xem xét",
    "quota": "Đề nghị hạ mức do vượt tỷ lệ",
}
ROUNDING = {"floor": "làm tròn xuống", "ceil": "làm tròn lên"}


def _policy_text(policy: Any, outstanding: bool) -> str:
    ratio = policy.outstanding_ratio if outstanding and policy.outstanding_ratio else policy.ratio
    return f"{ratio:.0%} số HTTNV của nhóm, {ROUNDING.get(policy.rounding, 'làm tròn')} ({', '.join(policy.rules)})"


# --------------------------------------------------------------------------------------- access


def _tabs(scope: Any, plan: Plan, current: str) -> list[tuple[str, str, bool]]:
    """The plan's pages this user may open (links between the plan page and the pages here)."""
    tabs = [("plan_detail", "Kế hoạch")]
    if scope.can_appraise(plan):
        tabs += [("appraisal", "Thẩm định"), ("decision_list", "Quyết định"), ("decision_results", "Kết quả")]
    if scope.can_watch_progress(plan):
        tabs += [("plan_progress", "Tiến độ"), ("plan_statistics", "Thống kê")]
    tabs += [("remediation_list", "Khắc phục"), ("plan_documents", "Văn bản")]
    return [(label, reverse(name, args=[plan.pk]), name == current) for name, label in tabs]


# ------------------------------------------------------------------------------------ shaping


@dataclass
class Distribution:
    """How a cell (or the ward) proposes: counts per level, the bar, and "bệnh thành tích" warnings."""

    name: str
    counts: dict[str, int]
    total: int
    missing: int = 0
    segments: list[leniency.Segment] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    org_id: int | None = None

    @property
    def per_level(self) -> list[tuple[str, int, int]]:
        return [(lv, self.counts.get(lv, 0), self.percent(lv)) for lv in LEVELS]

    def percent(self, level: str) -> int:
        return round(100 * self.counts.get(level, 0) / self.total) if self.total else 0


def _distribution(name: str, levels: Iterable[str], org_id: int | None = None) -> Distribution:
    values = list(levels)
    counts = Counter(v for v in values if v)
    total = sum(counts.values())
    return Distribution(
        name, dict(counts), total, missing=len(values) - total, segments=leniency.segments(counts), org_id=org_id
    )


def _sort_key(row: AppraisalRow) -> tuple[Any, ...]:
    cell = cell_of(row)
    s = row.subject
    return (cell is None, cell.path if cell else "", s.member_id is not None, s.kind, s.name)


def _distributions(rows: list[AppraisalRow], plan: Plan, outstanding: bool) -> list[Distribution]:
    individuals = [r for r in rows if r.subject.kind in INDIVIDUAL_KINDS]
    ward = _distribution("Toàn đảng bộ", (r.proposed_level for r in individuals))
    policy = plan.framework().quota

    def cap(httnv: int) -> int:
        return policy.cap(httnv, outstanding=outstanding)

    by_cell: dict[int, list[AppraisalRow]] = defaultdict(list)
    cells: dict[int, Organization] = {}
    for r in individuals:
        cell = r.subject.cell
        if cell is not None:
            by_cell[cell.pk].append(r)
            cells[cell.pk] = cell
    out = [ward]
    for cid in sorted(cells, key=lambda c: cells[c].path):
        dist = _distribution(cells[cid].name, (r.proposed_level for r in by_cell[cid]), org_id=cid)
        limit = cap(dist.counts.get("HTTNV", 0))
        dist.flags = [f.message for f in leniency.flags(dist.counts, ward.counts, limit, proposed=True)]
        out.append(dist)
    return out


@dataclass
class Display:
    """One appraisal row with the labels and hints the template needs."""

    row: AppraisalRow
    cell: Any
    conflicts: list[dict[str, Any]]
    fields: dict[str, Any] | None = None


def _display(row: AppraisalRow) -> Display:
    conflicts = [
        {
            "code": c.code,
            "message": c.message,
            "blocking": c.blocking,
            "resolution": RESOLUTIONS.get(c.code, ""),
        }
        for c in row.conflicts
    ]
    conflicts.sort(key=lambda c: not c["blocking"])
    return Display(row, cell_of(row), conflicts)


def _filter_rows(rows: list[AppraisalRow], params: Any) -> list[AppraisalRow]:
    cell = params.get("chi_bo", "")
    kind = params.get("loai", "")
    out = rows
    if cell.isdigit():
        out = [r for r in out if (c := cell_of(r)) is not None and c.pk == int(cell)]
    if kind in SubjectKind.values:
        out = [r for r in out if r.subject.kind == kind]
    if params.get("xung_dot"):
        out = [r for r in out if r.conflicts]
    if params.get("de_nghi_ha"):
        out = [r for r in out if any(c.code == "quota" for c in r.conflicts)]
    if params.get("chua_quyet_dinh"):
        out = [r for r in out if r.decided is None]
    return out


def _quota(appraisal: Appraisal) -> list[dict[str, Any]]:
    names = {str(r.subject.pk): r.subject.name for r in appraisal.rows}
    decided: dict[str, Counter[str]] = defaultdict(Counter)
    for r in appraisal.rows:
        if r.decided is not None:
            decided[facts.GROUPS[r.subject.kind]][r.decided.level] += 1
    out = []
    for q in appraisal.quota:
        demotions = [names.get(sid, sid) for sid in q.get("suggested_demotions", [])]
        out.append(
            {
                **q,
                "levels": [(lv, q.get(lv, 0), decided[q["group"]].get(lv, 0)) for lv in LEVELS],
                "demotions": demotions[:30],
                "more_demotions": max(0, len(demotions) - 30),
            }
        )
    return out


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("trang", None)
    return params.urlencode()


# ----------------------------------------------------------------------------------- appraisal


@login_required
def appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    """Thẩm định: the regulation's verdict on every subject, conflicts, quota groups, cell distributions."""
    plan = plan_for(request, pk, may="appraise")
    scope = scope_of(request)
    policy = plan.framework().quota
    outstanding = bool(request.GET.get("noi_bat")) and bool(policy.outstanding_ratio)
    result = appraise(plan, outstanding_unit=outstanding)
    rows = sorted(result.rows, key=_sort_key)
    page = Paginator(_filter_rows(rows, request.GET), PAGE_SIZE).get_page(request.GET.get("trang"))
    conflicts = Counter(c.code for r in rows for c in r.conflicts)
    context = {
        "plan": plan,
        "tabs": _tabs(scope, plan, "appraisal"),
        "page": page,
        "items": [_display(r) for r in page],
        "quota": _quota(result),
        "distributions": _distributions(rows, plan, outstanding),
        "cells": cells_of(rows),
        "kinds": SubjectKind.choices,
        "levels": Level.choices,
        "review_date": result.review_date,
        "total": len(rows),
        "blocked": sum(1 for r in rows if r.blocking and r.decided is None),
        "decided": sum(1 for r in rows if r.decided is not None),
        "conflict_counts": [
            (CONFLICT_LABELS.get(code, code), n, code != "quota")
            for code, n in sorted(conflicts.items(), key=lambda kv: -kv[1])
        ],
        "outstanding_possible": bool(policy.outstanding_ratio),
        "outstanding": outstanding,
        "policy_text": _policy_text(policy, outstanding),
        "can_decide": scope.can_decide(plan),
        "querystring": _querystring(request),
    }
    return render(request, "decisions/appraisal.html", context)


# ------------------------------------------------------------------------------------ decisions


@login_required
def decision_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Quyết định của kế hoạch: create a decision (standing committee), publish the results."""
    plan = plan_for(request, pk, may="appraise")
    scope = scope_of(request)
    can_decide = scope.can_decide(plan)
    form = DecisionForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                decision = services.create_decision(
                    plan,
                    number=form.cleaned_data["number"],
                    date=form.cleaned_data["date"],
                    outstanding_unit=form.cleaned_data.get("outstanding_unit", False),
                    actor=request.user,
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
                decision = None
        if form.is_valid() and decision is not None:
            messages.success(request, f"Đã tạo {decision}. Chọn các đối tượng để quyết định xếp loại.")
            return redirect("decision_detail", decision.pk)
    decisions = plan.decisions.annotate(n=Count("entries")).order_by("date", "number")
    entries = DecisionEntry.objects.filter(subject__plan=plan)
    counts = entries.aggregate(total=Count("pk"), published=Count("pk", filter=Q(published_at__isnull=False)))
    context = {
        "plan": plan,
        "tabs": _tabs(scope, plan, "decision_list"),
        "decisions": decisions,
        "form": form,
        "can_decide": can_decide,
        "reviewed": plan.subjects.filter(reviewed=True).count(),
        "counts": counts,
        "unpublished": counts["total"] - counts["published"],
        "by_level": _level_counts(entries),
    }
    return render(request, "decisions/decision_list.html", context, status=400 if form.errors else 200)


def _level_counts(entries: QuerySet[DecisionEntry]) -> list[tuple[str, str, int]]:
    counts = dict(entries.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return [(lv, LEVEL_LABELS[lv], counts.get(lv, 0)) for lv in LEVELS]


def _decision(request: HttpRequest, pk: int) -> Decision:
    scope = scope_of(request)
    decision = get_object_or_404(
        Decision.objects.select_related("plan", "plan__organization"), pk=pk, plan__in=scope.plans()
    )
    if not scope.can_appraise(decision.plan):
        raise PermissionDenied
    return decision


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Quyết định xếp loại: per subject (level, reason, overrides) or in bulk; refusals list every problem."""
    decision = _decision(request, pk)
    plan = decision.plan
    scope = scope_of(request)
    can_decide = scope.can_decide(plan)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    params = request.GET.copy()
    if "loc" not in params:
        # First visit: what is left to decide.
        params["chua_quyet_dinh"] = "1"
    result = appraise(plan, outstanding_unit=decision.outstanding_unit)
    rows = sorted(result.rows, key=_sort_key)
    page = Paginator(_filter_rows(rows, params), PAGE_SIZE).get_page(params.get("trang"))
    actionable = [r for r in page if r.decided is None and r.classified]
    actionable_ids = {r.subject.pk for r in actionable}
    action = request.POST.get("action", "")
    decide_form = DecideForm(request.POST if action == "decide" else None, rows=actionable)
    bulk_form = BulkAcceptForm(request.POST if action == "bulk" else None, targets=bulk_targets(rows))
    problems: list[str] = []
    if request.method == "POST":
        choices: list[services.Choice] = []
        if action == "decide" and decide_form.is_valid():
            choices = decide_form.choices()
        elif action == "bulk" and bulk_form.is_valid():
            candidates = bulk_choices(
                rows, bulk_form.cleaned_data["target"], bulk_form.cleaned_data["below_top"]
            )
            choices, held = in_order(plan, candidates)
            if held:
                messages.info(
                    request,
                    f"{held} đề xuất chưa đưa vào vì chưa đúng thứ tự xếp loại (đảng viên trước chi bộ, "
                    "tập thể trước người đứng đầu); quyết định các đối tượng còn vướng trước.",
                )
            if not choices:
                problems.append(
                    "Không có đề xuất nào không vướng cảnh báo và đúng thứ tự trong phạm vi đã chọn."
                )
        if choices:
            try:
                entries = services.decide(decision, choices, request.user)
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, f"Đã quyết định xếp loại {len(entries)} đối tượng theo {decision}.")
                return redirect(f"{reverse('decision_detail', args=[decision.pk])}?{params.urlencode()}")
    items = []
    for r in page:
        d = _display(r)
        if r.subject.pk in actionable_ids:
            d.fields = decide_form.row_fields(r)
        items.append(d)
    context = {
        "decision": decision,
        "plan": plan,
        "tabs": _tabs(scope, plan, "decision_list"),
        "page": page,
        "items": items,
        "decide_form": decide_form,
        "bulk_form": bulk_form,
        "problems": problems,
        "can_decide": can_decide,
        "quota": _quota(result),
        "policy_text": _policy_text(plan.framework().quota, decision.outstanding_unit),
        "cells": cells_of(rows),
        "kinds": SubjectKind.choices,
        "levels": Level.choices,
        "params": params,
        "undecided": sum(1 for r in rows if r.decided is None),
        "action_url": f"{reverse('decision_detail', args=[decision.pk])}?{params.urlencode()}",
    }
    pager = params.copy()
    pager.pop("trang", None)
    context["querystring"] = pager.urlencode()
    failed = bool(problems) or bool(decide_form.errors) or bool(bulk_form.errors)
    return render(request, "decisions/decision_detail.html", context, status=400 if failed else 200)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Danh sách kèm theo quyết định: the decided subjects per level."""
    plan = plan_for(request, pk, may="appraise")
    entries = (
        DecisionEntry.objects.filter(subject__plan=plan)
        .select_related("subject", "subject__cell", "subject__organization", "decision")
        .annotate(reclassified=Count("reclassifications"))
        .order_by("subject__kind", "subject__cell__path", "subject__name")
    )
    by_level: dict[str, list[DecisionEntry]] = {lv: [] for lv in LEVELS}
    for e in entries:
        by_level[e.level].append(e)
    annex = [
        {"code": lv, "label": LEVEL_LABELS[lv], "number": i, "entries": by_level[lv]}
        for i, lv in enumerate(LEVELS, 1)
    ]
    return render(
        request,
        "decisions/results.html",
        {
            "plan": plan,
            "tabs": _tabs(scope_of(request), plan, "decision_results"),
            "annex": annex,
            "levels": Level.choices,
            "can_decide": scope_of(request).can_decide(plan),
        },
    )


@login_required
def reclassify(request: HttpRequest, pk: int) -> HttpResponse:
    """Xếp loại lại (Mẫu 03) of a decided result, by the competent body, with reason, number and date."""
    scope = scope_of(request)
    entry = get_object_or_404(
        DecisionEntry.objects.select_related("subject", "subject__plan", "subject__cell", "decision"),
        pk=pk,
        subject__plan__in=scope.plans(),
    )
    plan = entry.subject.plan
    if not scope.can_decide(plan):
        raise PermissionDenied
    form = ReclassifyForm(request.POST or None, current=entry.level)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reclassify(
                entry,
                data["new_level"],
                data["reason"],
                request.user,
                number=data["number"],
                date=data["date"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(
                request, f"Đã xếp loại lại {entry.subject.name}: {entry.level} → {data['new_level']}."
            )
            return redirect("decision_results", plan.pk)
    context = {
        "entry": entry,
        "plan": plan,
        "tabs": _tabs(scope, plan, "decision_results"),
        "levels": Level.choices,
        "form": form,
        "history": entry.reclassifications.select_related("decided_by").order_by("created_at"),
    }
    return render(request, "decisions/reclassify.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Công bố kết quả: each subject sees his/her own result, the cell sees its members'."""
    plan = plan_for(request, pk)
    if not scope_of(request).can_decide(plan):
        raise PermissionDenied
    n = services.publish_results(plan, request.user)
    if n:
        messages.success(request, f"Đã công bố {n} kết quả xếp loại.")
    else:
        messages.info(request, "Không có kết quả mới nào để công bố.")
    return redirect("decision_list", plan.pk)


# ------------------------------------------------------------------------------------- progress


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Tiến độ: per cell and step, done / total against the plan's deadlines, with who is missing."""
    plan = plan_for(request, pk)
    scope = scope_of(request)
    if not scope.can_watch_progress(plan):
        raise PermissionDenied
    asked = request.GET.get("ngay", "")
    today = _parse_day(asked) or dates.today()
    rows = plan_progress(plan, today=today)
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        for step in row["steps"]:
            t = totals.setdefault(
                step["code"], {"label": step["label"], "done": 0, "total": 0, "due": step["due"], "late": 0}
            )
            t["done"] += step["done"]
            t["total"] += step["total"]
            t["late"] += step["state"] == "late"
    context = {
        "plan": plan,
        "tabs": _tabs(scope, plan, "plan_progress"),
        "rows": rows,
        "totals": list(totals.values()),
        "today": today,
        "bad_date": bool(asked) and _parse_day(asked) is None,
        "steps": plan.steps.all(),
        "acknowledged": sum(1 for r in rows if r["acknowledged"]),
        "can_manage": scope.can_manage_plan(plan),
    }
    return render(request, "decisions/progress.html", context)


# ---------------------------------------------------------------------------------- remediation


def _published_or_appraiser(scope: Any, plan: Plan, entry: DecisionEntry | None) -> DecisionEntry | None:
    if entry is None:
        return None
    return entry if entry.published_at or scope.can_appraise(plan) else None


def _count(items: QuerySet[RemediationItem]) -> Coalesce:
    counted = items.order_by().values("subject").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def remediation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Kế hoạch khắc phục của các đối tượng có hạn chế, khuyết điểm (in the user's reach)."""
    plan = plan_for(request, pk)
    scope = scope_of(request)
    visible = scope.remediation_subjects(plan)
    if not visible.exists():
        raise PermissionDenied
    shortcomings = Review.objects.filter(subject=OuterRef("pk"), place=ReviewPlace.CELL).exclude(
        shortcomings=""
    )
    own_items = RemediationItem.objects.filter(subject=OuterRef("pk"))
    subjects = visible.annotate(
        has_shortcomings=Exists(shortcomings),
        has_items=Exists(own_items),
        n_items=_count(own_items),
        n_done=_count(own_items.filter(status=RemediationStatus.DONE)),
    ).select_related("cell", "organization", "decided")
    everyone = bool(request.GET.get("tat_ca"))
    if not everyone:
        subjects = subjects.filter(
            Q(has_shortcomings=True) | Q(has_items=True) | Q(decided__level__in=["HTNV", "KHTNV"])
        )
    cell = request.GET.get("chi_bo", "")
    if cell.isdigit():
        subjects = subjects.filter(Q(cell_id=int(cell)) | Q(kind=SubjectKind.CELL, organization_id=int(cell)))
    page = Paginator(subjects.order_by("cell__path", "kind", "name"), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    cells = Organization.objects.filter(pk__in=visible.values("cell_id")).order_by("path")
    items = [
        {"subject": s, "entry": _published_or_appraiser(scope, plan, getattr(s, "decided", None))}
        for s in page
    ]
    context = {
        "plan": plan,
        "tabs": _tabs(scope, plan, "remediation_list"),
        "levels": Level.choices,
        "page": page,
        "items": items,
        "cells": cells,
        "everyone": everyone,
        "querystring": _querystring(request),
    }
    return render(request, "decisions/remediation_list.html", context)


def _remediation_subject(request: HttpRequest, pk: int) -> PlanSubject:
    scope = scope_of(request)
    subject = get_object_or_404(
        PlanSubject.objects.select_related("plan", "plan__organization", "cell", "organization", "member"),
        pk=pk,
    )
    if not scope.remediation_subjects(subject.plan).filter(pk=subject.pk).exists():
        raise PermissionDenied
    return subject


@login_required
def remediation_subject(request: HttpRequest, pk: int) -> HttpResponse:
    """Kế hoạch khắc phục of one subject: the review's shortcomings, the items, and a form to add one."""
    subject = _remediation_subject(request, pk)
    scope = scope_of(request)
    can_edit = scope.can_edit_remediation(subject)
    form = RemediationItemForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in services.REMEDIATION_FIELDS}
            try:
                services.add_remediation(subject, request.user, **values)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Đã thêm nội dung khắc phục.")
                return redirect("remediation_subject", subject.pk)
    entry = DecisionEntry.objects.filter(subject=subject).first()
    context = {
        "subject": subject,
        "plan": subject.plan,
        "tabs": _tabs(scope, subject.plan, "remediation_list"),
        "levels": Level.choices,
        "review": Review.objects.filter(subject=subject, place=ReviewPlace.CELL).first(),
        "entry": _published_or_appraiser(scope, subject.plan, entry),
        "items": subject.remediation_items.all(),
        "form": form,
        "can_edit": can_edit,
        "today": dates.today(),
    }
    return render(request, "decisions/remediation_subject.html", context, status=400 if form.errors else 200)


def _editable_item(request: HttpRequest, pk: int) -> RemediationItem:
    item = get_object_or_404(RemediationItem.objects.select_related("subject"), pk=pk)
    subject = _remediation_subject(request, item.subject_id)
    if not scope_of(request).can_edit_remediation(subject):
        raise PermissionDenied
    item.subject = subject
    return item


@login_required
def remediation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Sửa một nội dung khắc phục (status, progress); a save over a newer edit is refused."""
    item = _editable_item(request, pk)
    form = RemediationItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.REMEDIATION_FIELDS}
        try:
            item = services.update_remediation(item, request.user, stamp=form.cleaned_data["stamp"], **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu nội dung khắc phục.")
            return redirect("remediation_subject", item.subject_id)
    plan = item.subject.plan
    tabs = _tabs(scope_of(request), plan, "remediation_list")
    context = {"item": item, "subject": item.subject, "plan": plan, "tabs": tabs, "form": form}
    return render(request, "decisions/remediation_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def remediation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    subject = item.subject
    services.delete_remediation(item, request.user)
    messages.success(request, "Đã xóa nội dung khắc phục.")
    return redirect("remediation_subject", subject.pk)


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    """Kết quả của tôi: the member's own published results and remediation tasks (read-only)."""
    scope = scope_of(request)
    member_id = scope.user.member_id if scope.user is not None else None
    mine = scope.plan_subjects().filter(member_id=member_id) if member_id else PlanSubject.objects.none()
    entries = (
        DecisionEntry.objects.filter(subject__in=mine, published_at__isnull=False)
        .select_related("subject", "subject__plan", "decision")
        .prefetch_related("reclassifications")
        .order_by("-subject__plan__year")
    )
    items = (
        RemediationItem.objects.filter(subject__in=mine)
        .select_related("subject", "subject__plan")
        .order_by("-subject__plan__year", "due_date")
    )
    context = {
        "member_linked": bool(member_id),
        "entries": entries,
        "items": items,
        "today": dates.today(),
        "levels": Level.choices,
    }
    return render(request, "decisions/my_results.html", context)
