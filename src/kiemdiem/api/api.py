"""JSON API (django-ninja) over the same services and the same scoping as the web UI.

Mounted at /api/ (see ``kiemdiem/urls.py``); schema at /api/openapi.json, interactive docs at /api/docs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import errors
from .auth import ANY_AUTH
from .docs import ASSET_URL_PREFIX, ASSETS, LocalSwagger, docs_asset
from .routers import accounts, members, organizations
from .routers import decisions as cycle_decisions
from .routers import meetings as cycle_meetings
from .routers import plans as cycle_plans
from .routers import reviews as cycle_reviews

DESCRIPTION = """\
API JSON cho cây tổ chức đảng và danh sách đảng viên, cùng phạm vi truy cập như giao diện web:
mỗi vai trò chỉ thấy và chỉ sửa được những gì thuộc phạm vi của mình.

**Xác thực**: phiên đăng nhập web (cookie; phương thức ghi cần tiêu đề `X-CSRFToken`) hoặc mã truy cập
`Authorization: Bearer <mã>` (tạo bằng `POST /api/tokens` hoặc lệnh `kiemdiem api_token`).

**Ngày tháng** theo ISO: `YYYY-MM-DD`. **Lỗi** trả về `{"detail": "…"}`; dữ liệu không hợp lệ (422)
kèm `"errors": {"<trường>": ["…"]}`. Ngoài phạm vi của bạn: 404; không có quyền ghi: 403.
"""


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese stays readable in curl and logs: "Đảng viên" rather than \u escapes.
    json_dumps_params = {"ensure_ascii": False}


METHOD_NOT_ALLOWED = "Phương thức này không dùng được ở đường dẫn này."


def _vietnamese_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with a plain-text English 405; give the API's JSON shape instead."""

    @wraps(view)  # keeps csrf_exempt: ninja's views do their own CSRF check (auth.SessionAuth)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            replacement = JsonResponse(
                {"detail": METHOD_NOT_ALLOWED}, status=405, json_dumps_params={"ensure_ascii": False}
            )
            replacement["Allow"] = response["Allow"]
            return replacement
        return response

    return wrapped


class KiemdiemAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Swagger UI's files, served from the installed ninja package (no CDN; works offline).
        patterns: list[URLResolver | URLPattern] = [
            path(f"{ASSET_URL_PREFIX}{name}", partial(docs_asset, name=name), name=f"docs-{name}")
            for name in ASSETS
        ]
        patterns += super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _vietnamese_405(pattern.callback)
        return patterns


api = KiemdiemAPI(
    title="Kiểm điểm — API",
    version="1",
    description=DESCRIPTION,
    auth=ANY_AUTH,
    docs=LocalSwagger(),
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("", accounts.router)
api.add_router("", organizations.router)
api.add_router("", members.router)
# The annual cycle (issue 4): plans, reviews and feedback, meetings and ballots, appraisal and decisions.
api.add_router("", cycle_plans.router)
api.add_router("", cycle_reviews.router)
api.add_router("", cycle_meetings.router)
api.add_router("", cycle_decisions.router)
