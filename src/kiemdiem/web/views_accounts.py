from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from kiemdiem.access.objects import scope_of
from kiemdiem.accounts.models import User
from kiemdiem.accounts.services import create_member_accounts

from .forms_accounts import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user  # logged in: the view requires it
        if isinstance(user, User) and user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, "Đã đổi mật khẩu.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_accounts(request: HttpRequest) -> HttpResponse:
    """Tạo tài khoản hàng loạt cho đảng viên của một chi bộ (or the whole scope)."""
    scope = scope_of(request)
    if not scope.can_manage_registry:
        raise PermissionDenied
    cells = scope.manageable_organizations().cells().filter(active_to__isnull=True)
    members = scope.members().filter(cell__in=cells).on_roll()
    without = members.filter(user__isnull=True)
    created = None
    if request.method == "POST":
        cell = request.POST.get("cell") or ""
        target = without
        if cell:
            # Not a number: no cell of the scope either (a lookup with it would be a server error).
            if not cell.isdecimal() or not cells.filter(pk=int(cell)).exists():
                raise PermissionDenied
            target = target.filter(cell_id=int(cell))
        created = create_member_accounts(target.select_related("cell"))
        messages.success(request, f"Đã tạo {len(created)} tài khoản mới.")
    return render(
        request,
        "accounts/bulk.html",
        {"cells": cells, "without_count": without.count(), "created": created},
    )
