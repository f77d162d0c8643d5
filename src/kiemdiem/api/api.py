"""JSON API (django-ninja) over the same services and the same scoping as the web UI.

Mounted at /api/ (see ``kiemdiem/urls.py``); schema at /api/openapi.json, interactive docs at /api/docs.
"""

from __future__ import annotations

from functools import partial

from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import errors
from .auth import ANY_AUTH
from .docs import ASSET_URL_PREFIX, ASSETS, LocalSwagger, docs_asset
from .routers import accounts, members, organizations

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


class KiemdiemAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Swagger UI's files, served from the installed ninja package (no CDN; works offline).
        assets: list[URLResolver | URLPattern] = [
            path(f"{ASSET_URL_PREFIX}{name}", partial(docs_asset, name=name), name=f"docs-{name}")
            for name in ASSETS
        ]
        return assets + super()._get_urls()


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
