"""Văn bản, biểu mẫu: the page listing a plan's documents within the user's scope, the downloads, and the
batch of every member's form run as a background job (``kiemdiem.lib.jobs``: a thread, or the queue run
by ``kiemdiem worker``) polled by ``kiemdiem/data.js`` (shared with the import page).

Views are thin: look the object up through the scope, check ``access.py``, build the document
(``catalog.py``), answer with the file.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from kiemdiem.access import documents as access
from kiemdiem.access.objects import plan_for, scope_of
from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.documents import catalog
from kiemdiem.documents.render import CONTENT_TYPES, FORMATS
from kiemdiem.lib.jobs import ACTIVE, FileJob
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import COLLECTIVE_KINDS, INDIVIDUAL_KINDS, Plan, SubjectKind
from kiemdiem.reviews.models import Meeting

JOB_KIND = "van-ban"
# Batches of up to this many forms are built inside the request; larger ones in a background job.
INLINE_MAX = 40


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _send(doc: catalog.Document, fmt: str) -> FileResponse:
    data = doc.render(fmt)
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=doc.filename(fmt), content_type=CONTENT_TYPES[fmt]
    )


def _cell(request: HttpRequest, plan: Plan) -> Organization | None:
    """The ``?chi_bo=`` of a request, looked up among the plan's cells in the user's organization scope."""
    cell_id = request.GET.get("chi_bo") or request.POST.get("chi_bo")
    if not cell_id:
        return None
    if not str(cell_id).isdigit():
        raise Http404
    ids = plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id")
    return get_object_or_404(scope_of(request).organizations().filter(pk__in=ids), pk=cell_id)


# --- the page ------------------------------------------------------------------------------------


@login_required
def plan_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Trang “Văn bản, biểu mẫu” of a plan: every document the user may download."""
    scope = scope_of(request)
    plan = plan_for(request, pk)
    all_docs = access.sees_all(scope, plan)
    cells = access.cells(scope, plan) if plan.is_published or all_docs else []
    cell_ids = {c.pk for c in cells}
    selected = None
    if request.GET.get("chi_bo", "").isdigit() and int(request.GET["chi_bo"]) in cell_ids:
        selected = next(c for c in cells if c.pk == int(request.GET["chi_bo"]))
    elif len(cells) == 1 and not all_docs:
        selected = cells[0]
    visible = scope.plan_subjects().filter(plan=plan)
    meetings = list(
        Meeting.objects.filter(plan=plan, organization_id__in=cell_ids)
        .select_related("organization")
        .order_by("date")
    )
    cell_rows = []
    reports = {
        s.organization_id: s for s in visible.filter(kind=SubjectKind.CELL, organization_id__in=cell_ids)
    }
    for c in cells:
        cell_rows.append(
            {
                "cell": c,
                "report": reports.get(c.pk),
                "meetings": [m for m in meetings if m.organization_id == c.pk],
            }
        )
    members = []
    if selected is not None:
        members = list(
            visible.filter(cell=selected, kind__in=INDIVIDUAL_KINDS, reviewed=True)
            .select_related("member")
            .order_by("member__sort_key", "id")
        )
    own = None
    own_entry = None
    if scope.user is not None and scope.user.member_id and plan.is_published:
        own = visible.filter(member_id=scope.user.member_id).first()
        if own is not None:
            own_entry = DecisionEntry.objects.filter(subject=own, published_at__isnull=False).first()
    fw = plan.framework()
    blank_forms = [{"code": f.code, "title": f.title, "kind": f.kinds[0]} for f in fw.forms if f.kinds]
    context: dict[str, Any] = {
        "plan": plan,
        "all_docs": all_docs,
        "blank_forms": blank_forms,
        "cells": cell_rows,
        "selected": selected,
        "members": members,
        "own": own,
        "own_entry": own_entry,
        "can_batch": all_docs or bool(cells),
        "job": _job_state(request, plan),
    }
    if all_docs:
        context["decisions"] = list(plan.decisions.order_by("date", "id"))
        context["reclassifications"] = list(
            Reclassification.objects.filter(entry__subject__plan=plan)
            .select_related("entry__subject")
            .order_by("date", "id")
        )
        context["collectives"] = list(
            visible.filter(kind__in=COLLECTIVE_KINDS).exclude(kind=SubjectKind.CELL).order_by("kind", "name")
        )
        context["collective_meetings"] = list(
            Meeting.objects.filter(plan=plan, collective__isnull=False)
            .select_related("collective")
            .order_by("date")
        )
    return render(request, "documents/plan_documents.html", context)


# --- single documents ----------------------------------------------------------------------------


@login_required
def plan_document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponseBase:
    """Documents of a plan: the plan, blank forms, the opinion summary and the record checklist."""
    scope = scope_of(request)
    plan = plan_for(request, pk)
    fmt = _fmt(fmt)
    if kind == "ke-hoach":
        return _send(catalog.plan_document(plan), fmt)
    if kind == "mau-trang":
        subject_kind = request.GET.get("loai", SubjectKind.MEMBER)
        if subject_kind not in SubjectKind.values:
            raise Http404
        if subject_kind in COLLECTIVE_KINDS and not (access.sees_all(scope, plan) or scope.secretary_cells()):
            raise PermissionDenied
        return _send(catalog.blank_form(plan, subject_kind), fmt)
    if kind in ("tong-hop-y-kien", "danh-muc-ho-so"):
        cell = _cell(request, plan)
        if not access.can_cell(scope, plan, cell):
            raise PermissionDenied
        build = catalog.feedback if kind == "tong-hop-y-kien" else catalog.checklist
        return _send(build(plan, cell), fmt)
    raise Http404


