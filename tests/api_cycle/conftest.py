"""Fixtures for the cycle API tests: the ward's 2020 plan as a draft, published and "live", a meeting, a
cycle ready for decisions. Clients (``as_token``, ``as_session``, ``as_user``) come from tests/api.

Who is who (tests/factories.py): the ward has cell_a (an, binh) and cell_b (cuong, dung; cuong lives in
cell_a's area); binh is cell_a's secretary ("secretary"), an is "member", "residence" is cell_a's
residence-place secretary, "higher" is the city above, "other_office" the office of another ward.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from kiemdiem.plans.models import Plan, SubjectKind
from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan
from kiemdiem.reviews.meetings import open_meeting
from kiemdiem.reviews.services import get_or_create_review, save_review, submit_review

from ..api.conftest import ApiClient, as_session, as_token, as_user  # noqa: F401  (fixtures)
from ..factories import make_member

D = dt.date
ROLES = ("office", "standing", "secretary", "member", "residence", "higher", "other_office")


def cycle_state() -> dict[str, Any]:
    """Every row of the cycle's tables and the audit trail: to prove a refused request changed nothing."""
    labels = ("plans", "reviews", "decisions", "audit")
    return {
        m._meta.label: list(m.objects.order_by("pk").values())
        for m in apps.get_models()
        if m._meta.app_label in labels
    }


@pytest.fixture
def draft(ward) -> Plan:
    """The 2020 plan 07-KH/ĐU, subjects computed, launch date and deadlines set: ready to publish."""
    p = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(p)
    p.launch_date = D(2020, 11, 19)
    p.save()
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"]).update(
        due_cells=D(2020, 11, 28)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2020, 12, 5))
    return Plan.objects.get(pk=p.pk)


@pytest.fixture
def live(ward, draft) -> Plan:
    """The plan published, then its deadlines moved ahead of today (reviews lock against the real date)."""
    publish_plan(draft, ward.users["office"])
    today = timezone.localdate()
    draft.steps.exclude(code="trien_khai").update(
        due_cells=today + dt.timedelta(days=10), due_committee=today + dt.timedelta(days=20)
    )
    return Plan.objects.get(pk=draft.pk)


def subject_of(plan: Plan, member) -> Any:  # type: ignore[no-untyped-def]
    return plan.subjects.get(member=member)


def cell_subject(plan: Plan, cell) -> Any:  # type: ignore[no-untyped-def]
    return plan.subjects.get(kind=SubjectKind.CELL, organization=cell)


def write_review(subject, actor, level: str = "HTTNV", submit: bool = True):  # type: ignore[no-untyped-def]
    review = get_or_create_review(subject)
    data: dict[str, Any] = {"strengths": "Hoàn thành nhiệm vụ được giao", "self_level": level}
    criteria = subject.plan.framework().criteria.get(subject.kind)
    if criteria is not None and getattr(criteria, "criteria", None):
        data["grades"] = {c.id: "tot" for c in criteria.criteria}
    review = save_review(review, data, actor, version=review.version)
    if submit:
        review = submit_review(review, actor)
    return review


@pytest.fixture
def meeting(ward, live):  # type: ignore[no-untyped-def]
    """Cell A's meeting, five present: An, Bình and three more members (so a ballot can show results)."""
    from kiemdiem.plans.models import PlanSubject

    extra = [make_member(ward.cell_a, f"Vũ Văn Số {i}") for i in range(3)]
    for m in extra:
        PlanSubject.objects.create(
            plan=live, kind=SubjectKind.MEMBER, member=m, cell=ward.cell_a, name=m.full_name
        )
    return open_meeting(
        Plan.objects.get(pk=live.pk),
        date=timezone.localdate(),
        actor=ward.users["secretary"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"], *extra],
        chair=ward.members["binh"],
    )


@pytest.fixture
def cycle(ward, live) -> Plan:
    """Every review written and submitted (HTTNV), both cells' meetings held with accepted paper votes."""
    from kiemdiem.reviews.meetings import enter_paper_tally

    office = ward.users["office"]
    for cell in (ward.cell_a, ward.cell_b):
        write_review(cell_subject(live, cell), office)
    for key in ("an", "binh", "cuong", "dung"):
        write_review(subject_of(live, ward.members[key]), office)
    write_review(live.subjects.get(kind=SubjectKind.GRASSROOTS_ORG), office)
    for cell, present in (
        (ward.cell_a, [ward.members["an"], ward.members["binh"]]),
        (ward.cell_b, [ward.members["cuong"], ward.members["dung"]]),
    ):
        m = open_meeting(live, date=timezone.localdate(), actor=office, organization=cell, attendees=present)
        for item in m.items.all():
            enter_paper_tally(item, office, {"HTTNV": 2})
            enter_paper_tally(item, ward.users["standing"], {"HTTNV": 2})
    return live


def detail(response) -> str:  # type: ignore[no-untyped-def]
    """The error message and the per-field messages of a response, as one text to search in."""
    body = response.json()
    parts = [body.get("detail", "")]
    for messages in (body.get("errors") or {}).values():
        parts += messages
    return "\n".join(parts)


__all__ = ["ApiClient", "ROLES", "cycle_state", "detail"]
