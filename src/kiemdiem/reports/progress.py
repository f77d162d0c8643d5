"""Tiến độ: per cell and step, what is done, late or missing against the plan's deadlines."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from kiemdiem.decisions.models import DecisionEntry
from kiemdiem.lib import dates
from kiemdiem.plans.models import INDIVIDUAL_KINDS, Plan, PlanSubject, SubjectKind
from kiemdiem.reviews.models import MeetingItem, Review, ReviewPlace, ReviewStatus


def progress(plan: Plan, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Tiến độ per cell and step against the plan's deadlines: done / late / missing, with the lists."""
    today = today or dates.today()
    steps = {s.code: s for s in plan.steps.all()}
    rows = []
    subjects = plan.subjects.filter(reviewed=True)
    reviews = set(
        Review.objects.filter(
            subject__plan=plan, status=ReviewStatus.SUBMITTED, place=ReviewPlace.CELL
        ).values_list("subject_id", flat=True)
    )
    voted = set(
        MeetingItem.objects.filter(subject__plan=plan)
        .exclude(proposed_level="")
        .values_list("subject_id", flat=True)
    )
    decided = set(DecisionEntry.objects.filter(subject__plan=plan).values_list("subject_id", flat=True))
    acks: dict[int | None, dt.datetime | None] = dict(
        plan.acknowledgements.values_list("cell_id", "acknowledged_at")
    )
    by_cell: dict[int | None, list[PlanSubject]] = defaultdict(list)
    for s in subjects.filter(kind__in=INDIVIDUAL_KINDS).select_related("member").order_by("member__sort_key"):
        by_cell[s.cell_id].append(s)
    for cell_subject in (
        subjects.filter(kind=SubjectKind.CELL).select_related("organization").order_by("organization__path")
    ):
        members = by_cell.get(cell_subject.organization_id, [])
        row: dict[str, Any] = {"cell": cell_subject.organization, "members": len(members), "steps": []}
        for code, done_ids, label in (
            ("bao_cao_tap_the", reviews, "Báo cáo tập thể"),
            ("ban_kiem_diem", reviews, "Bản kiểm điểm"),
            ("hoi_nghi", voted, "Biểu quyết"),
            ("quyet_dinh", decided, "Quyết định"),
        ):
            targets = [cell_subject] if code == "bao_cao_tap_the" else members
            missing = [s for s in targets if s.pk not in done_ids]
            step = steps.get(code)
            due = step.due_cells if step and code != "quyet_dinh" else (step.due_committee if step else None)
            state = "done" if not missing else ("late" if due and today > due else "open")
            row["steps"].append(
                {
                    "code": code,
                    "label": label,
                    "done": len(targets) - len(missing),
                    "total": len(targets),
                    "missing": missing,
                    "due": due,
                    "state": state,
                }
            )
        row["acknowledged"] = acks.get(cell_subject.organization_id)
        rows.append(row)
    return rows
