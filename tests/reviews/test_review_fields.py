"""Which parts of a review apply to a subject: one rule for the web form, the API and any other caller."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kiemdiem.plans.models import SubjectKind
from kiemdiem.reviews.services import get_or_create_review, review_fields, save_review


def test_a_member_under_qd132_has_graded_criteria_and_task_figures(ward, plan):
    fields = review_fields(plan.subjects.get(member=ward.members["an"]))
    assert not fields.scored and fields.criteria and fields.tasks and not fields.circulated_on
    assert fields.sections and fields.sections[0][0] == "1"


def test_a_cell_under_qd366_has_scores_and_a_circulation_date_but_no_task_figures(ward, plan366):
    fields = review_fields(plan366.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a))
    assert fields.scored and not fields.criteria and not fields.tasks and fields.circulated_on
    assert [(g.field, g.id) for g in fields.score_groups] == [("score_general", "I"), ("score_tasks", "II")]
    assert sum(g.max_points for g in fields.score_groups) == 100


def test_save_review_refuses_what_does_not_apply_whoever_calls_it(ward, plan):
    review = get_or_create_review(plan.subjects.get(member=ward.members["an"]))
    bad = {"score_general": 20, "circulated_on": None, "grades": {"nope": "tot"}, "sections": {"99": "?"}}
    with pytest.raises(ValidationError) as refused:
        save_review(review, bad, ward.users["member"], version=review.version, today=dt.date(2020, 11, 20))
    assert set(refused.value.message_dict) == {"score_general", "circulated_on", "grades", "sections"}
    review.refresh_from_db()
    assert review.version == 1 and review.score_general is None
