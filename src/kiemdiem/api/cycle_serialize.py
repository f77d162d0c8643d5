"""Cycle rows to the JSON shapes of ``cycle_schemas.py``, and the refusals the cycle endpoints share.

What a caller may see is decided before these are called (querysets and permissions from the
``Scope``). Ballots are only ever read as totals, and only through ``reviews.services.ballot_results``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from ninja.errors import HttpError

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.members.models import Member
from kiemdiem.plans.models import Plan, PlanStep, PlanSubject
from kiemdiem.reviews import ballots as ballot_service
from kiemdiem.reviews import meetings as meeting_service
from kiemdiem.reviews import services as reviews
from kiemdiem.reviews.models import (
    FeedbackRequest,
    FeedbackResponse,
    Level,
    Meeting,
    MeetingItem,
    Review,
    VoteMode,
)

from .serialize import org_ref

Json = dict[str, Any]

# Refusals that are about the state someone else changed meanwhile: 409, so a client reloads.
CONFLICT_CODES = ("stale", "locked")


def forbidden(message: str) -> NoReturn:
    raise HttpError(403, message)


def conflict_or_invalid(exc: ValidationError) -> NoReturn:
    """A service refusal: 409 for a stale version or a lock, else the usual 422 with the messages."""
    if getattr(exc, "code", None) in CONFLICT_CODES:
        raise HttpError(409, " ".join(exc.messages)) from exc
    raise exc


def member_brief(m: Member | None) -> Json | None:
    return None if m is None else {"id": m.pk, "full_name": m.full_name}


def plan(p: Plan, *, can_manage: bool) -> Json:
    return {
        "id": p.pk,
        "number": p.number,
        "issued_on": p.issued_on,
        "year": p.year,
        "framework_id": p.framework_id,
        "title": p.title,
        "organization": org_ref(p.organization),
        "reference_date": p.reference_date,
        "launch_date": p.launch_date,
        "status": p.status,
        "status_label": p.get_status_display(),
        "published_at": p.published_at,
        "version": p.version,
        "can_manage": can_manage,
    }


def step(s: PlanStep) -> Json:
    return {
        "code": s.code,
        "order": s.order,
        "name": s.name,
        "description": s.description,
        "due_cells": s.due_cells,
        "due_committee": s.due_committee,
    }


def subject(s: PlanSubject) -> Json:
    return {
        "id": s.pk,
        "plan_id": s.plan_id,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "name": s.name,
        "member": member_brief(s.member) if s.member_id else None,
        "organization": org_ref(s.organization) if s.organization_id else None,
        "collective": {"id": s.collective.pk, "name": s.collective.name} if s.collective is not None else None,
        "cell": org_ref(s.cell) if s.cell_id else None,
        "reviewed": s.reviewed,
        "not_reviewed_reason": s.not_reviewed_reason,
        "not_reviewed_reason_label": s.get_not_reviewed_reason_display() if s.not_reviewed_reason else "",
        "needs_residence_comment": s.needs_residence_comment,
        "form_code": s.form_code,
    }


def review(r: Review, *, can_edit: bool) -> Json:
    locked = reviews.is_locked(r)
    fields = (
        "form_code",
        "sections",
        *reviews.TEXT_FIELDS,
        "score_general",
        "score_tasks",
        "grades",
        *reviews.TASK_FIELDS,
        "self_level",
        "circulated_on",
        "submitted_at",
        "entered_on_behalf",
        "collective_review_id",
        "version",
        "updated_at",
    )
    return {name: getattr(r, name) for name in fields} | {
        "id": r.pk,
        "subject": subject(r.subject),
        "place": r.place,
        "status": r.status,
        "status_label": r.get_status_display(),
        "locked": locked,
        "deadline": reviews.review_deadline(r.subject, r.place),
        "can_edit": can_edit and not locked,
        "problems": reviews.submission_problems(r) if not r.is_submitted else [],
        "evidence": [
            {"id": e.pk, "description": e.description, "uploaded_at": e.uploaded_at}
            for e in r.evidence.order_by("uploaded_at", "id")
        ],
    }


def feedback_response(r: FeedbackResponse) -> Json:
    by = None
    if not r.anonymous and r.responded_by is not None:
        by = r.responded_by.display_name or r.responded_by.username
    return {
        "id": r.pk,
        "text": r.text,
        "proposed_level": r.proposed_level,
        "anonymous": r.anonymous,
        "responded_by": by,
        "responded_on": r.responded_on,
    }


def feedback_request(req: FeedbackRequest) -> Json:
    s = req.subject
    return {
        "id": req.pk,
        "plan_id": s.plan_id,
        "subject": {"id": s.pk, "name": s.name},
        "subject_cell": org_ref(s.cell) if s.cell_id else None,
        "source": req.source,
        "source_label": req.get_source_display(),
        "organization": org_ref(req.organization) if req.organization_id else None,
        "addressee": req.addressee,
        "due_date": req.due_date,
        "responses": [
            feedback_response(x) for x in sorted(req.responses.all(), key=lambda x: (x.created_at, x.pk))
        ],
    }


def meeting(m: Meeting) -> Json:
    return {
        "id": m.pk,
        "plan_id": m.plan_id,
        "organization": org_ref(m.organization) if m.organization_id else None,
        "collective": {"id": m.collective.pk, "name": m.collective.name} if m.collective is not None else None,
        "date": m.date,
        "place": m.place,
        "chair": member_brief(m.chair) if m.chair_id else None,
        "secretary": member_brief(m.secretary) if m.secretary_id else None,
        "total": m.total,
        "present": m.present,
        "excused": m.excused,
        "quorum_ok": meeting_service.quorum_ok(m),
        "status": m.status,
        "status_label": m.get_status_display(),
    }


def vote(item: MeetingItem) -> tuple[Json, bool]:
    """The item's vote as the meeting may see it: counts, never who voted what.

    Returns the vote and whether the proposed level may be shown (a secret ballot's outcome is
    hidden with its totals when too few ballots were cast: with one or two voters, the level
    would tell what they chose).
    """
    box = getattr(item, "ballot_box", None)
    out: Json = {
        "mode": item.vote_mode,
        "state": "none",
        "ballot": None,
        "tallies": [],
        "totals": None,
        "results_hidden": False,
    }
    show_level = True
    if box is not None:
        out["ballot"] = {
            "id": box.pk,
            "open": box.is_open,
            "roll": box.roll.count(),
            "voted": box.roll.filter(has_voted=True).count(),
        }
        out["state"] = "open" if box.is_open else "closed"
        if box.is_open:
            show_level = False
        else:
            out["totals"] = ballot_service.ballot_results(box)
            out["results_hidden"] = out["totals"] is None
            show_level = not out["results_hidden"]
    elif item.vote_mode == VoteMode.PAPER:
        tallies = list(item.tallies.select_related("entered_by").order_by("entry_no"))
        out["tallies"] = [
            {
                "entry_no": t.entry_no,
                "entered_by": t.entered_by.display_name or t.entered_by.username,
                "entered_at": t.entered_at,
            }
            for t in tallies
        ]
        if item.proposed_level:
            out["state"] = "accepted"
            out["totals"] = {lv: item.result.get(lv, 0) for lv in Level.values} | {
                "invalid": item.result.get("invalid", 0)
            }
        else:
            out["state"] = "waiting" if len(tallies) == 1 else "mismatch"
    return out, show_level


def level_shown(item: MeetingItem) -> bool:
    """Whether a vote's proposed level may be shown: not while a secret ballot is open or hidden."""
    box = getattr(item, "ballot_box", None)
    return box is None or (not box.is_open and ballot_service.ballot_results(box) is not None)


def meeting_item(item: MeetingItem) -> Json:
    vote_json, show_level = vote(item)
    return {
        "id": item.pk,
        "order": item.order,
        "subject": {"id": item.subject.pk, "name": item.subject.name},
        "subject_kind": item.subject.kind,
        "review_presented": item.review_presented,
        "criticism": [{"who": c.get("who", ""), "what": c.get("what", "")} for c in item.criticism],
        "response": item.response,
        "proposed_level": item.proposed_level if show_level else "",
        "vote": vote_json,
    }


def decision_entry(e: DecisionEntry) -> Json:
    return {
        "id": e.pk,
        "subject": {"id": e.subject.pk, "name": e.subject.name},
        "subject_kind": e.subject.kind,
        "proposed_level": e.proposed_level,
        "max_level": e.max_level,
        "level": e.level,
        "reason": e.reason,
        "overrides": list(e.overrides or []),
        "decided_at": e.decided_at,
        "published_at": e.published_at,
    }
