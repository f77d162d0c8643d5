from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.decisions.appraisal import appraise
from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.decisions.services import Choice, decide, publish_results, reclassify
from kiemdiem.members.models import Discipline
from kiemdiem.plans.models import SubjectKind
from kiemdiem.reports.progress import progress
from kiemdiem.reviews.feedback import request_feedback, respond_feedback
from kiemdiem.reviews.models import FeedbackSource

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


def _snapshot(appraisal):
    return (
        [
            (
                r.subject.pk,
                r.proposed_level,
                r.max_level,
                r.level,
                r.reasons,
                r.flags,
                [c.code for c in r.conflicts],
            )
            for r in appraisal.rows
        ],
        appraisal.quota,
        appraisal.review_date,
    )


def test_several_plans_at_once_give_each_plan_its_own_appraisal(ward, cycle, plan366):
    """A province appraises many plans in one pass; quota groups and facts never cross plans."""
    from kiemdiem.decisions.appraisal import appraise_plans

    Discipline.objects.create(member=ward.members["an"], form="khien_trach", decided_on=D(2025, 6, 1))
    both = appraise_plans([cycle, plan366])
    assert [a.plan for a in both] == [cycle, plan366]
    assert _snapshot(both[0]) == _snapshot(appraise(cycle))
    assert _snapshot(both[1]) == _snapshot(appraise(plan366))
    assert {q["group"] for q in both[0].quota} >= {"dang-vien"}
    assert all(":" not in q["group"] for a in both for q in a.quota)
    # The 2025 discipline limits An in the 2025 plan only.
    an_2020 = next(r for r in both[0].rows if r.subject.member == ward.members["an"])
    an_2025 = next(r for r in both[1].rows if r.subject.member == ward.members["an"])
    assert an_2020.max_level == "HTTNV" and "above_max" not in {c.code for c in an_2020.conflicts}
    assert "C-KHT-01" in an_2025.needs_decision  # disciplined in the year: the competent level decides
    assert "C-KHT-01" not in an_2020.needs_decision
    # Without the model objects (province runs) rows carry ids and the decided level.
    light = appraise_plans([cycle], with_subjects=False)[0]
    assert [r.subject_id for r in light.rows] == [r.subject.pk for r in both[0].rows]
    assert all(r.subject is None and r.decided is None for r in light.rows)


def test_the_plans_adapted_parameters_are_applied(ward, cycle):
    """A committee's recorded adaptation of a parameter (with its reason) is what the appraisal applies."""
    an = cycle.subjects.get(member=ward.members["an"])
    assert appraise(cycle).row(an).max_level == "HTTNV"  # every criterion graded "tốt"
    cycle.parameters = {"individual_httnv_min_grade": "xuat_sac"}
    cycle.parameters_reason = "Đảng ủy yêu cầu cao hơn (thử nghiệm)"
    cycle.save()
    row = appraise(cycle).row(an)
    assert row.max_level == "HTNV"
    assert "above_max" in {c.code for c in row.blocking}


def test_a_later_meeting_s_vote_replaces_an_earlier_one(ward, cycle):
    """A subject voted on again at a later conference: the appraisal reads the latest vote."""
    from kiemdiem.reviews.meetings import close_meeting, enter_paper_tally, open_meeting
    from kiemdiem.reviews.models import Meeting

    an = cycle.subjects.get(member=ward.members["an"])
    assert appraise(cycle).row(an).proposed_level == "HTTNV"
    close_meeting(Meeting.objects.get(plan=cycle, organization=ward.cell_a), ward.users["office"])
    meeting = open_meeting(
        cycle,
        date=D(2020, 11, 26),
        actor=ward.users["office"],
        organization=ward.cell_a,
        attendees=[ward.members["an"], ward.members["binh"]],
    )
    item = meeting.items.get(subject=an)
    for user in ("office", "standing"):
        enter_paper_tally(item, ward.users[user], {"HTNV": 2})
    assert appraise(cycle).row(an).proposed_level == "HTNV"


@pytest.mark.parametrize("order", ["cell first", "collective first"])
def test_a_head_of_a_cell_and_of_the_standing_committee_is_checked_against_both(ward, order):  # type: ignore[no-untyped-def]
    """Whichever position was recorded first, the head is linked to both bodies (engine: the lowest cap)."""
    from kiemdiem.decisions import facts as services
    from kiemdiem.members.models import Position
    from kiemdiem.organizations.models import CollectiveKind, LeadershipCollective
    from kiemdiem.plans.models import SubjectKind
    from kiemdiem.plans.services import compute_subjects, create_plan

    an = ward.members["an"]
    standing = LeadershipCollective.objects.create(
        organization=ward.ward, kind=CollectiveKind.STANDING, name="Ban Thường vụ Đảng ủy"
    )
    positions = {
        "cell": dict(title="Bí thư Chi bộ", organization=ward.cell_a),
        "collective": dict(title="Bí thư Đảng ủy", organization=ward.ward, collective=standing),
    }
    for key in ("cell", "collective") if order == "cell first" else ("collective", "cell"):
        Position.objects.create(member=an, is_head=True, start=D(2020, 1, 1), **positions[key])
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(plan)
    days = services.review_dates([plan])
    facts = services.read_facts([plan], days)
    subjects, _ = services.subjects_of_plan(
        plan, plan.framework(), days[plan.pk], list(facts.subjects), facts, False
    )
    by_id = {s.id: s for s in subjects}
    head = str(plan.subjects.get(member=an).pk)
    cell = str(plan.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a).pk)
    collective = str(plan.subjects.get(kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective=standing).pk)
    named = {by_id[head].heads} | {b for b in (cell, collective) if by_id[b].heads == head}
    assert named == {cell, collective}
    assert by_id[head].heads == min(cell, collective, key=int)  # the same whatever the order
