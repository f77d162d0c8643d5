from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def import_export(request: HttpRequest) -> HttpResponse:
    if not request.scope.can_manage_registry:  # type: ignore[attr-defined]
        raise PermissionDenied
    return render(request, "web/import_export.html", {})
