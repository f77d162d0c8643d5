"""Review pages: thin views over reviews.services, scoped through ``kiemdiem.access``.

- my tasks (việc của tôi), the review form with evidence and autosave;
- the plan's and the cell's review pages, feedback requests, responses and the summary sheet;
- meetings: criticism, responses, paper tallies, online secret ballots, the projector mode.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kiemdiem.access.objects import (
    acting_member,
    item_for,
    meeting_for,
    plan_for,
    review_for,
    scope_of,
    subject_for,
)
from kiemdiem.accounts.models import Role
from kiemdiem.audit.services import record
from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.lib import dates
from kiemdiem.organizations.models import LeadershipCollective
from kiemdiem.plans.models import (
    COLLECTIVE_KINDS,
    INDIVIDUAL_KINDS,
    Plan,
    PlanStatus,
    PlanSubject,
    SubjectKind,
)
from kiemdiem.reviews import ballots as ballot_service
from kiemdiem.reviews import feedback as feedback_service
from kiemdiem.reviews import meetings as meeting_service
from kiemdiem.reviews import services
from kiemdiem.reviews.models import (
    BallotBox,
    Evidence,
    FeedbackRequest,
    FeedbackSource,
    Level,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Review,
    ReviewPlace,
    ReviewStatus,
    VoteMode,
    VoterRollEntry,
)
from kiemdiem.rules.levels import LEVEL_LABEL_BY_CODE

from .forms_reviews import (
    BallotForm,
    CancelBallotForm,
    CloseMeetingForm,
    CountingForm,
    CriticismForm,
    EvidenceForm,
    FeedbackRequestForm,
    FeedbackResponseForm,
    MeetingOpenForm,
    ReceiptForm,
    ReopenForm,
    ResponseForm,
    ReviewForm,
    TallyForm,
)

LEVEL_LABELS = LEVEL_LABEL_BY_CODE


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _code(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "invalid"
    return exc.error_list[0].code or "" if exc.error_list else ""


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """Run a service call; show its Vietnamese refusal as messages, or the success message. True if done."""
    try:
        result = action()
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for msg in errors:
            messages.error(request, msg)


# ----------------------------------------------------------------------------------------------
# Việc của tôi
# ----------------------------------------------------------------------------------------------


def _review_rows(subject: PlanSubject) -> list[dict[str, Any]]:
    places = [ReviewPlace.CELL]
    if subject.kind == SubjectKind.LEADER and subject.collective_id:
        places.append(ReviewPlace.COLLECTIVE)
    reviews = {r.place: r for r in Review.objects.filter(subject=subject)}
    for r in reviews.values():
        r.subject = subject  # is_locked reads the subject's plan (and its steps, read once per plan)
    rows = []
    for place in places:
        review = reviews.get(place)
        rows.append(
            {
                "subject": subject,
                "place": ReviewPlace(place),
                "review": review,
                "deadline": services.review_deadline(subject, place),
                "locked": services.is_locked(review) if review else False,
                "url": _review_url(subject, place),
            }
        )
    return rows


def _review_url(subject: PlanSubject, place: str) -> str:
    if place == ReviewPlace.COLLECTIVE:
        return reverse("review_form_leadership", args=[subject.pk])
    return reverse("review_form", args=[subject.pk])


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    member = acting_member(request)
    published = list(scope.plans().filter(status=PlanStatus.PUBLISHED))
    reviews: list[dict[str, Any]] = []
    ballots: list[VoterRollEntry] = []
    results: list[DecisionEntry] = []
    if member is not None:
        # The member's own subjects of the readable published plans: what scope.plan_subjects() gives
        # for them (its member part always admits the member him/herself), without its subqueries.
        plans = {p.pk: p for p in published}
        subjects = PlanSubject.objects.filter(member=member, plan_id__in=plans, reviewed=True).order_by(
            "-plan__year"
        )
        for s in subjects:
            s.plan = plans[s.plan_id]  # one plan object per plan: its steps are read once
            reviews.extend(_review_rows(s))
        ballots = list(
            VoterRollEntry.objects.filter(member=member, box__closed_at__isnull=True).select_related(
                "box__item__subject",
                "box__item__meeting__organization",  # the meeting's name
                "box__item__meeting__collective",
            )
        )
        results = list(
            DecisionEntry.objects.filter(subject__member=member, published_at__isnull=False)
            .select_related("subject__plan", "decision")
            .prefetch_related("subject__remediation_items")
            .order_by("-subject__plan__year")
        )
    cells = [
        (plan, cell)
        for plan in published
        for cell in scope.secretary_cells()
        if scope.can_run_meeting(plan, cell)
    ]
    # can_manage_plan needs the office role: without it, no plan is managed (and no query is needed).
    managed = [p for p in scope.plans() if scope.can_manage_plan(p)] if scope.orgs_for(Role.OFFICE) else []
    feedback_open = scope.feedback_requests().filter(responses__isnull=True).count()
    context = {
        "member": member,
        "reviews": reviews,
        "ballots": ballots,
        "results": results,
        "cells": cells,
        "managed": managed,
        "feedback_open": feedback_open,
        "has_feedback": scope.feedback_requests().exists(),
        "today": dates.today(),
    }
    return render(request, "reviews/my_tasks.html", context)


# ----------------------------------------------------------------------------------------------
# Bản kiểm điểm / báo cáo kiểm điểm
# ----------------------------------------------------------------------------------------------


def _meeting_date(review: Review) -> Any:
    """The date to check the collective's circulated draft against: its meeting, else the plan's deadline."""
    subject = review.subject
    meetings = Meeting.objects.filter(plan=subject.plan)
    if subject.kind == SubjectKind.LEADERSHIP_COLLECTIVE:
        meetings = meetings.filter(collective_id=subject.collective_id)
    else:
        assert subject.organization_id is not None  # a cell's or grassroots organization's own subject
        meetings = meetings.filter(organization_id=subject.organization_id)
    meeting = meetings.order_by("date").first()
    if meeting is not None:
        return meeting.date, True
    step = subject.plan.steps.filter(code="hoi_nghi").first()
    if step is None:
        return None, False
    due = step.due_cells if subject.kind == SubjectKind.CELL else step.due_committee
    return due, False


@login_required
def review_form(request: HttpRequest, subject_id: int, place: str = ReviewPlace.CELL) -> HttpResponse:
    scope = scope_of(request)
    subject = subject_for(request, subject_id)
    can_edit = scope.can_edit_review(subject)
    review = (
        Review.objects.filter(subject=subject, place=place)
        .select_related("collective_review__subject")
        .first()
    )
    if review is None:
        if not can_edit:
            return render(request, "reviews/review_missing.html", {"subject": subject}, status=404)
        try:
            review = services.get_or_create_review(subject, place, actor=request.user)
        except ValidationError as exc:
            return render(
                request,
                "reviews/review_missing.html",
                {"subject": subject, "errors": _errors(exc)},
                status=400,
            )
    review.subject = subject  # loaded above with its plan (whose steps are then read once)
    locked = services.is_locked(review)
    form = ReviewForm(request.POST or None, subject=subject, review=review)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_review(
                    review,
                    form.review_data(),
                    request.user,
                    version=form.cleaned_data["version"],
                    acting_member=acting_member(request),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:  # save_review gave ``review`` the saved values
                if request.POST.get("action") == "submit":
                    try:
                        services.submit_review(review, request.user)
                    except ValidationError as exc:
                        messages.success(request, "Đã lưu bản nháp.")
                        for msg in exc.messages:
                            messages.error(request, msg)
                    else:
                        messages.success(request, "Đã nộp bản kiểm điểm.")
                else:
                    messages.success(request, "Đã lưu bản nháp.")
                return redirect(_review_url(subject, place))
    fw = subject.plan.framework()
    warning, meeting_date, has_meeting = "", None, False
    if subject.kind in COLLECTIVE_KINDS:
        meeting_date, has_meeting = _meeting_date(review)
        if meeting_date is not None:
            warning = services.circulation_warning(review, meeting_date)
    other_place = None
    if subject.kind == SubjectKind.LEADER and subject.collective_id:
        other = ReviewPlace.COLLECTIVE if place == ReviewPlace.CELL else ReviewPlace.CELL
        other_place = {"label": ReviewPlace(other).label, "url": _review_url(subject, other)}
    context = {
        "subject": subject,
        "review": review,
        "form": form,
        "fw": fw,
        "form_title": _form_title(fw, subject),
        "place": ReviewPlace(place),
        "can_edit": can_edit and not locked,
        "can_submit": can_edit and not locked and review.status != ReviewStatus.SUBMITTED,
        "locked": locked,
        "deadline": services.review_deadline(subject, place),
        "problems": services.submission_problems(review) if review.status != ReviewStatus.SUBMITTED else [],
        "evidence": review.evidence.select_related("uploaded_by").order_by("uploaded_at"),
        "evidence_form": EvidenceForm(),
        "can_reopen": scope.can_manage_plan(subject.plan) and locked,
        "reopen_form": ReopenForm(),
        "warning": warning,
        "meeting_date": meeting_date,
        "has_meeting": has_meeting,
        "other_place": other_place,
        "collective_review": review.collective_review,
    }
    return render(request, "reviews/review_form.html", context)


def _form_title(fw: Any, subject: PlanSubject) -> str:
    try:
        form = fw.form_for(subject.kind)
    except KeyError:
        return subject.form_code
    return f"{form.code}: {form.title}"


@login_required
@require_POST
def review_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Lưu nháp tự động: returns the new version, or the reason the save was refused."""
    review = review_for(request, pk)
    if not scope_of(request).can_edit_review(review.subject):
        return JsonResponse(
            {"ok": False, "error": "Đồng chí không có quyền sửa bản kiểm điểm này."}, status=403
        )
    form = ReviewForm(request.POST, subject=review.subject, review=review)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse(
            {"ok": False, "error": "Chưa lưu được: có ô nhập chưa hợp lệ.", "errors": errors}, status=400
        )
    try:
        saved = services.save_review(
            review,
            form.review_data(),
            request.user,
            version=form.cleaned_data["version"],
            acting_member=acting_member(request),
        )
    except ValidationError as exc:
        code = _code(exc)
        status = 409 if code in ("stale", "locked") else 400
        return JsonResponse({"ok": False, "error": " ".join(exc.messages), "code": code}, status=status)
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S %d/%m/%Y"),
        }
    )


