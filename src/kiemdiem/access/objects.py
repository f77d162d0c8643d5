"""Objects by id, as the caller may reach them: one helper per object, used by the web and the API.

An object outside the caller's scope is a 404 (never a 403 that would confirm it exists); an object in
scope that the caller may read but not act on is a ``PermissionDenied`` carrying a Vietnamese message
(the web shows its 403 page, the API answers 403 with the message). A write on a meeting that has
ended is a ``ValidationError``. The rules themselves are in ``scope.py``; nothing here decides by role.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject

from kiemdiem.accounts.models import User
from kiemdiem.members.models import Member
from kiemdiem.plans.models import Plan, PlanSubject
from kiemdiem.reviews.models import BallotBox, Meeting, MeetingItem, MeetingStatus, Review, VoterRollEntry

from .scope import Scope

NOT_MANAGER = "Chỉ văn phòng Đảng ủy ban hành kế hoạch mới thực hiện được thao tác này."
NOT_APPRAISER = "Chỉ văn phòng, Ban Thường vụ Đảng ủy thẩm định và xem quyết định xếp loại."
NOT_DECIDER = "Chỉ Ban Thường vụ Đảng ủy quyết định, xếp loại lại và công bố kết quả."
NO_PROGRESS = "Bạn không được xem tiến độ của kế hoạch này."
CANNOT_RUN = "Chỉ bí thư chi bộ (chi bộ mình) hoặc văn phòng Đảng ủy điều hành hội nghị này."
MEETING_CLOSED = "Hội nghị đã kết thúc, không ghi thêm được."

PlanRight = Literal["read", "manage", "appraise", "decide", "watch"]
_PLAN_RIGHTS: dict[str, tuple[str, str]] = {
    "manage": ("can_manage_plan", NOT_MANAGER),
    "appraise": ("can_appraise", NOT_APPRAISER),
    "decide": ("can_decide", NOT_DECIDER),
    "watch": ("can_watch_progress", NO_PROGRESS),
}


def actor_of(request: HttpRequest) -> Any:
    """Who is acting: the API's authenticated user (token or session), else the web session's user."""
    return getattr(request, "auth", None) or request.user


def scope_of(request: HttpRequest) -> Scope:
    """The caller's scope, one per request, built on first use.

    Lazy, so that asking for it costs nothing until a question is asked: a member opening his/her own
    review is admitted without the scope's queries (``_own_subject_in_scope``), and an API request's
    user is known only after authentication.
    """
    scope = getattr(request, "_access_scope", None)
    if scope is None:
        scope = SimpleLazyObject(lambda: Scope.for_user(actor_of(request)))
        request._access_scope = scope  # type: ignore[attr-defined]
    return scope  # type: ignore[return-value]


def acting_member(request: HttpRequest) -> Member | None:
    """The member the caller is (None for an account without a member): loaded with the cell."""
    user = actor_of(request)
    if not getattr(user, "member_id", None):
        return None
    scope_of(request).user  # noqa: B018  (the scope loads the member with the cell, in one query)
    member: Member | None = user.member
    return member


def plan_for(request: HttpRequest, pk: int, *, may: PlanRight = "read", published: bool = False) -> Plan:
    """A plan the caller may read (404 otherwise); ``may`` a further right (403 without it)."""
    scope = scope_of(request)
    plan = get_object_or_404(scope.plans(), pk=pk)
    if published and not plan.is_published:
        raise Http404
    if may != "read":
        check, message = _PLAN_RIGHTS[may]
        if not getattr(scope, check)(plan):
            raise PermissionDenied(message)
    return plan


def _own_subject_in_scope(request: HttpRequest, subject: PlanSubject) -> bool:
    """The acting member's own subject in a published plan of a committee above the member's cell.

    That is how ``scope.plan_subjects()`` admits a member's own subject (the member part of its filter
    and the published plans of the cell's ancestors in ``scope.plans()``), decided without a query:
    the deadline rush is members opening their own reviews. Any other case goes through the scope.
    """
    user = actor_of(request)
    member_id = getattr(user, "member_id", None)
    if not member_id or subject.member_id != member_id or not subject.plan.is_published:
        return False
    member = subject.member
    assert member is not None  # its id is the caller's member_id
    if not User.member.is_cached(user):
        user.member = member  # the same row, loaded with its cell: the scope needs no query for it
    if scope_of(request).user is None:
        return False
    ancestors = {int(x) for x in member.cell.path.strip("/").split("/") if x}
    return subject.plan.organization_id in ancestors


def _subject_in_scope(request: HttpRequest, subject: PlanSubject) -> None:
    if not subject.plan.is_published:
        raise Http404
    if not _own_subject_in_scope(request, subject) and not (
        scope_of(request).plan_subjects().filter(pk=subject.pk).exists()
    ):
        raise Http404


def subject_for(request: HttpRequest, pk: int) -> PlanSubject:
    """A subject of a published plan within the caller's scope (404 otherwise)."""
    subject = get_object_or_404(
        PlanSubject.objects.select_related(
            "plan__organization", "member__cell", "cell", "organization", "collective"
        ),
        pk=pk,
    )
    _subject_in_scope(request, subject)
    return subject


def review_for(request: HttpRequest, pk: int) -> Review:
    """A review of a published plan within the caller's scope (404 otherwise)."""
    review = get_object_or_404(
        Review.objects.select_related(
            "subject__plan__organization",
            "subject__member__cell",
            "subject__cell",
            "subject__organization",
            "subject__collective",
        ),
        pk=pk,
    )
    _subject_in_scope(request, review.subject)
    return review


def meeting_for(request: HttpRequest, pk: int) -> Meeting:
    """A meeting the caller runs: 404 outside the readable plans, 403 for one run by someone else."""
    scope = scope_of(request)
    meeting = get_object_or_404(
        Meeting.objects.select_related("plan__organization", "organization", "collective", "chair", "secretary"),
        pk=pk,
        plan__in=scope.plans(),
    )
    if not scope.can_run_meeting(meeting.plan, meeting.organization):
        raise PermissionDenied(CANNOT_RUN)
    return meeting


def item_for(request: HttpRequest, pk: int, *, writing: bool = False) -> MeetingItem:
    """A subject of a meeting the caller runs; ``writing``: refused once the meeting has ended."""
    item = get_object_or_404(MeetingItem.objects.select_related("subject", "meeting"), pk=pk)
    item.meeting = meeting_for(request, item.meeting_id)
    if writing and item.meeting.status != MeetingStatus.OPEN:
        raise ValidationError(MEETING_CLOSED)
    return item


def box_for(request: HttpRequest, pk: int) -> BallotBox:
    """A ballot box the caller is a voter of, or whose meeting the caller runs (404 for anyone else)."""
    box = get_object_or_404(BallotBox.objects.select_related("item__subject", "item__meeting__plan"), pk=pk)
    member_id = getattr(actor_of(request), "member_id", None)
    if member_id and VoterRollEntry.objects.filter(box=box, member_id=member_id).exists():
        return box
    scope = scope_of(request)
    meeting = box.item.meeting
    if scope.plans().filter(pk=meeting.plan_id).exists() and scope.can_run_meeting(
        meeting.plan, meeting.organization
    ):
        return box
    raise Http404
