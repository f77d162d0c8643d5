from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.decisions.services import Choice, appraise, decide, progress, publish_results, reclassify
from kiemdiem.members.models import Discipline
from kiemdiem.plans.models import SubjectKind
from kiemdiem.reviews.models import FeedbackSource
from kiemdiem.reviews.services import request_feedback, respond_feedback

D = dt.date


def _decision(plan, number="15-QĐ/ĐU"):
    return Decision.objects.get_or_create(plan=plan, number=number, defaults={"date": D(2020, 12, 3)})[0]


def test_appraisal_runs_the_regulation_on_every_subject(ward, cycle):
    appraisal = appraise(cycle)
    an = next(r for r in appraisal.rows if r.subject.member == ward.members["an"])
    assert an.proposed_level == "HTTNV" and an.reasons
    assert {q["group"] for q in appraisal.quota} >= {"dang-vien"}


def test_a_disciplined_member_proposed_too_high_is_a_conflict(ward, cycle):
    Discipline.objects.create(
        member=ward.members["an"],
        form="khien_trach",
        decided_on=D(2020, 6, 1),
        violation_on=D(2020, 3, 1),
        duty_related=True,
    )
    row = next(r for r in appraise(cycle).rows if r.subject.member == ward.members["an"])
    assert row.max_level == "KHTNV"
    assert "above_max" in {c.code for c in row.blocking}
    subject = row.subject
    with pytest.raises(ValidationError, match="cao hơn mức tối đa"):
        decide(_decision(cycle), [Choice(subject, "HTTNV")], ward.users["standing"])
    assert not DecisionEntry.objects.exists()
    decide(
        _decision(cycle, "16-QĐ/ĐU"),
        [Choice(subject, "KHTNV", reason="Bị kỷ luật khiển trách trong năm")],
        ward.users["standing"],
    )
    assert DecisionEntry.objects.get(subject=subject).level == "KHTNV"


def test_missing_residence_comment_blocks_until_received_or_overridden(ward, cycle):
    request_feedback(cycle, [FeedbackSource.RESIDENCE], D(2020, 11, 24), ward.users["office"])
    cuong = cycle.subjects.get(member=ward.members["cuong"])
    row = appraise(cycle).row(cuong)
    assert "missing_residence" in {c.code for c in row.blocking}
    with pytest.raises(ValidationError, match="nơi cư trú"):
        decide(_decision(cycle), [Choice(cuong, "HTTNV")], ward.users["standing"])
    respond_feedback(
        cuong.feedback_requests.get(),
        ward.users["residence"],
        text="Gương mẫu ở khu dân cư",
        proposed_level="HTTNV",
        responded_on=D(2020, 11, 22),
    )
    decide(_decision(cycle), [Choice(cuong, "HTTNV")], ward.users["standing"])


def test_difference_from_the_proposal_needs_a_reason(ward, cycle):
    an = cycle.subjects.get(member=ward.members["an"])
    with pytest.raises(ValidationError, match="khác mức đề xuất"):
        decide(_decision(cycle), [Choice(an, "HTNV")], ward.users["standing"])
    decide(
        _decision(cycle),
        [Choice(an, "HTNV", reason="Chưa hoàn thành nhiệm vụ được giao đúng hạn")],
        ward.users["standing"],
    )


def test_members_before_their_cell(ward, cycle):
    cell = cycle.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a)
    with pytest.raises(ValidationError, match="chưa được quyết định"):
        decide(_decision(cycle), [Choice(cell, "HTTNV")], ward.users["standing"])
    members = [cycle.subjects.get(member=ward.members[k]) for k in ("an", "binh")]
    decide(
        _decision(cycle),
        [Choice(s, "HTTNV") for s in members] + [Choice(cell, "HTTNV")],
        ward.users["standing"],
    )
    assert DecisionEntry.objects.count() == 3


def test_quota_is_checked_on_the_decided_distribution(ward, cycle):
    subjects = [cycle.subjects.get(member=ward.members[k]) for k in ("an", "binh", "cuong", "dung")]
    choices = [Choice(subjects[0], "HTXSNV", reason="Nhiều thành tích", overrides=["above_max"])] + [
        Choice(s, "HTTNV") for s in subjects[1:]
    ]
    with pytest.raises(ValidationError, match="vượt tỷ lệ"):
        # 1 HTXSNV > floor(20% × 3 HTTNV) = 0
        decide(_decision(cycle), choices, ward.users["standing"])
    assert not DecisionEntry.objects.exists()


def test_reclassification_keeps_a_record_and_needs_a_reason(ward, cycle):
    an = cycle.subjects.get(member=ward.members["an"])
    (entry,) = decide(_decision(cycle), [Choice(an, "HTTNV")], ward.users["standing"])
    with pytest.raises(ValidationError):
        reclassify(entry, "HTNV", "", ward.users["standing"])
    rec = reclassify(
        entry, "HTNV", "Phát hiện kê khai chưa trung thực", ward.users["standing"], number="20-QĐ/ĐU"
    )
    entry.refresh_from_db()
    assert entry.level == "HTNV" and rec.old_level == "HTTNV"


def test_progress_against_deadlines_per_cell(ward, cycle):
    rows = progress(cycle, today=D(2020, 12, 10))
    a = next(r for r in rows if r["cell"] == ward.cell_a)
    steps = {s["code"]: s for s in a["steps"]}
    assert steps["ban_kiem_diem"]["state"] == "done"
    assert steps["quyet_dinh"]["state"] == "late" and len(steps["quyet_dinh"]["missing"]) == 2
    publish_results(cycle, ward.users["standing"])