@login_required
@require_POST
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for(request, pk)
    if not scope_of(request).can_manage_plan(review.subject.plan):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.reopen_review(review, request.user, form.cleaned_data["reason"]),
            "Đã mở lại bản kiểm điểm để sửa.",
        )
    else:
        messages.error(request, "Cần ghi lý do mở lại bản kiểm điểm.")
    return redirect(_review_url(review.subject, review.place))


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for(request, pk)
    if not scope_of(request).can_edit_review(review.subject):
        raise PermissionDenied
    url = _review_url(review.subject, review.place) + "#minh-chung"
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(url)
    _attempt(
        request,
        lambda: services.add_evidence(
            review, request.user, form.cleaned_data["description"], form.cleaned_data["file"]
        ),
        "Đã tải lên minh chứng.",
    )
    return redirect(url)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("review__subject__plan"),
        pk=pk,
        review__subject__in=scope_of(request).plan_subjects(),
        review__subject__plan__status=PlanStatus.PUBLISHED,
    )


def evidence_filename(evidence: Evidence) -> str:
    name = PurePath(evidence.file.name or "").name  # (a saved evidence always has its file name)
    prefix, _, rest = name.partition("-")
    return rest if len(prefix) == 32 and rest else name


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy tệp.") from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence_filename(evidence))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    review = evidence.review
    if not scope_of(request).can_edit_review(review.subject):
        raise PermissionDenied
    url = _review_url(review.subject, review.place) + "#minh-chung"
    _attempt(request, lambda: services.delete_evidence(evidence, request.user), "Đã xóa minh chứng.")
    return redirect(url)
    with transaction.atomic():
        record(request.user, "review.evidence_delete", review, f"Xóa minh chứng “{evidence.description}”")
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.delete(save=False))
    messages.success(request, "Đã xóa minh chứng.")
    return redirect(url)


