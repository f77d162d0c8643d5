"""Behaviour bugs that type checking (mypy strict on kiemdiem.rules) revealed; each crashed with TypeError."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kiemdiem.rules import Discipline, DisciplineForm, Framework, Level, Subject, classify, get_framework
from kiemdiem.rules.engine import rank_score

REVIEW = date(2025, 12, 15)
RECENT = date(2025, 11, 1)  # under six months before the review date


def _member(sid: str, **facts: object) -> Subject:
    """A plain member who would be HTXSNV: taken by qd366's fast path (bulk_individuals)."""
    base = Subject(sid, "member", score_general=29, score_tasks=66, tasks_total=10, tasks_done=10)
    return replace(base, tasks_on_time=10, tasks_exceeded=4, **facts)


def _generic(framework_id: str) -> Framework:
    """The framework without its fast path: every individual goes through the general evaluator."""
    return replace(get_framework(framework_id), bulk_individuals=None)


# --- qd366 with the new-member rule turned off (new_member_months = 0) ---------------------------


@pytest.mark.parametrize("fast", [True, False])
def test_qd366_without_new_member_cutoff_classifies_recently_admitted_members(fast):
    # engine.Context has no cutoff (None) when new_member_months is 0; qd366 compared admitted_on > None.
    fw = get_framework("qd366-2025") if fast else _generic("qd366-2025")
    fw = fw.with_parameters({"new_member_months": 0}, reason="Thử: không áp dụng điều kiện 6 tháng")
    subjects = [
        _member("plain", admitted_on=RECENT),
        _member("leader", admitted_on=RECENT, kind="leader"),
        _member("disciplined", admitted_on=RECENT, discipline=(Discipline(DisciplineForm.KHIEN_TRACH),)),
    ]
    results = {r.id: r for r in classify(fw, subjects, REVIEW).results}
    assert all(r.classified for r in results.values())
    assert results["plain"].level is Level.HTXSNV
    assert "C-EX-03" not in [reason.rule for r in results.values() for reason in r.reasons]


def test_qd366_new_member_rule_still_applies_with_its_default():
    r = classify(get_framework("qd366-2025"), [_member("m", admitted_on=RECENT)], REVIEW).results[0]
    assert (r.classified, r.not_classified_reason) == (False, "admitted_under_6_months")


# --- a score of group I without group II (Subject built in Python, not through the contract) -------


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("kind", ["member", "leader"])
def test_qd366_half_score_is_not_scored(fast, kind):
    # Subject.score is None when either group is missing; the evaluators added general + None.
    fw = get_framework("qd366-2025") if fast else _generic("qd366-2025")
    half = _member("half", kind=kind, score_tasks=None)
    unscored = _member("none", kind=kind, score_general=None, score_tasks=None)
    got = classify(fw, [half, unscored], REVIEW)
    assert got.outcomes[0] == got.outcomes[1]
    assert "C-SC-01" in got.outcomes[0].needs_decision


def test_qd366_collective_half_score_is_not_scored():
    cell = Subject("cb", "cell", score_general=28, tasks_total=5, tasks_done=5, tasks_on_time=5)
    unscored = replace(cell, id="cb2", score_general=None)
    got = classify(get_framework("qd366-2025"), [cell, unscored], REVIEW)
    assert got.outcomes[0] == got.outcomes[1]
    assert "C-SC-01" in got.outcomes[0].needs_decision


def test_half_scored_htxsnv_ranks_as_unscored_for_demotion():
    # engine.rank_score (whom to suggest lowering first) added general + None for an HTXSNV subject.
    half = _member("half", score_tasks=None, kind="leader")
    scored = [_member(f"m{i}", kind="leader") for i in range(3)]
    report = classify(get_framework("qd366-2025"), [*scored, half], REVIEW).quota[0]
    assert not report.ok
    assert report.suggested_demotions[0] == "half"  # no score: suggested first, like an unscored subject


def test_rank_score_of_a_half_score_is_no_score():
    assert rank_score(_member("half", score_tasks=None)) == rank_score(_member("none", score_general=None))
    assert rank_score(_member("full")) == 95
