from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kiemdiem.access.objects import scope_of

# Everything is served from this origin; no CDN, no inline script.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


_PASSWORD_EXEMPT = ("password_change", "logout", "login")


class ScopeMiddleware:
    """Attach ``request.scope``; send users who must change their password to that page first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = scope_of(request)  # type: ignore[attr-defined]
        user = request.user
        if (
            getattr(user, "is_authenticated", False)
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/api/", "/static/"))
            and request.path not in {reverse(n) for n in _PASSWORD_EXEMPT}
        ):
            return redirect("password_change")
        return self.get_response(request)
