"""Ý kiến nhận xét nhiều nguồn: requests to the configured sources, answers, the summary per subject."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemdiem.audit.services import record
from kiemdiem.lib import dates
from kiemdiem.plans.models import (
    INDIVIDUAL_KINDS,
    PlanSubject,
)

from .models import (
    GROUP_SOURCES,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSource,
    Level,
    Review,
    ReviewPlace,
)

# ----------------------------------------------------------------------------------------------
# Feedback (ý kiến nhận xét nhiều nguồn)
# ----------------------------------------------------------------------------------------------


@transaction.atomic
def request_feedback(
    plan: Any, sources: list[str], due_date: dt.date, actor: Any, subjects: Any = None
) -> int:
    """Create the feedback requests for every reviewed individual (idempotent).

    The residence-place source is sent only for members active elsewhere (QĐ 213), addressed to their
    residence cell; the other sources go to every individual.
    """
    unknown = set(sources) - set(FeedbackSource.values)
    if unknown:
        raise ValidationError(f"Nguồn nhận xét không hợp lệ: {', '.join(sorted(unknown))}.")
    subjects = (
        subjects if subjects is not None else plan.subjects.filter(kind__in=INDIVIDUAL_KINDS, reviewed=True)
    )
    existing = set(FeedbackRequest.objects.filter(subject__plan=plan).values_list("subject_id", "source"))
    created: list[FeedbackRequest] = []
    for s in subjects.select_related("member"):
        for source in sources:
            if (s.pk, source) in existing:
                continue
            if source == FeedbackSource.RESIDENCE:
                if not s.needs_residence_comment:
                    continue
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        organization_id=s.member.residence_cell_id,
                        addressee="Chi ủy chi bộ nơi cư trú",
                        due_date=due_date,
                        created_by=actor,
                    )
                )
            elif source == FeedbackSource.WORKPLACE:
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        addressee=s.member.workplace,
                        due_date=due_date,
                        created_by=actor,
                    )
                )
            else:
                created.append(
                    FeedbackRequest(
                        subject=s,
                        source=source,
                        organization_id=s.cell_id,
                        due_date=due_date,
                        created_by=actor,
                    )
                )
    FeedbackRequest.objects.bulk_create(created)
    record(actor, "feedback.request", plan, f"Gửi {len(created)} yêu cầu nhận xét, hạn {due_date:%d/%m/%Y}")
    return len(created)


@transaction.atomic
def respond_feedback(
    request: FeedbackRequest,
    actor: Any,
    *,
    text: str,
    proposed_level: str = "",
    anonymous: bool = False,
    responded_on: dt.date | None = None,
) -> FeedbackResponse:
    if not text.strip():
        raise ValidationError({"text": "Cần nhập nội dung nhận xét."})
    if proposed_level and proposed_level not in Level.values:
        raise ValidationError({"proposed_level": "Mức xếp loại không hợp lệ."})
    if anonymous and request.source not in GROUP_SOURCES:
        raise ValidationError(
            {"anonymous": "Chỉ ý kiến của tập thể (đảng viên trong chi bộ, đoàn thể) mới được ẩn danh."}
        )
    day = responded_on or dates.today()
    if day > dates.today():
        raise ValidationError({"responded_on": "Ngày nhận xét không được sau hôm nay."})
    response = FeedbackResponse.objects.create(
        request=request,
        text=text.strip(),
        proposed_level=proposed_level,
        anonymous=anonymous,
        responded_by=None if anonymous else actor,
        responded_on=day,
    )
    # An anonymous answer leaves no actor in the audit trail either.
    record(
        None if anonymous else actor,
        "feedback.respond",
        request,
        f"Nhận xét ({request.get_source_display()}) về {request.subject.name}",
    )
    return response


@dataclass
class FeedbackRow:
    subject: PlanSubject
    by_source: dict[str, list[FeedbackResponse]] = field(default_factory=dict)
    requested: set[str] = field(default_factory=set)
    self_level: str = ""

    @property
    def missing(self) -> list[str]:
        return [FeedbackSource(s).label for s in sorted(self.requested) if not self.by_source.get(s)]


def feedback_summary(subjects: Any) -> list[FeedbackRow]:
    """The "tổng hợp ý kiến" sheet: per subject, every source's opinions and proposed levels, and what is missing."""
    rows = {s.pk: FeedbackRow(s) for s in subjects.select_related("member", "cell")}
    for req in FeedbackRequest.objects.filter(subject_id__in=rows).prefetch_related("responses"):
        row = rows[req.subject_id]
        row.requested.add(req.source)
        row.by_source[req.source] = list(req.responses.all())
    for review in Review.objects.filter(subject_id__in=rows, place=ReviewPlace.CELL):
        rows[review.subject_id].self_level = review.self_level
    return list(rows.values())
