from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .scope import Scope

_PASSWORD_EXEMPT = ("password_change", "logout", "login")


class ScopeMiddleware:
    """Attach ``request.scope``; send users who must change their password to that page first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))  # type: ignore[attr-defined]
        user = request.user
        if (
            getattr(user, "is_authenticated", False)
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/api/", "/static/"))
            and request.path not in {reverse(n) for n in _PASSWORD_EXEMPT}
        ):
            return redirect("password_change")
        return self.get_response(request)
