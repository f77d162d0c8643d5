"""Interactive API docs (Swagger UI) served entirely from this server.

django-ninja serves its bundled Swagger UI files only when ``ninja`` is in INSTALLED_APPS, and
otherwise links them from a CDN, which an offline, on-premises installation cannot reach. Here the
page is rendered from our own template and the bundled files are read from the installed ninja
package through a small view, so nothing is fetched from outside.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg")
# Under docs/ so the assets share the docs page's path (the site's CSP is skipped for /api/docs).
ASSET_URL_PREFIX = "docs/"


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # (NinjaAPI.auth is typed as a list, a single callable or NOT_SET; here it is always the list.)
            "add_csrf": any(getattr(a, "csrf", False) for a in (api.auth or [])),  # type: ignore[union-attr]
            # Keys usable in a template: "swagger-ui.css" -> asset.swagger_ui_css.
            "asset": {
                name.replace("-", "_").replace(".", "_"): reverse(f"{api.urls_namespace}:docs-{name}")
                for name in ASSETS
            },
        }
        return render(request, self.template, context)


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
