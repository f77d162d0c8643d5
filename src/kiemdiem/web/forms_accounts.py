from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from kiemdiem.accounts import throttle


class ThrottledLoginForm(AuthenticationForm):
    """Login form that refuses further attempts after repeated failures."""

    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
        "locked": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"

    def _ip(self) -> str:
        return self.request.META.get("REMOTE_ADDR", "") if self.request else ""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if throttle.is_locked(username, self._ip()):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, self._ip())
            raise
        throttle.reset(username, self._ip())
        return data
