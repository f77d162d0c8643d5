"""Plan pages: thin views over plans.services, scoped through ``kiemdiem.access``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.audit.services import history
from kiemdiem.organizations.models import OrgKind
from kiemdiem.plans import services
from kiemdiem.plans.models import PlanAcknowledgement, SubjectKind

from .forms_plans import PlanCreateForm, PlanEditForm, StepFormSet


@login_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    committees = scope.manageable_organizations().filter(
        kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL]
    )
    return render(
        request, "plans/plan_list.html", {"plans": scope.plans(), "can_create": committees.exists()}
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    committee = (
        scope.manageable_organizations()
        .filter(kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL])
        .order_by("path")
        .first()
    )
    if committee is None:
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                committee,
                number=data["number"],
                issued_on=data["issued_on"],
                year=data["year"],
                actor=request.user,
                framework_id=data["framework_id"] or None,
                framework_reason=data["framework_reason"],
                reference_date=data["reference_date"],
                purpose=data["purpose"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(
                request, f"Đã tạo {plan}. Tiếp theo: đặt hạn từng bước và tính danh sách đối tượng."
            )
            return redirect("plan_detail", plan.pk)
    return render(request, "plans/plan_create.html", {"form": form, "committee": committee})


@login_required
@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(request, pk)
    can_manage = scope.can_manage_plan(plan)
    fw = plan.framework()
    my_acks = PlanAcknowledgement.objects.filter(plan=plan, cell__in=scope.secretary_cells())
    context = {
        "plan": plan,
        "fw": fw,
        "steps": plan.steps.all(),
        "summary": services.subjects_summary(plan),
        "kinds": SubjectKind.choices,
        "can_manage": can_manage,
        "problems": services.publication_problems(plan) if can_manage and not plan.is_published else [],
        "acks": plan.acknowledgements.select_related("cell", "acknowledged_by").order_by("cell__path")
        if can_manage
        else [],
        "my_acks": my_acks,
        "history": history(plan)[:20] if can_manage else [],
        "unconfirmed": fw.unconfirmed_parameters,
        "can_appraise": scope.can_appraise(plan),
        "can_watch": scope.can_watch_progress(plan),
        "my_cells": scope.secretary_cells(),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk, may="manage")
    if plan.is_published:
        messages.error(request, "Kế hoạch đã ban hành, không sửa được.")
        return redirect("plan_detail", plan.pk)
    scope = scope_of(request)
    chairs = (
        scope.members()
        .filter(cell__path__startswith=plan.organization.path, positions__isnull=False)
        .distinct()
    )
    form = PlanEditForm(request.POST or None, instance=plan, chairs=chairs, initial={"version": plan.version})
    steps = StepFormSet(request.POST or None, queryset=plan.steps.all(), prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.PLAN_FIELDS}
        chair = form.cleaned_data.get("launch_chair")
        data["launch_chair_id"] = chair.pk if chair else None
        data["steps"] = [
            {
                "code": sf.instance.code,
                "due_cells": sf.cleaned_data.get("due_cells"),
                "due_committee": sf.cleaned_data.get("due_committee"),
            }
            for sf in steps.forms
        ]
        try:
            services.update_plan(
                plan, data, request.user, version=form.cleaned_data["version"], chairs=chairs
            )
        except ValidationError as exc:
            for field, msgs in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, "Đã lưu kế hoạch.")
            return redirect("plan_detail", plan.pk)
    return render(request, "plans/plan_edit.html", {"plan": plan, "form": form, "steps": steps})


@login_required
@require_POST
def plan_compute_subjects(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk, may="manage")
    try:
        counts = services.compute_subjects(plan, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Đã tính danh sách: {counts.get('reviewed', 0)} đảng viên thuộc diện kiểm điểm."
        )
    return redirect("plan_detail", plan.pk)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk, may="manage")
    try:
        acks = services.publish_plan(plan, request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, f"Đã ban hành kế hoạch và gửi đến {len(acks)} chi bộ.")
    return redirect("plan_detail", plan.pk)


@login_required
@require_POST
def plan_acknowledge(request: HttpRequest, pk: int, cell_id: int) -> HttpResponse:
    plan = plan_for(request, pk)
    scope = scope_of(request)
    cell = next((c for c in scope.secretary_cells() if c.pk == cell_id), None)
    if cell is None:
        raise PermissionDenied
    try:
        services.acknowledge(plan, cell, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{cell.name} đã xác nhận nhận kế hoạch.")
    return redirect("plan_detail", plan.pk)


@login_required
@require_safe
def plan_subjects(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request, pk)
    scope = scope_of(request)
    subjects = plan.subjects.select_related("member", "cell", "organization", "collective")
    # Individuals are shown within the user's member scope; organizations and collectives to all readers.
    subjects = subjects.filter(member__isnull=True) | subjects.filter(member__in=scope.members())
    kind = request.GET.get("loai", "")
    if kind in SubjectKind.values:
        subjects = subjects.filter(kind=kind)
    if request.GET.get("khong_kiem_diem"):
        subjects = subjects.filter(reviewed=False)
    if request.GET.get("cu_tru"):
        subjects = subjects.filter(needs_residence_comment=True)
    page = Paginator(subjects.order_by("kind", "cell__path", "member__sort_key", "name"), 100).get_page(
        request.GET.get("trang")
    )
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "plans/plan_subjects.html",
        {
            "plan": plan,
            "page": page,
            "kinds": SubjectKind.choices,
            "kind": kind,
            "querystring": params.urlencode(),
        },
    )
