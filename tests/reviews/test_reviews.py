from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.audit.models import AuditEvent
from kiemdiem.plans.models import RemediationItem, SubjectKind
from kiemdiem.plans.services import compute_subjects, create_plan
from kiemdiem.reviews.models import ReviewPlace, ReviewStatus
from kiemdiem.reviews.services import (
    circulation_warning,
    get_or_create_review,
    is_locked,
    reopen_review,
    save_review,
    submit_review,
)

from .conftest import recompute

D = dt.date
BEFORE = D(2020, 11, 25)


def _subject(plan, member):
    return plan.subjects.get(member=member)


def _cell(plan, cell):
    return plan.subjects.get(kind=SubjectKind.CELL, organization=cell)


def _write(review, actor, member=None, **data):
    payload = {"strengths": "Hoàn thành tốt nhiệm vụ được giao", "self_level": "HTTNV"}
    payload.update(data)
    return save_review(review, payload, actor, version=review.version, acting_member=member, today=BEFORE)


def test_collective_reviews_first_then_individuals(ward, plan):
    an = get_or_create_review(_subject(plan, ward.members["an"]))
    _write(an, ward.users["member"], ward.members["an"])
    with pytest.raises(ValidationError, match="tập thể kiểm điểm trước"):
        submit_review(an, ward.users["member"], today=BEFORE)
    cell = get_or_create_review(_cell(plan, ward.cell_a))
    _write(cell, ward.users["secretary"], ward.members["binh"])
    submit_review(cell, ward.users["secretary"], today=BEFORE)
    submit_review(an, ward.users["member"], today=BEFORE)
    an.refresh_from_db()
    assert an.status == ReviewStatus.SUBMITTED and an.collective_review == cell


def test_two_people_editing_the_same_review_cannot_overwrite_each_other(ward, plan):
    review = get_or_create_review(_subject(plan, ward.members["an"]))
    stale_version = review.version
    _write(review, ward.users["member"], ward.members["an"], strengths="Bản của đảng viên")
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        save_review(
            review,
            {"strengths": "Bản của bí thư"},
            ward.users["secretary"],
            version=stale_version,
            today=BEFORE,
        )
    review.refresh_from_db()
    assert review.strengths == "Bản của đảng viên"


def test_secretary_entering_on_behalf_is_marked(ward, plan):
    review = get_or_create_review(_subject(plan, ward.members["an"]))
    _write(review, ward.users["secretary"], ward.members["binh"])
    review.refresh_from_db()
    assert review.entered_on_behalf and review.entered_by == ward.users["secretary"]
    other = get_or_create_review(_subject(plan, ward.members["binh"]))
    _write(other, ward.users["secretary"], ward.members["binh"])
    other.refresh_from_db()
    assert not other.entered_on_behalf


def test_after_the_deadline_the_form_locks_until_the_office_reopens_it(ward, plan):
    review = get_or_create_review(_subject(plan, ward.members["an"]))
    late = D(2020, 11, 28)
    assert is_locked(review, late) and not is_locked(review, D(2020, 11, 27))
    with pytest.raises(ValidationError, match="đã khóa"):
        save_review(review, {"strengths": "muộn"}, ward.users["member"], version=review.version, today=late)
    with pytest.raises(ValidationError):
        reopen_review(review, ward.users["office"], reason="")
    reopen_review(review, ward.users["office"], reason="Đảng viên ốm, nộp muộn có lý do")
    save_review(review, {"strengths": "bổ sung"}, ward.users["member"], version=review.version, today=late)
    assert AuditEvent.objects.filter(action="review.reopen", reason__contains="ốm").exists()


