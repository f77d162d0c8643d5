"""Fixtures for the decision pages: the decisions' 2020 ``cycle`` (reviews submitted, votes accepted),
published so that cell secretaries and members can read it, and a helper building a cycle of any size."""

from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.decisions.models import Decision
from kiemdiem.plans.models import Plan, SubjectKind
from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan
from kiemdiem.reviews.meetings import enter_paper_tally, open_meeting
from kiemdiem.reviews.services import get_or_create_review, save_review, submit_review

from ..decisions.conftest import cycle, plan  # noqa: F401  (fixtures)
from ..factories import Ward, make_member

D = dt.date
ROLES = ("office", "standing", "secretary", "member", "residence", "higher", "other_office")


def publish(p: Plan) -> Plan:
    """Ban hành through the plan service: the plan reaches every cell, which may acknowledge it."""
    p.refresh_from_db()
    if not p.is_published:  # the shared ``plan`` fixture is already published
        p.launch_date = p.launch_date or D(2020, 11, 19)
        p.save(update_fields=["launch_date"])
        publish_plan(p)
        p.refresh_from_db()
    return p


@pytest.fixture
def live(cycle):  # type: ignore[no-untyped-def]  # noqa: F811
    """The 2020 cycle up to the votes, published."""
    return publish(cycle)


@pytest.fixture
def decision(live):  # type: ignore[no-untyped-def]
    return Decision.objects.create(plan=live, number="15-QĐ/ĐU", date=D(2020, 12, 3))


def subject_of(p: Plan, member):  # type: ignore[no-untyped-def]
    return p.subjects.get(member=member)


def build_cycle(
    ward: Ward, extra_per_cell: int, levels: tuple[str, ...] = ("HTTNV",), number: str = "07-KH/ĐU"
) -> Plan:
    """A 2020 plan with ``extra_per_cell`` more members in each cell, every review submitted and voted.

    Members' self-proposed levels cycle through ``levels``."""
    for cell in (ward.cell_a, ward.cell_b):
        for i in range(extra_per_cell):
            make_member(cell, f"Đảng viên {number[:2]} {cell.code} {i:03d}")
    p = create_plan(ward.ward, number=number, issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(p)
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"]).update(
        due_cells=D(2020, 11, 27)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2020, 12, 4))
    publish(p)
    office, standing = ward.users["office"], ward.users["standing"]
    today = D(2020, 11, 25)
    fw = p.framework()
    i = 0
    # Collective first: the cells' reports, then the members, then the ward committee's report.
    order = {SubjectKind.CELL: 0, SubjectKind.GRASSROOTS_ORG: 2}
    subjects = sorted(
        p.subjects.filter(reviewed=True).exclude(kind=SubjectKind.LEADERSHIP_COLLECTIVE),
        key=lambda s: (order.get(s.kind, 1), s.pk),
    )
    for subject in subjects:
        level = "HTTNV" if subject.member_id is None else levels[i % len(levels)]
        i += subject.member_id is not None
        review = get_or_create_review(subject)
        grade = "xuat_sac" if level == "HTXSNV" else "tot"
        grades = {c.id: grade for c in fw.criteria[subject.kind].criteria}
        save_review(
            review,
            {"strengths": "Hoàn thành nhiệm vụ", "self_level": level, "grades": grades},
            office,
            version=review.version,
            today=today,
        )
        submit_review(review, office, today=today)
    for cell in (ward.cell_a, ward.cell_b):
        present = [s.member for s in p.subjects.filter(cell=cell, member__isnull=False, reviewed=True)]
        meeting = open_meeting(p, date=today, actor=office, organization=cell, attendees=present)
        for item in meeting.items.select_related("subject"):
            level = item.subject.reviews.get().self_level
            enter_paper_tally(item, office, {level: len(present)})
            enter_paper_tally(item, standing, {level: len(present)})
    return publish(p)
