"""The seed's 2020 scenario driven end to end through the services.

Đảng ủy phường Thượng Thanh issues Kế hoạch 07-KH/ĐU on 18/11/2020 (QĐ 132): launch conference on
19/11/2020 chaired by the secretary, cells due 28/11/2020, the committee's leaders due 05/12/2020.
The Chi bộ Cơ quan UBND phường runs its whole cycle: the cell's report first, every member's
self-review (one entered by the secretary on behalf of a member), residence-place comments from the
cells where its members live, the meeting with paper tallies entered twice and one secret ballot,
the office's appraisal, the standing committee's decision (members, then the cell, then its head)
and publication with a remediation plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.accounts.models import Role, User
from kiemdiem.audit.models import AuditEvent
from kiemdiem.decisions.appraisal import appraise
from kiemdiem.decisions.models import Decision, DecisionEntry
from kiemdiem.decisions.services import Choice, decide, publish_results, quota_problems
from kiemdiem.demo import seed
from kiemdiem.members.models import Position
from kiemdiem.organizations.models import Organization
from kiemdiem.plans.models import RemediationItem, SubjectKind
from kiemdiem.plans.services import acknowledge, compute_subjects, create_plan, publish_plan
from kiemdiem.reports.progress import progress
from kiemdiem.reviews.ballots import cast_ballot, close_ballot, open_ballot
from kiemdiem.reviews.feedback import request_feedback, respond_feedback
from kiemdiem.reviews.meetings import close_meeting, enter_paper_tally, open_meeting
from kiemdiem.reviews.models import FeedbackSource, ReviewPlace, ReviewStatus
from kiemdiem.reviews.services import get_or_create_review, save_review, submit_review

D = dt.date
DURING = D(2020, 11, 24)


@pytest.fixture
def ward(db):
    seed.load()
    return Organization.objects.get(code=seed.WARD_CODE)


def test_the_2020_plan_runs_end_to_end(ward):
    office = User.objects.get(username="vanphong")
    standing = User.objects.get(username="thuongvu")
    party_secretary = Position.objects.get(title="Bí thư Đảng ủy").member

    # 1. Plan
    plan = create_plan(ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020, actor=office)
    assert plan.framework_id == "qd132-2020"
    plan.launch_date, plan.launch_chair = D(2020, 11, 19), party_secretary
    plan.save()
    plan.steps.filter(code__in=["bao_cao_tap_the", "ban_kiem_diem", "lay_y_kien", "hoi_nghi"]).update(
        due_cells=D(2020, 11, 28)
    )
    plan.steps.exclude(code="trien_khai").update(due_committee=D(2020, 12, 5))
    counts = compute_subjects(plan, office)
    assert counts["reviewed"] > 1000
    acks = publish_plan(plan, office)
    assert (
        len(acks) == Organization.objects.filter(parent=ward, active_to__isnull=True).count() + 1
    )  # + TDP 20 in 2020
    cell = Organization.objects.get(code="TT-UBND")
    cell_secretary_user = User.objects.create(username="bithu.ubnd")
    cell_secretary_user.roles.create(role=Role.CELL_SECRETARY, organization=cell)
    acknowledge(plan, cell, cell_secretary_user)

    # 2. Collective first
    cell_subject = plan.subjects.get(kind=SubjectKind.CELL, organization=cell)
    report = get_or_create_review(cell_subject, actor=cell_secretary_user)
    grades = {c.id: "tot" for c in plan.framework().criteria["cell"].criteria}
    save_review(
        report,
        {
            "strengths": "Lãnh đạo cơ quan hoàn thành các chỉ tiêu năm 2020.",
            "self_level": "HTTNV",
            "grades": grades,
        },
        cell_secretary_user,
        version=report.version,
        today=DURING,
    )
    submit_review(report, cell_secretary_user, today=DURING)

    # 3. Self-reviews
    members = list(
        plan.subjects.filter(cell=cell, reviewed=True, member__isnull=False).select_related("member")
    )
    assert len(members) > 20
    for i, s in enumerate(members):
        review = get_or_create_review(s)
        user = None if i == 0 else s.member
        actor = cell_secretary_user if i == 0 else office
        criteria = plan.framework().criteria[s.kind].criteria
        level = "HTXSNV" if i % 9 == 1 else ("HTNV" if i % 11 == 2 else "HTTNV")
        g = {c.id: ("xuat_sac" if level == "HTXSNV" and c.key else "tot") for c in criteria}
        save_review(
            review,
            {
                "strengths": "Hoàn thành tốt nhiệm vụ chuyên môn.",
                "self_level": level,
                "grades": g,
                "tasks_total": 10,
                "tasks_done": 10,
                "tasks_on_time": 10,
                "tasks_exceeded": 6 if level == "HTXSNV" else 1,
            },
            actor,
            version=review.version,
            acting_member=user,
            today=DURING,
        )
        submit_review(review, actor, today=DURING)
    # Leaders review at the cell first, then at their leadership collective, after the collective's report.
    for s in members:
        if s.kind != SubjectKind.LEADER or not s.collective_id:
            continue
        coll_subject = plan.subjects.get(
            kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=s.collective_id
        )
        coll_review = get_or_create_review(coll_subject)
        if coll_review.status != ReviewStatus.SUBMITTED:
            cg = {c.id: "tot" for c in plan.framework().criteria["leadership_collective"].criteria}
            save_review(
                coll_review,
                {"strengths": "Tập thể đoàn kết, hoàn thành nhiệm vụ.", "self_level": "HTTNV", "grades": cg},
                office,
                version=coll_review.version,
                today=DURING,
            )
            submit_review(coll_review, office, today=DURING)
        second = get_or_create_review(s, ReviewPlace.COLLECTIVE)
        save_review(
            second,
            {"strengths": "Kiểm điểm tại tập thể lãnh đạo.", "self_level": "HTTNV"},
            office,
            version=second.version,
            acting_member=s.member,
            today=DURING,
        )
        submit_review(second, office, today=DURING)
    on_behalf = get_or_create_review(members[0])
    assert on_behalf.entered_on_behalf and on_behalf.collective_review == report

    # 4. Feedback from the residence place
    n = request_feedback(
        plan,
        [FeedbackSource.RESIDENCE],
        D(2020, 11, 25),
        office,
        subjects=plan.subjects.filter(pk__in=[s.pk for s in members]),
    )
    assert n == sum(1 for s in members if s.needs_residence_comment) > 0
    for s in members:
        for req in s.feedback_requests.all():
            respond_feedback(
                req,
                office,
                text="Gương mẫu ở nơi cư trú.",
                proposed_level="HTTNV",
                responded_on=D(2020, 11, 25),
            )

    # 5. Meeting and votes
    present = [s.member for s in members][:-1]
    meeting = open_meeting(
        plan, date=D(2020, 11, 26), actor=cell_secretary_user, organization=cell, attendees=present
    )
    items = list(meeting.items.select_related("subject__member"))
    assert items[0].subject == cell_subject  # the collective first
    secret = items[1]
    for item in items:
        level = item.subject.reviews.get(place=ReviewPlace.CELL).self_level
        if item is secret:
            box = open_ballot(item, cell_secretary_user)
            receipts = [cast_ballot(box, m, level) for m in present]
            close_ballot(box, cell_secretary_user, box.counting_code)
            continue
        tally = {level: len(present)}
        enter_paper_tally(item, cell_secretary_user, tally)
        enter_paper_tally(item, office, tally)
    close_meeting(meeting, cell_secretary_user, minutes="Hội nghị kết thúc.")
    assert all(i.proposed_level for i in meeting.items.all())
    assert len(set(receipts)) == len(present)

    # 6. Appraisal and decision: members, then the cell, then its head
    appraisal = appraise(plan, plan.subjects.filter(pk__in=[s.pk for s in members] + [cell_subject.pk]))
    rows = {r.subject.pk: r for r in appraisal.rows}
    for s in members:
        assert not rows[s.pk].blocking, rows[s.pk].conflicts
    decision = Decision.objects.create(plan=plan, number="15-QĐ/ĐU", date=D(2020, 12, 3), created_by=standing)
    heads = set(Position.objects.filter(organization=cell, is_head=True).values_list("member_id", flat=True))
    # Heads of the ward's leadership collectives wait for their collective's decision (C-ORD-03).
    collective_heads = (
        set(
            Position.objects.filter(collective__isnull=False, is_head=True)
            .exclude(collective__organization=cell)
            .values_list("member_id", flat=True)
        )
        - heads
    )
    waiting = [s for s in members if s.member_id in collective_heads]
    assert waiting
    with pytest.raises(ValidationError, match="sau tập thể"):
        decide(decision, [Choice(waiting[0], rows[waiting[0].pk].level)], standing)
    choices = []
    for s in members:
        if s.member_id in heads or s.member_id in collective_heads:
            continue
        row = rows[s.pk]
        choice = Choice(s, row.level)
        if quota_problems(decision, [*choices, choice]):
            choice = Choice(s, "HTTNV", reason="Vượt tỷ lệ 20% số HTTNV, xét hạ một mức")
        choices.append(choice)
    decide(decision, choices, standing)

    def decide_collective(collective_id: int) -> None:
        """A leadership collective meets, votes and is decided (before its head)."""
        coll_subject = plan.subjects.get(kind=SubjectKind.LEADERSHIP_COLLECTIVE, collective_id=collective_id)
        if DecisionEntry.objects.filter(subject=coll_subject).exists():
            return
        holders = {p.member.pk: p.member for p in coll_subject.collective.positions.select_related("member")}
        coll_meeting = open_meeting(
            plan,
            date=D(2020, 12, 2),
            actor=office,
            collective=coll_subject.collective,
            attendees=list(holders.values()),
        )
        for item in coll_meeting.items.all():
            if item.proposed_level:
                continue
            tally = {"HTTNV": coll_meeting.present}
            enter_paper_tally(item, office, tally)
            enter_paper_tally(item, standing, tally)
        decide(decision, [Choice(coll_subject, "HTTNV")], standing)

    # The committee's leadership collectives are decided, then their heads; then the cell and its head.
    for s in waiting:
        decide_collective(s.collective_id)
        row = appraise(plan, plan.subjects.filter(pk=s.pk)).rows[0]
        decide(decision, [Choice(s, row.level)], standing)
    decide(decision, [Choice(cell_subject, "HTTNV")], standing)
    for s in members:
        if s.member_id in heads:
            if s.collective_id:
                decide_collective(s.collective_id)
            # The collective's later vote on its head replaces the cell's: appraise again before deciding.
            row = appraise(plan, plan.subjects.filter(pk=s.pk)).rows[0]
            decide(decision, [Choice(s, row.level)], standing)

    # 7. Publication and follow-up
    published = publish_results(plan, standing)
    assert published == DecisionEntry.objects.filter(subject__plan=plan).count() >= len(members) + 1
    assert set(DecisionEntry.objects.filter(subject__in=members).values_list("subject_id", flat=True)) == {
        s.pk for s in members
    }
    for entry in DecisionEntry.objects.filter(subject__plan=plan, level__in=["HTNV", "KHTNV"]):
        RemediationItem.objects.create(
            subject=entry.subject,
            shortcoming="Chậm tiến độ một số việc",
            action="Lập lịch công tác hằng tháng",
            owner=entry.subject.name,
            due_date=D(2021, 6, 30),
        )

    levels = Counter(DecisionEntry.objects.filter(subject__in=members).values_list("level", flat=True))
    assert levels["HTXSNV"] <= int(0.2 * levels["HTTNV"])  # A-Q-01 on the decided distribution
    assert (
        levels["HTNV"] >= 1 and RemediationItem.objects.filter(subject__plan=plan).count() == levels["HTNV"]
    )
    assert all(e.level and e.published_at for e in DecisionEntry.objects.filter(subject__plan=plan))
    cell_progress = next(r for r in progress(plan, today=D(2020, 12, 6)) if r["cell"] == cell)
    assert all(step["state"] == "done" for step in cell_progress["steps"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "plan.create",
        "plan.publish",
        "review.submit",
        "feedback.respond",
        "vote.accept",
        "vote.close",
        "decision.entry",
        "decision.publish",
    } <= actions
    assert all(r.status == ReviewStatus.SUBMITTED for s in members for r in s.reviews.all())
    assert AuditEvent.objects.filter(action="review.save", actor=cell_secretary_user).exists()