# ----------------------------------------------------------------------------------------------
# Plan overview (office), cell page (cell secretary)
# ----------------------------------------------------------------------------------------------


def _state(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {"label": "Chưa viết", "css": "bad"}
    if review.status == ReviewStatus.SUBMITTED:
        return {"label": "Đã nộp", "css": "ok"}
    if services.is_locked(review):
        return {"label": "Quá hạn, đã khóa", "css": "bad"}
    return {"label": review.get_status_display(), "css": "warn"}


@login_required
def plan_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(request, pk, published=True)
    if not scope.can_appraise(plan):
        raise PermissionDenied
    subjects = plan.subjects.filter(reviewed=True)
    reviews = {
        (r.subject_id, r.place): r
        for r in Review.objects.filter(subject__plan=plan).select_related("subject")
    }
    for r in reviews.values():
        r.subject.plan = plan  # _state → is_locked reads the plan's steps: once, not per review
    collectives = [
        {
            "subject": s,
            "state": _state(reviews.get((s.pk, ReviewPlace.CELL))),
            "url": _review_url(s, ReviewPlace.CELL),
        }
        for s in subjects.filter(kind__in=[SubjectKind.GRASSROOTS_ORG, SubjectKind.LEADERSHIP_COLLECTIVE])
        .select_related("collective")
        .order_by("kind", "name")
    ]
    leaders = [
        {
            "subject": s,
            "at_cell": _state(reviews.get((s.pk, ReviewPlace.CELL))),
            "at_collective": _state(reviews.get((s.pk, ReviewPlace.COLLECTIVE))),
            "url": _review_url(s, ReviewPlace.COLLECTIVE),
        }
        for s in subjects.filter(kind=SubjectKind.LEADER, collective__isnull=False)
        .select_related("collective", "member")
        .order_by("collective__name", "member__sort_key")
    ]
    cells = []
    for s in (
        subjects.filter(kind=SubjectKind.CELL).select_related("organization").order_by("organization__path")
    ):
        individuals = [x for x in subjects.filter(cell=s.organization, kind__in=INDIVIDUAL_KINDS)]
        submitted = sum(
            1
            for x in individuals
            if (own := reviews.get((x.pk, ReviewPlace.CELL))) is not None and own.status == ReviewStatus.SUBMITTED
        )
        cells.append(
            {
                "subject": s,
                "state": _state(reviews.get((s.pk, ReviewPlace.CELL))),
                "count": len(individuals),
                "submitted": submitted,
                "meetings": Meeting.objects.filter(plan=plan, organization=s.organization).count(),
            }
        )
    meetings = Meeting.objects.filter(plan=plan, collective__isnull=False).select_related("collective")
    context = {
        "plan": plan,
        "collectives": collectives,
        "leaders": leaders,
        "cells": cells,
        "meetings": meetings,
        "can_manage": scope.can_manage_plan(plan),
        "collective_choices": LeadershipCollective.objects.filter(
            pk__in=subjects.filter(kind=SubjectKind.LEADERSHIP_COLLECTIVE).values("collective_id")
        ),
    }
    return render(request, "reviews/plan_reviews.html", context)


def _cell_for(request: HttpRequest, plan: Plan, cell_id: int) -> Any:
    scope = scope_of(request)
    subject = get_object_or_404(
        plan.subjects.select_related("organization"), kind=SubjectKind.CELL, organization_id=cell_id
    )
    if not scope.can_run_meeting(plan, subject.organization):
        raise PermissionDenied
    return subject


@login_required
def cell_reviews(request: HttpRequest, pk: int, cell_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(request, pk, published=True)
    cell_subject = _cell_for(request, plan, cell_id)
    cell = cell_subject.organization
    subjects = list(
        scope.plan_subjects()
        .filter(plan=plan, cell=cell, kind__in=INDIVIDUAL_KINDS)
        .select_related("member")
        .order_by("-reviewed", "member__sort_key")
    )
    by_pk = {s.pk: s for s in [cell_subject, *subjects]}
    for s in subjects:
        s.plan = plan
    reviews = {
        (r.subject_id, r.place): r
        for r in Review.objects.filter(subject__in=list(by_pk)).select_related("entered_by")
    }
    for r in reviews.values():
        r.subject = by_pk[r.subject_id]  # _state → is_locked: no query per draft review
    summary = {
        row.subject.pk: row
        for row in feedback_service.feedback_summary(plan.subjects.filter(pk__in=[s.pk for s in subjects]))
    }
    rows = []
    for s in subjects:
        review = reviews.get((s.pk, ReviewPlace.CELL))
        fb = summary.get(s.pk)
        rows.append(
            {
                "subject": s,
                "review": review,
                "state": _state(review),
                "url": _review_url(s, ReviewPlace.CELL),
                "requested": len(fb.requested) if fb else 0,
                "missing": fb.missing if fb else [],
            }
        )
    cell_review = reviews.get((cell_subject.pk, ReviewPlace.CELL))
    context = {
        "plan": plan,
        "cell": cell,
        "cell_subject": cell_subject,
        "cell_state": _state(cell_review),
        "cell_review": cell_review,
        "rows": rows,
        "meetings": Meeting.objects.filter(plan=plan, organization=cell)
        .select_related("organization", "collective")  # the meeting's name
        .order_by("-date"),
        "requests": scope.feedback_requests()
        .filter(subject__plan=plan, subject__cell=cell)
        .select_related("subject")
        .prefetch_related("responses")
        .order_by("subject__member__sort_key", "source"),
    }
    return render(request, "reviews/cell_reviews.html", context)


# ----------------------------------------------------------------------------------------------
# Ý kiến nhận xét
# ----------------------------------------------------------------------------------------------


@login_required
def feedback_send(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(request, pk, published=True)
    if not scope.can_manage_plan(plan):
        raise PermissionDenied
    cells = (
        scope.organizations()
        .filter(pk__in=plan.subjects.filter(kind=SubjectKind.CELL).values("organization_id"))
        .order_by("path")
    )
    form = FeedbackRequestForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        subjects = plan.subjects.filter(kind__in=INDIVIDUAL_KINDS, reviewed=True)
        if form.cleaned_data["cell"] is not None:
            subjects = subjects.filter(cell=form.cleaned_data["cell"])
        try:
            n = feedback_service.request_feedback(
                plan,
                form.cleaned_data["sources"],
                form.cleaned_data["due_date"],
                request.user,
                subjects=subjects,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Đã gửi {n} yêu cầu nhận xét.")
            return redirect("feedback_send", plan.pk)
    existing = {
        source: FeedbackRequest.objects.filter(subject__plan=plan, source=source).count()
        for source in FeedbackSource.values
    }
    counts = [(FeedbackSource(s).label, n) for s, n in existing.items()]
    return render(request, "reviews/feedback_send.html", {"plan": plan, "form": form, "counts": counts})


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    requests = (
        scope.feedback_requests()
        .select_related("subject__plan", "subject__cell", "organization")
        .prefetch_related("responses")
        .order_by("-subject__plan__year", "due_date", "subject__cell__path", "subject__member__sort_key")
    )
    if request.GET.get("con_thieu"):
        requests = requests.filter(responses__isnull=True)
    page = Paginator(requests, 100).get_page(request.GET.get("trang"))
    return render(
        request,
        "reviews/feedback_list.html",
        {"page": page, "missing_only": bool(request.GET.get("con_thieu")), "today": dates.today()},
    )


@login_required
def feedback_respond(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        scope_of(request)
        .feedback_requests()
        .select_related("subject__plan", "subject__member", "subject__cell"),
        pk=pk,
    )
    form = FeedbackResponseForm(request.POST or None, request_obj=req)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            feedback_service.respond_feedback(
                req,
                request.user,
                text=d["text"],
                proposed_level=d["proposed_level"],
                anonymous=d.get("anonymous", False),
                responded_on=d["responded_on"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Đã ghi nhận ý kiến nhận xét.")
            return redirect("feedback_respond", req.pk)
    return render(
        request,
        "reviews/feedback_respond.html",
        {
            "req": req,
            "form": form,
            "responses": req.responses.select_related("responded_by").order_by("created_at"),
        },
    )


@login_required
def feedback_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Tổng hợp ý kiến: one row per member, one column per source; the office for the whole ward."""
    scope = scope_of(request)
    plan = plan_for(request, pk, published=True)
    cell_ids = list(plan.subjects.filter(kind=SubjectKind.CELL).values_list("organization_id", flat=True))
    cells = scope.organizations().filter(pk__in=cell_ids).order_by("path")
    chosen = request.GET.get("chi_bo", "")
    if scope.can_manage_plan(plan):
        cell = cells.filter(pk=chosen).first() if chosen.isdigit() else None
        choices = list(cells)
    else:
        mine = [c for c in scope.secretary_cells() if c.pk in cell_ids and scope.can_run_meeting(plan, c)]
        if not mine:
            raise PermissionDenied
        cell = next((c for c in mine if str(c.pk) == chosen), mine[0])
        choices = mine
    subjects = scope.plan_subjects().filter(plan=plan, kind__in=INDIVIDUAL_KINDS, reviewed=True)
    if cell is not None:
        subjects = subjects.filter(cell=cell)
    rows = feedback_service.feedback_summary(subjects.order_by("cell__path", "member__sort_key"))
    rows.sort(
        key=lambda r: (
            r.subject.cell.path if r.subject.cell else "",
            r.subject.member.sort_key if r.subject.member else "",
        )
    )
    voted = dict(
        MeetingItem.objects.filter(subject__in=subjects)
        .exclude(proposed_level="")
        .values_list("subject_id", "proposed_level")
    )
    sources = [s for s in FeedbackSource if any(s.value in r.requested for r in rows)]
    table = []
    for row in rows:
        table.append(
            {
                "subject": row.subject,
                "self_level": row.self_level,
                "voted": voted.get(row.subject.pk, ""),
                "cells": [
                    {
                        "label": s.label,
                        "requested": s.value in row.requested,
                        "responses": row.by_source.get(s.value, []),
                    }
                    for s in sources
                ],
                "missing": row.missing,
                "requested": bool(row.requested),
            }
        )
    context = {
        "plan": plan,
        "cell": cell,
        "choices": choices,
        "all_cells": scope.can_manage_plan(plan),
        "sources": sources,
        "table": table,
        "missing_total": sum(1 for r in table if r["missing"]),
    }
    return render(request, "reviews/feedback_summary.html", context)


# ----------------------------------------------------------------------------------------------
# Hội nghị kiểm điểm
# ----------------------------------------------------------------------------------------------


@login_required
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(request, pk, published=True)
    organization = collective = None
    cell_id, coll_id = request.GET.get("chi_bo", ""), request.GET.get("tap_the", "")
    if cell_id.isdigit():
        organization = _cell_for(request, plan, int(cell_id)).organization
        subjects = plan.subjects.filter(cell=organization, member__isnull=False)
        where = organization.name
    elif coll_id.isdigit():
        subject = get_object_or_404(
            plan.subjects.select_related("collective"),
            kind=SubjectKind.LEADERSHIP_COLLECTIVE,
            collective_id=int(coll_id),
        )
        if not scope.can_run_meeting(plan, None):
            raise PermissionDenied
        collective = subject.collective
        assert collective is not None  # the subject was found by its collective_id
        subjects = plan.subjects.filter(kind=SubjectKind.LEADER, collective=collective)
        where = collective.name
    else:
        raise Http404
    roll = scope.members().filter(pk__in=subjects.values("member_id")).order_by("sort_key")
    initial = {"total": subjects.filter(reviewed=True).count() or None, "excused": 0}
    form = MeetingOpenForm(request.POST or None, roll=roll, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = meeting_service.open_meeting(
                plan,
                date=d["date"],
                actor=request.user,
                organization=organization,
                collective=collective,
                attendees=list(d["attendees"]),
                total=d["total"],
                excused=d["excused"] or 0,
                chair=d["chair"],
                secretary=d["secretary"],
                place=d["place"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Đã mở {meeting}.")
            return redirect("meeting_detail", meeting.pk)
    existing = Meeting.objects.filter(plan=plan, organization=organization, collective=collective)
    return render(
        request,
        "reviews/meeting_open.html",
        {"plan": plan, "form": form, "where": where, "existing": existing, "organization": organization},
    )


def _vote_state(item: MeetingItem) -> dict[str, Any]:
    """What the meeting page may show about an item's vote: never who voted what."""
    box = getattr(item, "ballot_box", None)
    state: dict[str, Any] = {"box": box, "mode": item.vote_mode}
    if box is not None:
        state["voted"] = box.roll.filter(has_voted=True).count()
        state["roll"] = box.roll.count()
        if not box.is_open:
            totals = ballot_service.ballot_results(box)
            state["totals"] = [(LEVEL_LABELS[k], v) for k, v in totals.items()] if totals else None
            state["hidden"] = totals is None
    elif item.vote_mode == VoteMode.PAPER:
        tallies = list(item.tallies.order_by("entry_no").select_related("entered_by"))
        state["tallies"] = tallies
        if item.proposed_level:
            state["totals"] = [(LEVEL_LABELS[k], item.result.get(k, 0)) for k in Level.values]
            state["invalid"] = item.result.get("invalid", 0)
        elif len(tallies) == 1:
            state["waiting"] = tallies[0]
        elif len(tallies) >= 2:
            state["mismatch"] = True
    state["proposed"] = LEVEL_LABELS.get(item.proposed_level, "")
    return state


def _item_rows(meeting: Meeting) -> list[dict[str, Any]]:
    items = list(meeting.items.select_related("subject__member", "ballot_box").order_by("order", "id"))
    place = ReviewPlace.COLLECTIVE if meeting.collective_id else ReviewPlace.CELL
    reviews = {
        r.subject_id: r for r in Review.objects.filter(subject__in=[i.subject_id for i in items], place=place)
    }
    # The collective's own report is written at its own place (chi_bo is the default place).
    for r in Review.objects.filter(
        subject__in=[i.subject_id for i in items if i.subject.member_id is None], place=ReviewPlace.CELL
    ):
        reviews.setdefault(r.subject_id, r)
    subjects = {i.subject_id: i.subject for i in items}
    for s in subjects.values():
        if s.plan_id == meeting.plan_id:
            s.plan = meeting.plan
    for r in reviews.values():
        r.subject = subjects[r.subject_id]  # _state → is_locked: no query per draft review
    rows = []
    for i, item in enumerate(items, 1):
        review = reviews.get(item.subject_id)
        rows.append(
            {
                "n": i,
                "item": item,
                "review": review,
                "state": _state(review),
                "self_level": LEVEL_LABELS.get(review.self_level, "") if review else "",
                "url": _review_url(item.subject, place if item.subject.member_id else ReviewPlace.CELL),
                "vote": _vote_state(item),
            }
        )
    return rows


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    rows = _item_rows(meeting)
    context = {
        "meeting": meeting,
        "rows": rows,
        "quorum": meeting_service.quorum_ok(meeting),
        "attendees": meeting.attendees.order_by("sort_key"),
        "warnings": meeting_service.meeting_circulation_warnings(meeting),
        "is_open": meeting.status == MeetingStatus.OPEN,
        "criticism_form": CriticismForm(),
        "tally_form": TallyForm(),
        "close_form": CloseMeetingForm(initial={"minutes": meeting.minutes}),
        "min_ballots": ballot_service.MIN_BALLOTS_FOR_RESULTS,
        "open_boxes": [
            r["vote"]["box"] for r in rows if r["vote"]["box"] is not None and r["vote"]["box"].is_open
        ],
    }
    return render(request, "reviews/meeting_detail.html", context)


def _back(item: MeetingItem, request: HttpRequest) -> HttpResponse:
    if request.POST.get("from") == "trinh-chieu":
        url = reverse("meeting_projector", args=[item.meeting_id])
        return redirect(f"{url}?muc={item.pk}")
    return redirect(reverse("meeting_detail", args=[item.meeting_id]) + f"#muc-{item.pk}")


@login_required
@require_POST
def item_criticism(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    form = CriticismForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: meeting_service.add_criticism(
                item, request.user, form.cleaned_data["who"], form.cleaned_data["what"]
            ),
            f"Đã ghi góp ý đối với {item.subject.name}.",
        )
    else:
        messages.error(request, "Cần nhập nội dung góp ý.")
    return _back(item, request)


@login_required
@require_POST
def item_response(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: meeting_service.record_response(
                item, request.user, form.cleaned_data["response"], form.cleaned_data["review_presented"]
            ),
            f"Đã ghi ý kiến tiếp thu, giải trình của {item.subject.name}.",
        )
    return _back(item, request)


@login_required
@require_POST
def item_tally(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    form = TallyForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for msg in errors:
                messages.error(request, f"{label}: {msg}" if label else str(msg))  # (already a str)
        return _back(item, request)
    try:
        outcome = meeting_service.enter_paper_tally(
            item, request.user, form.counts(), form.cleaned_data.get("invalid") or 0
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        if outcome == "waiting":
            messages.success(request, "Đã ghi lần nhập thứ nhất; chờ lần nhập thứ hai của người khác.")
        else:
            item.refresh_from_db()
            messages.success(
                request,
                f"Hai lần nhập khớp nhau. Kết quả: {LEVEL_LABELS.get(item.proposed_level, item.proposed_level)}.",
            )
    return _back(item, request)


@login_required
@require_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    try:
        box = ballot_service.open_ballot(item, request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return _back(item, request)
    if box.counting_code:
        # Shown in this response only: never in a message (stored in the session) nor in a URL.
        context = {"item": item, "box": box, "code": box.counting_code, "from": request.POST.get("from", "")}
        return render(request, "reviews/ballot_code.html", context)
    messages.success(
        request,
        f"Đã mở bỏ phiếu kín cho {item.subject.name} ({box.roll.count()} cử tri). Khi kiểm phiếu, dùng mã "
        "kiểm phiếu đã nhận khi mở hòm phiếu đầu tiên của hội nghị.",
    )
    return _back(item, request)


def _on_box(
    request: HttpRequest, pk: int, form_class: Any, act: Callable[..., Any], success: str
) -> HttpResponse:
    """Count or cancel an item's ballot box: a missing box, the form's errors or the service's refusal
    become messages on the meeting page."""
    item = item_for(request, pk)
    box = getattr(item, "ballot_box", None)
    form = form_class(request.POST)
    if box is None:
        messages.error(request, "Chưa mở bỏ phiếu cho đối tượng này.")
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        _attempt(
            request, lambda: act(box, request.user, *form.cleaned_data.values()), success % item.subject.name
        )
    return _back(item, request)


@login_required
@require_POST
@sensitive_post_parameters("counting_code")
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_box(request, pk, CountingForm, ballot_service.close_ballot, "Đã kiểm phiếu kín của %s.")


@login_required
@require_POST
def ballot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_box(
        request,
        pk,
        CancelBallotForm,
        ballot_service.cancel_ballot,
        "Đã hủy hòm phiếu của %s; có thể biểu quyết lại (phiếu giấy hoặc bỏ phiếu kín).",
    )


@login_required
@never_cache
def ballot_status(request: HttpRequest, pk: int) -> JsonResponse:
    """How many have voted (never who, never what): polled by the meeting and projector pages."""
    item = item_for(request, pk)
    box = getattr(item, "ballot_box", None)
    if box is None:
        return JsonResponse({"open": False, "voted": 0, "roll": 0})
    return JsonResponse(
        {"open": box.is_open, "voted": box.roll.filter(has_voted=True).count(), "roll": box.roll.count()}
    )


@login_required
@require_POST
@sensitive_post_parameters("counting_code")
def meeting_count_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    form = CountingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        _attempt(
            request,
            lambda: ballot_service.close_all_ballots(meeting, request.user, form.cleaned_data["counting_code"]),
            lambda n: f"Đã kiểm phiếu {n} hòm phiếu kín.",
        )
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    form = CloseMeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting_service.close_meeting(meeting, request.user, form.cleaned_data["minutes"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, "Đã kết thúc hội nghị.")
    return redirect("meeting_detail", meeting.pk)


@login_required
def meeting_projector(request: HttpRequest, pk: int) -> HttpResponse:
    """Chế độ trình chiếu: one subject at a time, large text, the vote count, paper tallies."""
    meeting = meeting_for(request, pk)
    rows = _item_rows(meeting)
    if not rows:
        return render(request, "reviews/projector.html", {"meeting": meeting, "row": None})
    current = request.GET.get("muc", "")
    index = next((i for i, r in enumerate(rows) if str(r["item"].pk) == current), 0)
    prev_row = rows[index - 1] if index > 0 else None
    next_row = rows[index + 1] if index + 1 < len(rows) else None
    context = {
        "meeting": meeting,
        "row": rows[index],
        "total": len(rows),
        "prev": prev_row,
        "next": next_row,
        "is_open": meeting.status == MeetingStatus.OPEN,
        "tally_form": TallyForm(),
        "quorum": meeting_service.quorum_ok(meeting),
        "min_ballots": ballot_service.MIN_BALLOTS_FOR_RESULTS,
    }
    return render(request, "reviews/projector.html", context)


# ----------------------------------------------------------------------------------------------
# Phiếu bầu (member's phone)
# ----------------------------------------------------------------------------------------------


def _box(pk: int) -> BallotBox:
    return get_object_or_404(BallotBox.objects.select_related("item__subject", "item__meeting__plan"), pk=pk)


@login_required
@never_cache
@sensitive_post_parameters("level")
def ballot_vote(request: HttpRequest, pk: int) -> HttpResponse:
    box = _box(pk)
    member = acting_member(request)
    entry = VoterRollEntry.objects.filter(box=box, member=member).first() if member else None
    if member is None or entry is None:
        return render(request, "reviews/ballot_denied.html", {"box": box}, status=403)
    form = BallotForm(request.POST or None)
    context: dict[str, Any] = {
        "box": box,
        "form": form,
        "has_voted": entry.has_voted,
        "min_ballots": ballot_service.MIN_BALLOTS_FOR_RESULTS,
    }
    if request.method == "POST" and form.is_valid():
        try:
            code = ballot_service.cast_ballot(box, member, form.cleaned_data["level"])
        except (ValidationError, PermissionDenied) as exc:
            msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            context.update({"errors": msgs, "has_voted": True})
            return render(request, "reviews/ballot.html", context, status=409)
        return render(request, "reviews/ballot_receipt.html", {"box": box, "code": code})
    return render(request, "reviews/ballot.html", context)


@login_required
def ballot_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Kiểm tra mã biên nhận: whether a ballot with this code was counted (yes or no, nothing more)."""
    box = _box(pk)
    scope = scope_of(request)
    member = acting_member(request)
    on_roll = member is not None and VoterRollEntry.objects.filter(box=box, member=member).exists()
    meeting = box.item.meeting
    if not on_roll and not (
        meeting.plan in scope.plans() and scope.can_run_meeting(meeting.plan, meeting.organization)
    ):
        raise PermissionDenied
    form = ReceiptForm(request.POST or None)
    state = None
    if request.method == "POST" and form.is_valid():
        try:
            state = ballot_service.check_receipt(box, request.user, form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
    return render(request, "reviews/ballot_check.html", {"box": box, "form": form, "state": state})
