"""Who is calling: a bearer token or the web session (with CSRF on unsafe methods).

Endpoints never look at roles: they ask ``access.objects.scope_of(request)`` — the same ``Scope`` the web
UI uses —
for their querysets and permissions.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kiemdiem.accounts.models import User

from .models import ApiToken

INVALID_TOKEN = "Mã truy cập không hợp lệ, đã hết hạn, đã bị thu hồi, hoặc tài khoản đã bị khóa."
MUST_CHANGE_PASSWORD = "Bạn cần đổi mật khẩu ban đầu trên giao diện web trước khi dùng API."
CSRF_FAILED = "Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập, hãy gửi tiêu đề X-CSRFToken."


class ApiRequest(HttpRequest):
    """The request an authenticated endpoint receives, as the type checker sees it.

    Django Ninja sets ``auth`` to what the authenticator returned (the ``User``: both authenticators
    return one); ``TokenAuth`` also sets ``api_token`` to the token used (absent for the session).
    Endpoints annotate ``request: ApiRequest`` instead of reading these through ``type: ignore``.
    """

    auth: User
    api_token: ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kd_…``: a token issued by ``POST /api/tokens`` or ``kiemdiem api_token``."""

    openapi_description = "Mã truy cập API: Authorization: Bearer <mã>"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        row = ApiToken.find_active(token.strip())
        if row is None:
            # A wrong token is refused outright rather than falling back to the session: a client
            # that sends a token must learn that it no longer works.
            raise AuthenticationError(401, INVALID_TOKEN)
        cast(ApiRequest, request).api_token = row
        return row.user


class SessionAuth(APIKeyCookie):
    """The web login's session cookie; unsafe methods need the CSRF token (header X-CSRFToken)."""

    param_name: str = settings.SESSION_COOKIE_NAME
    openapi_description = "Phiên đăng nhập web (cookie); phương thức ghi cần tiêu đề X-CSRFToken."

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if getattr(user, "must_change_password", False):
            # The web pages send such a user to the password change first; the API must not be a way round.
            raise HttpError(403, MUST_CHANGE_PASSWORD)
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
# Token first: a request carrying a token is judged by its token alone.
ANY_AUTH = [token_auth, session_auth]


def auth_method(request: HttpRequest) -> str:
    return "token" if getattr(request, "api_token", None) is not None else "session"
