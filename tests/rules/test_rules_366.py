"""QĐ 366-QĐ/TW + HD 43: one or more tests per rule of regulations.md §7.1, from the rule's wording."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kiemdiem.rules import FRAMEWORKS, Level, Subject, classify
from kiemdiem.rules.engine import minimal_demotions

from .helpers import member, one, quota, result, rules_of, run, score, tasks

C = "qd366-2025"
HTXS_FACTS = {"score": score(95), "tasks": tasks(10, exceeded=4)}


# --- C-EX: who is not classified ---------------------------------------------------------------


def test_c_ex_01_member_exempt_from_party_work_is_not_classified_and_not_counted_in_quota():
    response = run(C, [member("m1", status="exempt", **HTXS_FACTS), member("m2", **HTXS_FACTS)])
    r = result(response, "m1")
    assert r["classified"] is False
    assert r["not_classified_reason"] == "exempt"
    assert r["level"] is None and r["max_level"] is None
    assert rules_of(r) == ["C-EX-01"]
    assert quota(response, "member")["HTXSNV"] == 1


def test_c_ex_02_member_with_party_activity_suspended_is_not_classified():
    r = one(C, status="suspended", **HTXS_FACTS)
    assert (r["classified"], r["not_classified_reason"]) == (False, "suspended")
    assert rules_of(r) == ["C-EX-02"]


def test_c_ex_03_member_admitted_less_than_six_months_before_review_is_not_classified():
    r = one(C, admitted_on="2025-07-01", **HTXS_FACTS)
    assert (r["classified"], r["not_classified_reason"]) == (False, "admitted_under_6_months")
    assert rules_of(r) == ["C-EX-03"]


def test_c_ex_04_sick_leave_of_three_months_is_still_classified_on_actual_results():
    r = one(C, sick_or_maternity_leave_months=4, score=score(80), tasks=tasks(6))
    assert r["classified"] is True
    assert r["level"] == "HTTNV"
    assert "C-EX-04" in rules_of(r)


def test_c_ex_04_short_sick_leave_is_not_mentioned():
    r = one(C, sick_or_maternity_leave_months=2, score=score(80), tasks=tasks(6))
    assert "C-EX-04" not in rules_of(r)


# --- C-SC: the 100-point scale ------------------------------------------------------------------


def test_c_sc_01_a_classified_subject_without_a_score_needs_a_decision():
    r = one(C, tasks=tasks(10))
    assert "C-SC-01" in r["needs_decision"]


def test_c_sc_01_group_scores_add_up_to_the_total_used_for_the_band():
    assert one(C, score={"general": 20, "tasks": 70}, tasks=tasks(10, exceeded=3))["level"] == "HTXSNV"
    assert one(C, score={"general": 30, "tasks": 59}, tasks=tasks(10, exceeded=3))["level"] == "HTTNV"


# --- C-LV: levels ---------------------------------------------------------------------------------


def test_c_lv_01_score_90_with_all_conditions_is_htxsnv():
    r = one(C, score=score(90), tasks=tasks(10, exceeded=3), prior_shortcomings={"total": 2, "remedied": 2})
    assert r["level"] == "HTXSNV" and rules_of(r) == ["C-LV-01"]


def test_c_lv_02_member_with_a_task_behind_schedule_is_not_htxsnv():
    r = one(C, score=score(95), tasks=tasks(10, exceeded=5, late=1))
    assert r["max_level"] != "HTXSNV"
    assert "C-LV-02" in rules_of(r)


def test_c_lv_02_member_outside_the_political_system_has_the_same_htxs_condition():
    r = one(C, kind="member_outside", score=score(95), tasks=tasks(4, exceeded=1))
    assert r["level"] == "HTTNV"
    assert "C-LV-02" in rules_of(r)
    assert one(C, kind="member_outside", score=score(95), tasks=tasks(4, exceeded=2))["level"] == "HTXSNV"


def test_c_lv_03_leader_whose_units_exceed_less_than_30_percent_is_not_htxsnv():
    units = {"tasks_completion_ratio": 1.0, "exceeded_ratio": 0.2, "all_on_time": True}
    r = one(C, kind="leader", units_led=units, **HTXS_FACTS)
    assert r["max_level"] == "HTTNV"
    assert "C-LV-03" in rules_of(r)
    units["exceeded_ratio"] = 0.3
    assert one(C, kind="leader", units_led=units, **HTXS_FACTS)["max_level"] == "HTXSNV"


def _collective(kind: str = "leadership_collective", **facts):
    base = {"id": "c1", "kind": kind, "score": score(95), "tasks": tasks(10, exceeded=3)}
    base.update(facts)
    return base


def test_c_lv_04_collective_with_a_disciplined_leadership_member_is_not_htxsnv():
    discipline = [{"form": "khien_trach", "decided_on": "2025-04-01", "duty_related": False}]
    assert result(run(C, [_collective()]), "c1")["level"] == "HTXSNV"
    r = result(run(C, [_collective(leadership_discipline=discipline)]), "c1")
    assert r["level"] == "HTTNV"
    assert "C-LV-04" in rules_of(r)


def test_c_lv_04_collective_with_a_disciplined_subordinate_unit_is_not_htxsnv():
    r = result(run(C, [_collective("grassroots_org", subordinate_disciplined=True)]), "c1")
    assert r["level"] == "HTTNV"
    assert "C-LV-04" in rules_of(r)


def test_c_lv_04_cell_with_a_member_disciplined_in_the_period_is_not_htxsnv():
    disciplined = member("m1", cell="c1", score=score(80), tasks=tasks(5))
    disciplined["discipline"] = [{"form": "khien_trach", "decided_on": "2025-04-01"}]
    response = run(C, [disciplined, _collective("cell")])
    assert result(response, "c1")["level"] == "HTTNV"
    clean = member("m1", cell="c1", score=score(80), tasks=tasks(5))
    assert result(run(C, [clean, _collective("cell")]), "c1")["level"] == "HTXSNV"


def test_c_lv_04_collective_needs_30_percent_of_its_tasks_exceeded():
    r = result(run(C, [_collective(tasks=tasks(10, exceeded=2))]), "c1")
    assert r["level"] == "HTTNV"


def test_c_lv_05_unremedied_earlier_shortcoming_blocks_htxsnv():
    r = one(C, prior_shortcomings={"total": 3, "remedied": 2}, **HTXS_FACTS)
    assert r["level"] == "HTTNV"
    assert "C-LV-05" in rules_of(r)


def test_c_lv_05_no_earlier_shortcomings_is_vacuously_satisfied():
    assert one(C, prior_shortcomings={"total": 0, "remedied": 0}, **HTXS_FACTS)["level"] == "HTXSNV"


def test_c_lv_06_score_between_70_and_90_with_all_tasks_on_time_is_httnv():
    r = one(C, score=score(75), tasks=tasks(8))
    assert r["level"] == "HTTNV" and rules_of(r) == ["C-LV-06"]


def test_c_lv_06_a_late_task_drops_httnv_to_htnv():
    r = one(C, score=score(75), tasks=tasks(10, late=1))
    assert r["level"] == "HTNV"
    assert rules_of(r) == ["C-LV-06", "C-LV-07"]


def test_c_lv_06_leader_units_not_all_on_time_is_not_httnv():
    units = {"tasks_completion_ratio": 1.0, "all_on_time": False}
    r = one(C, kind="leader", score=score(80), tasks=tasks(5), units_led=units)
    assert r["level"] == "HTNV"


def test_c_lv_07_score_between_50_and_70_all_done_at_most_20_percent_late_is_htnv():
    r = one(C, score=score(55), tasks=tasks(10, late=2))
    assert r["level"] == "HTNV" and rules_of(r) == ["C-LV-07"]


def test_c_lv_08_score_below_50_is_khtnv():
    r = one(C, score=score(45), tasks=tasks(10, exceeded=10))
    assert r["level"] == "KHTNV" and rules_of(r) == ["C-LV-08"]


def test_c_lv_09_unfinished_task_with_a_good_score_and_no_khtnv_case_is_flagged():
    r = one(C, score=score(85), tasks=tasks(10, done=9))
    assert r["needs_decision"] == ["C-LV-09"]
    assert "C-LV-09" in rules_of(r)


# --- C-KHT: not fulfilling ----------------------------------------------------------------------


def test_c_kht_01_degradation_concluded_is_khtnv():
    r = one(C, degradation_concluded=True, **HTXS_FACTS)
    assert r["level"] == "KHTNV" and rules_of(r) == ["C-KHT-01"]


def test_c_kht_01_violating_the_things_members_must_not_do_is_khtnv():
    assert one(C, prohibition_violated=True, **HTXS_FACTS)["level"] == "KHTNV"


def test_c_kht_01_warning_for_duty_related_violation_is_khtnv():
    discipline = [{"form": "canh_cao", "decided_on": "2025-02-01", "duty_related": True}]
    assert one(C, discipline=discipline, **HTXS_FACTS)["level"] == "KHTNV"


def test_c_kht_01_discipline_not_related_to_public_duty_is_left_to_the_competent_level():
    discipline = [{"form": "khien_trach", "decided_on": "2025-02-01"}]
    r = one(C, discipline=discipline, score=score(80), tasks=tasks(5))
    assert r["level"] == "HTTNV"
    assert r["needs_decision"] == ["C-KHT-01"]


def test_c_kht_01_discipline_decided_in_an_earlier_year_does_not_count_this_year():
    discipline = [{"form": "khien_trach", "decided_on": "2024-11-01", "duty_related": True}]
    assert one(C, discipline=discipline, score=score(80), tasks=tasks(5))["level"] == "HTTNV"


def test_c_kht_02_more_than_half_of_the_tasks_not_completed_is_khtnv():
    r = one(C, score=score(80), tasks=tasks(10, done=4))
    assert r["level"] == "KHTNV" and rules_of(r) == ["C-KHT-02"]


def test_c_kht_03_leader_whose_units_complete_less_than_70_percent_is_khtnv():
    r = one(C, kind="leader", units_led={"tasks_completion_ratio": 0.69}, **HTXS_FACTS)
    assert r["level"] == "KHTNV" and rules_of(r) == ["C-KHT-03"]
    assert one(C, kind="leader", units_led={"tasks_completion_ratio": 0.7}, **HTXS_FACTS)["level"] != "KHTNV"


def test_c_kht_03_leader_whose_units_miss_a_basic_target_is_khtnv():
    assert one(C, kind="leader", units_led={"basic_targets_missed": 1}, **HTXS_FACTS)["level"] == "KHTNV"


def test_c_kht_03_leader_with_more_than_half_of_units_khtnv_is_khtnv():
    units = {"units_total": 10, "units_khtnv": 6}
    assert one(C, kind="leader", units_led=units, **HTXS_FACTS)["level"] == "KHTNV"
    units["units_khtnv"] = 5
    assert one(C, kind="leader", units_led=units, **HTXS_FACTS)["level"] != "KHTNV"


def test_c_kht_04_exactly_half_low_confidence_votes_is_not_khtnv():
    assert one(C, kind="leader", low_confidence_ratio=0.5, **HTXS_FACTS)["level"] == "HTXSNV"


def test_c_kht_05_leader_reprimanded_for_duty_related_violation_is_khtnv():
    discipline = [{"form": "khien_trach", "decided_on": "2025-05-05", "duty_related": True}]
    r = one(C, kind="leader", discipline=discipline, **HTXS_FACTS)
    assert r["level"] == "KHTNV" and "C-KHT-05" in rules_of(r)


def test_c_kht_05_leader_proactively_detecting_and_remedying_is_case_by_case():
    discipline = [
        {
            "form": "khien_trach",
            "decided_on": "2025-05-05",
            "duty_related": True,
            "self_detected_and_remedied": True,
        }
    ]
    r = one(C, kind="leader", discipline=discipline, **HTXS_FACTS)
    assert r["needs_decision"] == ["C-KHT-05"]


def test_c_kht_05_leader_concluded_degraded_is_khtnv():
    assert one(C, kind="leader", degradation_concluded=True, **HTXS_FACTS)["level"] == "KHTNV"


def test_c_kht_06_collective_whose_member_was_reprimanded_for_duty_is_khtnv():
    discipline = [{"form": "khien_trach", "decided_on": "2025-04-01", "duty_related": True}]
    r = result(run(C, [_collective(leadership_discipline=discipline)]), "c1")
    assert r["level"] == "KHTNV" and rules_of(r) == ["C-KHT-06"]


def test_c_kht_06_collective_member_discipline_unrelated_to_the_collective_is_not_counted():
    discipline = [{"form": "khien_trach", "decided_on": "2025-04-01", "duty_related": False}]
    r = result(run(C, [_collective(leadership_discipline=discipline, score=score(80))]), "c1")
    assert r["level"] == "HTTNV"


def test_c_kht_06_collective_with_units_below_70_percent_or_degraded_member_is_khtnv():
    assert result(run(C, [_collective(units_led={"tasks_completion_ratio": 0.6})]), "c1")["level"] == "KHTNV"
    assert result(run(C, [_collective(degradation_concluded=True)]), "c1")["level"] == "KHTNV"


def test_c_kht_06_self_detected_member_violation_is_case_by_case():
    discipline = [
        {
            "form": "canh_cao",
            "decided_on": "2025-04-01",
            "duty_related": True,
            "self_detected_and_remedied": True,
        }
    ]
    r = result(run(C, [_collective(leadership_discipline=discipline)]), "c1")
    assert "C-KHT-06" in r["needs_decision"]
    assert r["level"] == "HTTNV"  # still not HTXSNV: a leadership member was disciplined (C-LV-04)


def test_c_kht_07_violation_of_an_earlier_year_disciplined_now_is_evaluated_now():
    discipline = [
        {
            "form": "khien_trach",
            "decided_on": "2025-03-01",
            "violation_on": "2023-06-01",
            "duty_related": True,
        }
    ]
    r = one(C, discipline=discipline, **HTXS_FACTS)
    assert r["level"] == "KHTNV"
    assert "C-KHT-07" in rules_of(r)


def test_c_kht_07_dismissal_or_expulsion_flags_a_personnel_decision():
    discipline = [{"form": "cach_chuc", "decided_on": "2025-03-01", "duty_related": True}]
    r = one(C, discipline=discipline, **HTXS_FACTS)
    assert r["flags"] == ["C-KHT-07"]


# --- C-Q: quotas -------------------------------------------------------------------------------


def _group(n_xs: int, n_tt: int, n_other: int = 0, group: str = "g") -> list[dict]:
    subjects = [
        member(f"x{i}", group=group, score=score(91 + i % 9), tasks=tasks(10, exceeded=3))
        for i in range(n_xs)
    ]
    subjects += [member(f"t{i}", group=group, score=score(80), tasks=tasks(10)) for i in range(n_tt)]
    subjects += [member(f"o{i}", group=group, score=score(60), tasks=tasks(10)) for i in range(n_other)]
    return subjects


def test_c_q_01_cap_is_20_percent_of_httnv_rounded_down():
    q = quota(run(C, _group(3, 19)), "g")  # 0.2 × 19 = 3.8 → 3
    assert (q["cap"], q["ok"]) == (3, True)
    q = quota(run(C, _group(4, 19)), "g")
    assert (q["cap"], q["ok"], q["excess"]) == (3, False, 1)


def test_c_q_01_suggested_demotions_lowest_score_first_then_order_given():
    subjects = [
        member("a", group="g", score=score(97), tasks=tasks(10, exceeded=3)),
        member("b", group="g", score=score(91), tasks=tasks(10, exceeded=3)),
        member("c", group="g", score=score(93), tasks=tasks(10, exceeded=3)),
        member("d", group="g", score=score(91), tasks=tasks(10, exceeded=3)),
    ] + [member(f"t{i}", group="g", score=score(80), tasks=tasks(10)) for i in range(10)]
    q = quota(run(C, subjects), "g")  # 4 HTXSNV, 10 HTTNV: cap 2; lowering 2 gives 2 ≤ floor(2.4)
    assert q["suggested_demotions"] == ["b", "d"]


def test_c_q_01_each_demotion_raises_the_denominator():
    # 20 HTXSNV / 50 HTTNV: cap 10, excess 10, but 9 demotions give 11 ≤ floor(0.2 × 59) = 11.
    q = quota(run(C, _group(20, 50)), "g")
    assert (q["cap"], q["excess"]) == (10, 10)
    assert len(q["suggested_demotions"]) == 9


def test_c_q_01_minimal_demotions_is_the_smallest_k_for_every_rounding_and_ratio():
    base = FRAMEWORKS["qd366-2025"].quota
    for rounding in ("floor", "ceil", "half_up"):
        for ratio, outstanding_ratio in ((0.2, 0.25), (0.15, 0.3), (1 / 3, None)):
            policy = replace(base, rounding=rounding, ratio=ratio, outstanding_ratio=outstanding_ratio)
            for outstanding in (False, True):
                for xs in range(1, 40):
                    for tt in range(0, 120, 7):
                        if xs <= policy.cap(tt, outstanding):
                            continue
                        fits = [k for k in range(1, xs + 1) if xs - k <= policy.cap(tt + k, outstanding)]
                        assert minimal_demotions(policy, xs, tt, outstanding) == fits[0], (policy, xs, tt)


def test_c_q_01_groups_are_counted_separately():
    response = run(
        C,
        _group(2, 10, group="cells-a")
        + [{**s, "id": "b" + s["id"], "group": "cells-b"} for s in _group(1, 4, group="cells-b")],
    )
    assert quota(response, "cells-a")["ok"] is True
    assert (quota(response, "cells-b")["cap"], quota(response, "cells-b")["ok"]) == (0, False)


def test_c_q_02_outstanding_unit_cap_is_25_percent_rounded_down():
    groups = {"g": {"outstanding_unit": True}}
    q = quota(run(C, _group(4, 19), groups=groups), "g")  # 0.25 × 19 = 4.75 → 4
    assert (q["cap"], q["ok"]) == (4, True)
    q = quota(run(C, _group(5, 19), groups=groups), "g")
    assert (q["cap"], q["ok"]) == (4, False)


def test_c_q_03_denominator_is_the_httnv_count_not_all_members():
    # 30 members: 2 HTXSNV, 5 HTTNV, 23 HTNV. 20% of all members would allow 6; the rule allows 1.
    q = quota(run(C, _group(2, 5, 23)), "g")
    assert (q["HTTNV"], q["cap"], q["ok"]) == (5, 1, False)


def test_c_q_03_not_classified_members_count_in_no_group():
    subjects = _group(1, 5) + [member(f"e{i}", group="g", status="exempt", **HTXS_FACTS) for i in range(5)]
    q = quota(run(C, subjects), "g")
    assert (q["HTXSNV"], q["HTTNV"], q["HTNV"], q["KHTNV"]) == (1, 5, 0, 0)


# --- C-HEAD-U1, C-CB-01, proposed level, flags ----------------------------------------------------


def test_c_head_u1_head_above_the_collective_is_flagged_not_capped_under_366():
    collective = _collective(score=score(80))
    head = {"id": "h1", "kind": "leader", "heads": "c1", **HTXS_FACTS}
    r = result(run(C, [head, collective]), "h1")
    assert r["level"] == "HTXSNV"
    assert r["needs_decision"] == ["C-HEAD-U1"]


def test_c_head_u1_parameter_turns_the_flag_into_a_cap():
    fw = FRAMEWORKS[C].with_parameters({"head_cap": True}, reason="Kế hoạch của đảng ủy áp dụng như HD 21")
    collective = Subject(
        "c1",
        "leadership_collective",
        score_general=30,
        score_tasks=50,
        tasks_total=1,
        tasks_done=1,
        tasks_on_time=1,
    )
    head = Subject(
        "h1",
        "leader",
        heads="c1",
        score_general=30,
        score_tasks=65,
        tasks_total=10,
        tasks_done=10,
        tasks_on_time=10,
        tasks_exceeded=4,
    )
    res = classify(fw, [head, collective], date(2025, 12, 15))
    assert res.result_for("h1").level is Level.HTTNV
    assert "C-HEAD-U1" in [r.rule for r in res.result_for("h1").reasons]


def test_c_cb_01_party_level_not_above_the_civil_service_rating_by_default():
    r = one(C, civil_servant_level="HTTNV", **HTXS_FACTS)
    assert r["level"] == "HTTNV" and "C-CB-01" in rules_of(r)


def test_proposed_level_lowers_the_result_and_says_so():
    r = one(C, proposed_level="HTNV", **HTXS_FACTS)
    assert (r["max_level"], r["level"]) == ("HTXSNV", "HTNV")
    assert "G-PROP-01" in rules_of(r)


def test_proposed_level_above_the_rules_is_ignored():
    r = one(C, proposed_level="HTXSNV", score=score(75), tasks=tasks(4))
    assert r["level"] == "HTTNV"


def test_two_consecutive_khtnv_is_a_flag_not_a_level():
    r = one(C, previous_level="KHTNV", score=score(40))
    assert r["level"] == "KHTNV" and r["flags"] == ["G-KHT2-01"]
    r = one(C, previous_level="KHTNV", score=score(75), tasks=tasks(3))
    assert r["level"] == "HTTNV" and "flags" not in r


def test_c_lv_07_leader_in_the_50_to_70_band_is_htnv_not_higher():
    units = {"tasks_completion_ratio": 1.0, "exceeded_ratio": 0.5, "all_on_time": True}
    r = one(C, kind="leader", score=score(60), tasks=tasks(5, exceeded=5), units_led=units)
    assert r["level"] == "HTNV" and rules_of(r) == ["C-LV-07"]
    r = one(C, kind="leader", score=score(60), tasks=tasks(5), units_led={"tasks_completion_ratio": 0.9})
    assert r["needs_decision"] == ["C-LV-09"]
