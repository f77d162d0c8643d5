"""Navigation by role: which menu entries a user sees."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from kiemdiem.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    scope = getattr(request, "scope", None)
    if scope is None or not scope.is_authenticated:
        return {"nav": []}
    nav = [("Tổng quan", reverse("dashboard")), ("Việc của tôi", reverse("my_tasks"))]
    if scope.sees_organizations:
        nav.append(("Tổ chức đảng", reverse("org_tree")))
    nav.append(("Đảng viên", reverse("member_list")))
    if scope.plans().exists():
        nav.append(("Kế hoạch", reverse("plan_list")))
    if scope.has_role(Role.OFFICE, Role.STANDING, Role.HIGHER):
        nav.append(("Thống kê", reverse("statistics")))
    if scope.feedback_requests().exists():
        nav.append(("Ý kiến nhận xét", reverse("feedback_list")))
    if getattr(scope.user, "member_id", None):
        nav.append(("Kết quả của tôi", reverse("my_results")))
    if scope.can_manage_registry:
        nav.append(("Nhập / xuất dữ liệu", reverse("import_export")))
        nav.append(("Tài khoản", reverse("bulk_accounts")))
    return {"nav": nav, "scope": scope, "demo_today": getattr(settings, "KIEMDIEM_TODAY", None)}
