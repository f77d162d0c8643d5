from __future__ import annotations

import datetime as dt

import pytest

from kiemdiem.plans.services import compute_subjects, create_plan, publish_plan

D = dt.date


@pytest.fixture
def plan(ward):
    """The 2020 plan of the test ward, published, cells due 27/11/2020, committee due 04/12/2020."""
    p = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(p)
    p.launch_date = D(2020, 11, 19)
    p.save()
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"]).update(
        due_cells=D(2020, 11, 27)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2020, 12, 4))
    publish_plan(p)
    return p


@pytest.fixture
def plan366(ward):
    p = create_plan(ward.ward, number="12-KH/ĐU", issued_on=D(2025, 11, 10), year=2025)
    compute_subjects(p)
    p.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "hoi_nghi"]).update(
        due_cells=D(2025, 12, 10)
    )
    p.steps.exclude(code="trien_khai").update(due_committee=D(2025, 12, 20))
    return p


@pytest.fixture
def cycle(ward, plan):
    """The test ward's 2020 cycle up to the votes: cell A's report and members' reviews, a meeting, votes."""
    from kiemdiem.plans.models import SubjectKind
    from kiemdiem.reviews.meetings import enter_paper_tally, open_meeting
    from kiemdiem.reviews.services import get_or_create_review, save_review, submit_review

    today = D(2020, 11, 25)

    def write(subject, actor, level):
        review = get_or_create_review(subject)
        criteria = plan.framework().criteria[subject.kind].criteria
        grades = {c.id: "tot" for c in criteria}
        save_review(
            review,
            {"strengths": "Hoàn thành nhiệm vụ", "self_level": level, "grades": grades},
            actor,
            version=review.version,
            today=today,
        )
        submit_review(review, actor, today=today)
        return review

    for cell in (ward.cell_a, ward.cell_b):
        write(plan.subjects.get(kind=SubjectKind.CELL, organization=cell), ward.users["office"], "HTTNV")
    for key in ("an", "binh", "cuong", "dung"):
        write(plan.subjects.get(member=ward.members[key]), ward.users["office"], "HTTNV")
    write(plan.subjects.get(kind=SubjectKind.GRASSROOTS_ORG), ward.users["office"], "HTTNV")
    for cell, present in (
        (ward.cell_a, [ward.members["an"], ward.members["binh"]]),
        (ward.cell_b, [ward.members["cuong"], ward.members["dung"]]),
    ):
        meeting = open_meeting(
            plan, date=today, actor=ward.users["office"], organization=cell, attendees=present
        )
        for item in meeting.items.all():
            votes = {"HTTNV": 2}
            enter_paper_tally(item, ward.users["office"], votes)
            enter_paper_tally(item, ward.users["standing"], votes)
    return plan