def test_task_counts_and_scores_are_validated(ward, plan, plan366):
    review = get_or_create_review(_subject(plan, ward.members["an"]))
    with pytest.raises(ValidationError) as exc:
        _write(review, ward.users["member"], ward.members["an"], tasks_total=10, tasks_done=11)
    assert "tasks_done" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _write(review, ward.users["member"], ward.members["an"], tasks_done=3)  # no total
    r366 = get_or_create_review(plan366.subjects.get(member=ward.members["an"]))
    with pytest.raises(ValidationError) as exc:
        save_review(
            r366,
            {"score_general": Decimal("31"), "score_tasks": Decimal("70")},
            ward.users["member"],
            version=r366.version,
            acting_member=ward.members["an"],
            today=D(2025, 12, 1),
        )
    assert "score_general" in exc.value.message_dict
    save_review(
        r366,
        {"score_general": Decimal("30"), "score_tasks": Decimal("62.5")},
        ward.users["member"],
        version=r366.version,
        acting_member=ward.members["an"],
        today=D(2025, 12, 1),
    )
    r366.refresh_from_db()
    assert r366.score_total == Decimal("92.5")


def test_366_needs_self_scores_to_submit(ward, plan366):
    cell = get_or_create_review(plan366.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a))
    save_review(
        cell,
        {"strengths": "x", "self_level": "HTTNV"},
        ward.users["secretary"],
        version=cell.version,
        today=D(2025, 12, 1),
    )
    with pytest.raises(ValidationError, match="tự chấm điểm"):
        submit_review(cell, ward.users["secretary"], today=D(2025, 12, 1))


def test_last_years_remediation_plan_prefills_this_years_review(ward, plan):
    RemediationItem.objects.create(
        subject=_subject(plan, ward.members["an"]),
        shortcoming="Chưa gương mẫu nơi cư trú",
        action="Tham gia sinh hoạt tổ dân phố",
        owner="Đồng chí An",
        due_date=D(2021, 6, 30),
        status="da_khac_phuc",
        progress_note="Đã tham gia đầy đủ",
    )
    plan2021 = create_plan(ward.ward, number="05-KH/ĐU", issued_on=D(2021, 11, 15), year=2021)
    compute_subjects(plan2021)
    review = get_or_create_review(plan2021.subjects.get(member=ward.members["an"]))
    assert "Chưa gương mẫu nơi cư trú — đã khắc phục: Đã tham gia đầy đủ" in review.prior_results


def test_a_leader_reviews_at_the_cell_before_the_collective(ward, plan):
    from kiemdiem.members.models import Position
    from kiemdiem.organizations.models import CollectiveKind, LeadershipCollective

    coll = LeadershipCollective.objects.create(
        organization=ward.ward, kind=CollectiveKind.PEOPLES_COMMITTEE, name="Lãnh đạo UBND"
    )
    Position.objects.create(
        member=ward.members["dung"], title="Chủ tịch UBND", collective=coll, is_head=True, start=D(2019, 1, 1)
    )
    recompute(plan)
    subject = plan.subjects.get(member=ward.members["dung"])
    coll_review = get_or_create_review(
        plan.subjects.get(kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective=coll)
    )
    _write(coll_review, ward.users["office"])
    submit_review(coll_review, ward.users["office"], today=BEFORE)
    at_coll = get_or_create_review(subject, ReviewPlace.COLLECTIVE)
    _write(at_coll, ward.users["office"])
    with pytest.raises(ValidationError, match="chi bộ trước"):
        submit_review(at_coll, ward.users["office"], today=BEFORE)


def test_366_warns_when_the_collective_draft_is_sent_less_than_3_working_days_before(ward, plan366, plan):
    review = get_or_create_review(plan366.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a))
    review.circulated_on = D(2025, 12, 8)  # Monday
    assert circulation_warning(review, D(2025, 12, 11)) == ""  # Thursday: Mon, Tue, Wed
    assert "C-DOC-01" in circulation_warning(review, D(2025, 12, 10))
    old = get_or_create_review(plan.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a))
    assert circulation_warning(old, D(2020, 11, 20)) == ""  # QĐ 132 sets no such rule


def test_not_reviewed_subjects_get_no_review(ward, plan):
    subject = _subject(plan, ward.members["an"])
    subject.reviewed, subject.not_reviewed_reason = False, "exempt"
    subject.save()
    with pytest.raises(ValidationError, match="không thuộc diện"):
        get_or_create_review(subject)
