"""Nhập / xuất dữ liệu: templates, member export, and the two-step import (Kiểm tra, then Nhập dữ liệu).

Only the committee office (``scope.can_manage_registry``) reaches these pages.

How an import runs: the uploaded file is kept in ``DATA_DIR/imports/`` under a random id stored in the
user's session, next to a small JSON file holding the job's state (stage, progress, result): a
``kiemdiem.lib.jobs.FileJob``. Small files are processed inside the request. Larger ones run as a
background job (a thread, or the queue run by ``kiemdiem worker``) and the page polls
``import_progress`` from ``static/kiemdiem/data.js``. The import itself is one transaction, so a worker
dying mid-way changes nothing.
"""

from __future__ import annotations

import io
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from kiemdiem.access.objects import scope_of
from kiemdiem.lib import dates
from kiemdiem.lib.jobs import ACTIVE, FileJob, Progress
from kiemdiem.lib.spreadsheets import MAX_FILE_BYTES, FileRejected, ImportResult, check_upload
from kiemdiem.members.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    member_template_xlsx,
    organization_template_xlsx,
    write_members,
)
from kiemdiem.members.importing import import_members
from kiemdiem.members.organization_import import import_organizations
from kiemdiem.organizations.models import Organization

from .requests import AuthenticatedRequest

IMPORTERS = {"members": import_members, "organizations": import_organizations}
KIND_LABELS = {"members": "Đảng viên", "organizations": "Tổ chức đảng"}
# Files above this size are processed in a background job with a progress bar (≈ 2,000 rows).
BACKGROUND_BYTES = 200 * 1024
JOB_KIND = "imports"
_SESSION_KEY = "data_import_job"


def _office_scope(request: HttpRequest) -> Any:
    scope = scope_of(request)
    if not scope.can_manage_registry:
        raise PermissionDenied
    return scope


# --- import jobs -------------------------------------------------------------------------------


def _create_job(user_id: int, kind: str, name: str, data: bytes) -> FileJob:
    """Keep the uploaded file as ``<id>.xlsx`` or ``<id>.csv`` next to the job's state."""
    ext = ".csv" if name.lower().endswith(".csv") else ".xlsx"
    job = FileJob.create(JOB_KIND, user=user_id, kind=kind, name=name, ext=ext, phase="check", size=len(data))
    job.path(ext).write_bytes(data)
    return job


def import_task(job: FileJob, progress: Progress, scope_org_ids: list[int], dry_run: bool) -> dict[str, Any]:
    """The check (dry run) or the import of the job's file as a job task; the result as a dict."""
    state = job.load()
    scope_orgs = list(Organization.objects.filter(pk__in=scope_org_ids).only("pk"))
    with job.path(state["ext"]).open("rb") as f:
        result = IMPORTERS[state["kind"]](
            f, scope_orgs=scope_orgs, dry_run=dry_run, progress=progress, filename=state["name"]
        )
    return result.to_dict()


def _start(job: FileJob, scope: Any, dry_run: bool) -> None:
    ids = list(scope.manageable_organizations().values_list("pk", flat=True))
    job.update(
        status="queued", phase="check" if dry_run else "import", stage="", done=0, total=0, result=None
    )
    if job.load().get("size", 0) > BACKGROUND_BYTES:
        job.start(import_task, scope_org_ids=ids, dry_run=dry_run)
    else:
        job.run(import_task, scope_org_ids=ids, dry_run=dry_run)


def _current_job(request: HttpRequest) -> FileJob | None:
    job_id = request.session.get(_SESSION_KEY)
    if not job_id:
        return None
    try:
        job = FileJob(JOB_KIND, job_id)
    except ValueError:
        return None
    state = job.load()
    if not state or state.get("user") != request.user.pk:
        return None
    return job


# --- pages -------------------------------------------------------------------------------------


def _page(request: HttpRequest, scope: Any, error: str = "", status: int = 200) -> HttpResponse:
    job = _current_job(request)
    state = job.load() if job else {}
    result = ImportResult.from_dict(state["result"]) if state.get("result") else None
    context = {
        "cells": scope.organizations().cells().filter(active_to__isnull=True).order_by("path"),
        "kinds": KIND_LABELS.items(),
        "max_mb": MAX_FILE_BYTES // 1024 // 1024,
        "error": error,
        "job": state,
        "job_kind": KIND_LABELS.get(state.get("kind", ""), ""),
        "result": result,
        "errors": result.errors[:1000] if result else [],
        "more_errors": max(0, len(result.errors) - 1000) if result else 0,
        "changed": [c for c in result.changes if c.kinds != ["unchanged"]][:1000] if result else [],
        "counts": result.count_rows() if result else [],
        "percent": int(100 * state["done"] / state["total"]) if state.get("total") else 0,
    }
    return render(request, "web/import_export.html", context, status=status)


