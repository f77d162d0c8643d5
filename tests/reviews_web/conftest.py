"""Fixtures for the review pages: the reviews' ``plan``/``plan366`` published with deadlines ahead of today
(the pages lock reviews against the real date), and a cell meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kiemdiem.plans.models import PlanStatus, SubjectKind
from kiemdiem.reviews.meetings import open_meeting
from kiemdiem.reviews.services import get_or_create_review, save_review, submit_review

from ..factories import make_member
from ..reviews.conftest import plan, plan366  # noqa: F401  (fixtures)


def _open_up(p):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    p.steps.exclude(code="trien_khai").update(
        due_cells=today + dt.timedelta(days=10), due_committee=today + dt.timedelta(days=20)
    )
    p.status, p.published_at = PlanStatus.PUBLISHED, timezone.now()
    p.save(update_fields=["status", "published_at"])
    return p


@pytest.fixture
def live(plan):  # type: ignore[no-untyped-def]  # noqa: F811
    """The 2020 plan (QĐ 132), published, its deadlines 10 and 20 days from today."""
    return _open_up(plan)


@pytest.fixture
def live366(plan366):  # type: ignore[no-untyped-def]  # noqa: F811
    return _open_up(plan366)


def subject_of(p, member):  # type: ignore[no-untyped-def]
    return p.subjects.get(member=member)


def cell_subject(p, cell):  # type: ignore[no-untyped-def]
    return p.subjects.get(kind=SubjectKind.CELL, organization=cell)


def submit_cell_report(p, cell, actor):  # type: ignore[no-untyped-def]
    review = get_or_create_review(cell_subject(p, cell))
    save_review(
        review, {"strengths": "Chi bộ hoàn thành tốt", "self_level": "HTTNV"}, actor, version=review.version
    )
    submit_review(review, actor)
    return review


@pytest.fixture
def meeting(ward, live):  # type: ignore[no-untyped-def]
    """A cell A meeting with five members present: An, Bình and three more (added before the subjects)."""
    from kiemdiem.plans.models import Plan, PlanSubject

    extra = [make_member(ward.cell_a, f"Vũ Văn Số {i}") for i in range(3)]
    for m in extra:
        PlanSubject.objects.create(
            plan=live, kind=SubjectKind.MEMBER, member=m, cell=ward.cell_a, name=m.full_name
        )
    live = Plan.objects.get(pk=live.pk)
    return open_meeting(
        live,
        date=timezone.localdate(),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"], *extra],
        chair=ward.members["binh"],
    )
