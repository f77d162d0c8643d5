from __future__ import annotations

import datetime as dt

from kiemdiem.access.scope import Scope
from kiemdiem.plans.services import compute_subjects, create_plan
from kiemdiem.reviews.feedback import request_feedback
from kiemdiem.reviews.models import FeedbackSource

D = dt.date


def _published(ward):
    plan = create_plan(ward.ward, number="07-KH/ĐU", issued_on=D(2020, 11, 18), year=2020)
    compute_subjects(plan)
    plan.status = "da_ban_hanh"
    plan.save()
    return plan


def test_cycle_permissions_follow_the_scope(ward):
    plan = _published(ward)
    an = plan.subjects.get(member=ward.members["an"])
    cuong = plan.subjects.get(member=ward.members["cuong"])
    member, secretary, office = (Scope.for_user(ward.users[k]) for k in ("member", "secretary", "office"))
    assert member.can_edit_review(an) and not member.can_edit_review(cuong)
    assert secretary.can_edit_review(an) and not secretary.can_edit_review(cuong)
    assert office.can_edit_review(cuong)
    assert set(member.plan_subjects().filter(member__isnull=False)) == {an}
    assert secretary.can_run_meeting(plan, ward.cell_a) and not secretary.can_run_meeting(plan, ward.cell_b)
    assert Scope.for_user(ward.users["standing"]).can_decide(plan) and not office.can_decide(plan)
    assert not Scope.for_user(ward.users["other_office"]).plan_subjects().exists()


def test_residence_secretary_answers_only_residence_requests_of_own_cell(ward):
    plan = _published(ward)
    request_feedback(
        plan, [FeedbackSource.RESIDENCE, FeedbackSource.CELL_COMMITTEE], D(2020, 11, 24), ward.users["office"]
    )
    residence = Scope.for_user(ward.users["residence"]).feedback_requests()
    assert [(r.subject.member, r.source) for r in residence] == [
        (ward.members["cuong"], FeedbackSource.RESIDENCE)
    ]
    secretary = Scope.for_user(ward.users["secretary"]).feedback_requests()
    assert {r.source for r in secretary} == {FeedbackSource.CELL_COMMITTEE}
    assert {r.subject.member for r in secretary} == {ward.members["an"], ward.members["binh"]}


def test_residence_secretary_does_not_read_the_residents_reviews(ward):
    _published(ward)
    residence = Scope.for_user(ward.users["residence"])
    assert ward.members["cuong"] in residence.members()  # he/she can see who the resident is
    assert not residence.plan_subjects().filter(member=ward.members["cuong"]).exists()
