from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.audit.models import AuditEvent
from kiemdiem.members.models import ActivityStatus, Position
from kiemdiem.members.services import set_activity_status
from kiemdiem.organizations.models import CollectiveKind, LeadershipCollective
from kiemdiem.plans.models import NotReviewedReason, PlanAcknowledgement, SubjectKind
from kiemdiem.plans.services import (
    acknowledge,
    compute_subjects,
    create_plan,
    publication_problems,
    publish_plan,
)

from ..factories import make_member

D = dt.date


def _plan(ward, year=2020, **kw):
    return create_plan(
        ward.ward, number="07-KH/ĐU", issued_on=D(year, 11, 18), year=year, actor=ward.users["office"], **kw
    )


def _ready(plan):
    plan.launch_date = plan.issued_on + dt.timedelta(days=1)
    plan.save()
    plan.steps.filter(code="hoi_nghi").update(due_cells=D(plan.year, 11, 27))
    plan.steps.filter(code="quyet_dinh").update(due_committee=D(plan.year, 12, 4))


def test_framework_is_chosen_by_year_and_another_needs_a_reason(ward):
    assert _plan(ward).framework_id == "qd132-2020"
    assert (
        create_plan(ward.ward, number="1-KH/ĐU", issued_on=D(2025, 11, 1), year=2025).framework_id
        == "qd366-2025"
    )
    with pytest.raises(ValidationError, match="lý do"):
        create_plan(
            ward.ward, number="2-KH/ĐU", issued_on=D(2020, 11, 1), year=2020, framework_id="qd366-2025"
        )
    plan = create_plan(
        ward.ward,
        number="3-KH/ĐU",
        issued_on=D(2020, 11, 1),
        year=2020,
        framework_id="qd124-2023",
        framework_reason="Thí điểm theo chỉ đạo của cấp trên",
    )
    assert plan.framework_id == "qd124-2023"


def test_plan_starts_with_the_frameworks_steps_and_content(ward):
    plan = _plan(ward)
    assert plan.steps.count() == 8
    assert plan.content_items[SubjectKind.MEMBER]
    assert AuditEvent.objects.filter(action="plan.create", object_id=str(plan.pk)).exists()


def test_subjects_on_the_reference_date_with_the_not_reviewed_list(ward):
    binh = ward.members["binh"]
    set_activity_status(binh, ActivityStatus.EXEMPT, D(2019, 1, 1), reason="Tuổi cao, sức yếu")
    new = make_member(ward.cell_a, "Đỗ Văn Mới", admitted_on=D(2020, 9, 1), official_on=None)
    plan = _plan(ward)
    compute_subjects(plan)
    by_member = {s.member_id: s for s in plan.subjects.filter(member__isnull=False)}
    assert (
        not by_member[binh.pk].reviewed and by_member[binh.pk].not_reviewed_reason == NotReviewedReason.EXEMPT
    )
    # QĐ 132 had no "< 6 months" exemption; QĐ 366 has one.
    assert by_member[new.pk].reviewed
    plan366 = create_plan(ward.ward, number="9-KH/ĐU", issued_on=D(2025, 11, 18), year=2025)
    new.admitted_on = D(2025, 9, 1)
    new.save()
    compute_subjects(plan366)
    s = plan366.subjects.get(member=new)
    assert not s.reviewed and s.not_reviewed_reason == NotReviewedReason.ADMITTED_UNDER_6_MONTHS
    assert ward.members["xa"].pk not in by_member  # another ward's member
    kinds = set(plan.subjects.values_list("kind", flat=True))
    assert {SubjectKind.GRASSROOTS_ORG, SubjectKind.CELL} <= kinds


def test_leaders_and_residence_comments(ward):
    coll = LeadershipCollective.objects.create(
        organization=ward.ward, kind=CollectiveKind.PEOPLES_COMMITTEE, name="Lãnh đạo UBND phường"
    )
    Position.objects.create(
        member=ward.members["dung"],
        title="Chủ tịch UBND phường",
        collective=coll,
        is_head=True,
        start=D(2019, 6, 1),
    )
    plan = _plan(ward)
    compute_subjects(plan)
    dung = plan.subjects.get(member=ward.members["dung"])
    assert dung.kind == SubjectKind.LEADER and dung.collective == coll and dung.cell == ward.cell_b
    assert plan.subjects.get(collective=coll, kind=SubjectKind.LEADERSHIP_COLLECTIVE)
    # Cường lives in cell A's area and is active in cell B.
    assert plan.subjects.get(member=ward.members["cuong"]).needs_residence_comment
    assert not plan.subjects.get(member=ward.members["an"]).needs_residence_comment


def test_publication_lists_every_missing_item_and_then_sends_to_every_cell(ward):
    plan = _plan(ward)
    problems = publication_problems(plan)
    assert any("đối tượng" in p for p in problems) and any("hội nghị triển khai" in p for p in problems)
    with pytest.raises(ValidationError):
        publish_plan(plan)
    compute_subjects(plan)
    _ready(plan)
    acks = publish_plan(plan, ward.users["office"])
    assert {a.cell for a in acks} == {ward.cell_a, ward.cell_b}
    with pytest.raises(ValidationError):
        compute_subjects(plan)


def test_366_plan_cannot_have_a_deadline_after_31_december(ward):
    plan = create_plan(ward.ward, number="12-KH/ĐU", issued_on=D(2025, 11, 10), year=2025)
    compute_subjects(plan)
    _ready(plan)
    plan.steps.filter(code="quyet_dinh").update(due_committee=D(2025, 12, 31))
    problems = publication_problems(plan)
    assert any("C-TL-01" in p for p in problems)
    plan.steps.filter(code="quyet_dinh").update(due_committee=D(2025, 12, 30))
    assert publication_problems(plan) == []


def test_cells_acknowledge_receipt_once(ward):
    plan = _plan(ward)
    compute_subjects(plan)
    _ready(plan)
    with pytest.raises(ValidationError):
        acknowledge(plan, ward.cell_a, ward.users["secretary"])
    publish_plan(plan)
    first = acknowledge(plan, ward.cell_a, ward.users["secretary"]).acknowledged_at
    assert acknowledge(plan, ward.cell_a, ward.users["secretary"]).acknowledged_at == first
    assert (
        PlanAcknowledgement.objects.filter(plan=plan, acknowledged_at__isnull=True).get().cell == ward.cell_b
    )