@login_required
def import_export(request: HttpRequest) -> HttpResponse:
    return _page(request, _office_scope(request))


@login_required
def import_check(request: AuthenticatedRequest) -> HttpResponse:
    """Bước 1 — Kiểm tra: keep the uploaded file and validate it without writing anything."""
    scope = _office_scope(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    kind = request.POST.get("loai", "")
    upload = request.FILES.get("tep")
    if kind not in IMPORTERS:
        return _page(request, scope, "Hãy chọn loại dữ liệu cần nhập (đảng viên hoặc tổ chức đảng).")
    if upload is None:
        return _page(request, scope, "Hãy chọn tệp .xlsx hoặc .csv cần nhập.")
    try:
        check_upload(upload.name or "", upload.size or 0)
    except FileRejected as exc:
        return _page(request, scope, str(exc))
    old = _current_job(request)
    if old is not None and old.load().get("status") not in ACTIVE:
        old.delete()
    job = _create_job(request.user.pk, kind, upload.name or "", upload.read())
    request.session[_SESSION_KEY] = job.id
    _start(job, scope, dry_run=True)
    return redirect("import_export")


@login_required
def import_commit(request: HttpRequest) -> HttpResponse:
    """Bước 2 — Nhập dữ liệu (or Hủy): import the checked file, all or nothing."""
    scope = _office_scope(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = _current_job(request)
    if job is None:
        return _page(request, scope, "Không có tệp nào đang chờ nhập; hãy tải tệp lên và kiểm tra trước.")
    state = job.load()
    if state.get("status") in ACTIVE:
        return _page(request, scope, "Tệp đang được xử lý, hãy chờ xong.")
    if "huy" in request.POST:
        job.delete()
        request.session.pop(_SESSION_KEY, None)
        messages.info(request, "Đã hủy tệp nhập; không có dữ liệu nào thay đổi.")
        return redirect("import_export")
    result = ImportResult.from_dict(state["result"]) if state.get("result") else None
    if state.get("phase") != "check" or result is None or not result.ok:
        return _page(request, scope, "Tệp chưa qua bước kiểm tra hoặc còn lỗi; không thể nhập.")
    _start(job, scope, dry_run=False)
    return redirect("import_export")


@login_required
def import_progress(request: HttpRequest) -> JsonResponse:
    """Tiến độ of the current job, polled by data.js."""
    _office_scope(request)
    job = _current_job(request)
    return JsonResponse(job.public_state() if job else {"status": "none", "stage": "", "done": 0, "total": 0})


# --- downloads ---------------------------------------------------------------------------------


def _download(data: bytes | io.BytesIO, filename: str, content_type: str) -> FileResponse:
    buffer = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=content_type)


@login_required
def member_template(request: HttpRequest) -> FileResponse:
    scope = _office_scope(request)
    cell = scope.manageable_organizations().cells().filter(active_to__isnull=True).order_by("path").first()
    out = io.BytesIO()
    member_template_xlsx(out, example_cell=cell.code if cell else "TT-TDP01")
    return _download(out, "mau-nhap-dang-vien.xlsx", XLSX_CONTENT_TYPE)


@login_required
def organization_template(request: HttpRequest) -> FileResponse:
    scope = _office_scope(request)
    home = scope.home_organization
    out = io.BytesIO()
    organization_template_xlsx(out, example_parent=home.code if home else "DB-TT")
    return _download(out, "mau-nhap-to-chuc.xlsx", XLSX_CONTENT_TYPE)


@login_required
def member_export(request: HttpRequest) -> FileResponse:
    """Xuất đảng viên within the scope, optionally of one cell (``?chi_bo=<id>``), as XLSX or CSV."""
    scope = _office_scope(request)
    members = scope.members()
    suffix = ""
    if request.GET.get("chi_bo"):
        cell = get_object_or_404(scope.organizations().cells(), pk=request.GET["chi_bo"])
        members = members.filter(cell=cell)
        suffix = f"-{cell.code}"
    fmt = "csv" if request.GET.get("dinh_dang") == "csv" else "xlsx"
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_members(members, out, fmt)
    out.seek(0)
    day = dates.today().strftime("%d-%m-%Y")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"dang-vien{suffix}-{day}.{fmt}",
        content_type=CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE,
    )