@login_required
def subject_document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponseBase:
    """Documents of one subject: the form or report, the result notice, the re-classification decision."""
    scope = scope_of(request)
    subject = get_object_or_404(
        scope.plan_subjects().select_related("plan", "plan__organization", "member", "cell", "collective"),
        pk=pk,
    )
    fmt = _fmt(fmt)
    if kind == "ban-kiem-diem":
        if not access.can_form(scope, subject):
            raise PermissionDenied
        return _send(catalog.subject_form(subject), fmt)
    if kind in ("thong-bao", "xep-loai-lai"):
        entry = DecisionEntry.objects.filter(subject=subject).select_related("decision").first()
        if entry is None:
            raise Http404
        if kind == "thong-bao":
            if not access.can_notice(scope, subject, entry.published_at is not None):
                raise PermissionDenied
            return _send(catalog.notice(entry), fmt)
        if not access.sees_all(scope, subject.plan):
            raise PermissionDenied
        rec = entry.reclassifications.order_by("-date", "-id").first()
        if rec is None:
            raise Http404
        return _send(catalog.reclassification(rec), fmt)
    raise Http404


@login_required
def decision_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    scope = scope_of(request)
    decision = get_object_or_404(
        Decision.objects.select_related("plan", "plan__organization"), pk=pk, plan__in=scope.plans()
    )
    if not access.sees_all(scope, decision.plan):
        raise PermissionDenied
    return _send(catalog.decision(decision), _fmt(fmt))


@login_required
def meeting_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    scope = scope_of(request)
    meeting = get_object_or_404(
        Meeting.objects.select_related("plan", "organization", "collective", "chair", "secretary"),
        pk=pk,
        plan__in=scope.plans(),
    )
    org = meeting.organization or (meeting.collective.organization if meeting.collective else None)
    if not (
        access.sees_all(scope, meeting.plan)
        or (org is not None and access.can_cell(scope, meeting.plan, org))
    ):
        raise PermissionDenied
    return _send(catalog.minutes(meeting), _fmt(fmt))


# --- the batch of every member's form --------------------------------------------------------------


def _session_key(plan: Plan) -> str:
    return f"documents_batch_{plan.pk}"


def _job(request: HttpRequest, plan: Plan) -> FileJob | None:
    job_id = request.session.get(_session_key(plan))
    if not job_id:
        return None
    try:
        job = FileJob(JOB_KIND, job_id)
    except ValueError:
        return None
    state = job.load()
    if not state or state.get("user") != request.user.pk or state.get("plan") != plan.pk:
        return None
    return job


def _job_state(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    job = _job(request, plan)
    if job is None:
        return {}
    state = job.load()
    state["percent"] = int(100 * state["done"] / state["total"]) if state.get("total") else 0
    return state


@login_required
def document_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: start the batch (``dinh_dang`` docx|pdf, optional ``chi_bo``); GET: back to the page."""
    scope = scope_of(request)
    plan = plan_for(request, pk)
    if request.method == "GET":
        return redirect("plan_documents", pk=plan.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    cell = _cell(request, plan)
    if not access.can_cell(scope, plan, cell):
        raise PermissionDenied
    fmt = request.POST.get("dinh_dang", "docx")
    if fmt not in FORMATS:
        fmt = "docx"
    old = _job(request, plan)
    if old is not None:
        if old.load().get("status") in ACTIVE:
            return redirect("plan_documents", pk=plan.pk)
        old.delete()
    subjects = catalog.batch_subjects(plan, cell)
    suffix = ".zip" if fmt == "docx" else ".pdf"
    job = FileJob.create(
        JOB_KIND,
        user=request.user.pk,
        plan=plan.pk,
        cell=cell.pk if cell else None,
        fmt=fmt,
        name=catalog.batch_name(plan, cell, fmt),
        count=len(subjects),
        suffix=suffix,
    )
    request.session[_session_key(plan)] = job.id
    args = {"plan_id": plan.pk, "subject_ids": [s.pk for s in subjects], "fmt": fmt, "suffix": suffix}
    if len(subjects) <= INLINE_MAX:
        job.run(catalog.batch_task, **args)
    else:
        job.start(catalog.batch_task, **args)
    return redirect("plan_documents", pk=plan.pk)


@login_required
def document_batch_progress(request: HttpRequest, pk: int) -> JsonResponse:
    plan = plan_for(request, pk)
    job = _job(request, plan)
    return JsonResponse(job.public_state() if job else {"status": "none", "stage": "", "done": 0, "total": 0})


@login_required
def document_batch_download(request: HttpRequest, pk: int) -> FileResponse:
    plan = plan_for(request, pk)
    job = _job(request, plan)
    state = job.load() if job else {}
    if job is None or state.get("status") != "done":
        raise Http404
    cell_id = state.get("cell")
    cell = Organization.objects.filter(pk=cell_id).first() if cell_id else None
    if not access.can_cell(scope_of(request), plan, cell):
        raise PermissionDenied
    path = job.path(state["suffix"])
    content_type = CONTENT_TYPES["zip" if state["suffix"] == ".zip" else "pdf"]
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=state["name"], content_type=content_type
    )
