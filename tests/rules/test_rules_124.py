"""QĐ 124-QĐ/TW + HD 25: tests per rule of regulations.md §7.2, from the rule's wording."""

from __future__ import annotations

from kiemdiem.rules import get_framework

from .helpers import member, one, quota, result, rules_of, run, tasks

B = "qd124-2023"
DAY = "2024-12-15"
XS = {"key": "xuat_sac", "other": "tot"}


def ind(**facts):
    return one(B, review_date=DAY, **facts)


def coll(kind: str = "cell", **facts):
    return result(run(B, [{"id": "c1", "kind": kind, **facts}], DAY), "c1")


def test_b_ex_01_exempt_suspended_and_new_members_are_not_classified():
    assert ind(status="exempt", grades=XS)["not_classified_reason"] == "exempt"
    assert ind(status="suspended", grades=XS)["not_classified_reason"] == "suspended"
    r = ind(admitted_on="2024-07-01", grades=XS)
    assert r["not_classified_reason"] == "admitted_under_6_months"
    assert rules_of(r) == ["B-EX-01"]
    assert ind(admitted_on="2024-06-15", grades=XS)["classified"] is True


def test_b_gr_01_grades_take_one_of_four_levels_and_are_needed_to_classify():
    assert "B-GR-01" in ind(tasks=tasks(4))["needs_decision"]
    assert ind(grades={"key": "tot", "other": "trung_binh"})["needs_decision"] == []


def test_b_lv_01_collective_all_criteria_good_task_results_excellent_is_htxsnv():
    r = coll(grades=XS)
    assert r["level"] == "HTXSNV" and rules_of(r) == ["B-LV-01"]


def test_b_lv_01_collective_with_a_leadership_member_disciplined_is_not_htxsnv_even_if_self_detected():
    discipline = [{"form": "khien_trach", "decided_on": "2024-05-01", "self_detected_and_remedied": True}]
    r = coll(grades=XS, leadership_discipline=discipline)
    assert r["level"] == "HTTNV"
    assert rules_of(r)[0] == "B-LV-01"


def test_b_lv_02_individual_needs_100_percent_on_schedule_and_half_exceeded():
    assert ind(grades=XS, tasks=tasks(10, exceeded=5))["level"] == "HTXSNV"
    r = ind(grades=XS, tasks=tasks(10, exceeded=4))
    assert r["level"] == "HTTNV" and "B-LV-02" in rules_of(r)
    assert ind(grades=XS, tasks=tasks(10, exceeded=6, late=1))["level"] == "HTTNV"


def test_b_lv_02_individual_task_results_must_be_excellent():
    assert ind(grades={"key": "tot", "other": "xuat_sac"}, tasks=tasks(4, exceeded=4))["level"] == "HTTNV"


def test_b_lv_03_collective_other_criteria_average_task_results_good_is_httnv():
    r = coll(grades={"key": "tot", "other": "trung_binh"})
    assert r["level"] == "HTTNV" and rules_of(r)[-1] == "B-LV-03"


def test_b_lv_03_self_detected_and_remedied_leadership_discipline_still_allows_httnv():
    discipline = [{"form": "canh_cao", "decided_on": "2024-05-01", "self_detected_and_remedied": True}]
    assert coll(grades={"key": "tot", "other": "tot"}, leadership_discipline=discipline)["level"] == "HTTNV"


def test_b_lv_04_collective_basic_criteria_average_is_htnv():
    r = coll(grades={"key": "trung_binh", "other": "trung_binh"})
    assert r["level"] == "HTNV" and rules_of(r)[-1] == "B-LV-04"


def test_b_lv_04_collective_with_leadership_member_disciplined_not_self_detected_does_not_reach_htnv():
    discipline = [{"form": "khien_trach", "decided_on": "2024-05-01"}]
    r = coll(grades={"key": "tot", "other": "tot"}, leadership_discipline=discipline)
    assert r["level"] == "KHTNV"
    assert "B-LV-04" in rules_of(r)


def test_b_kht_01_any_discipline_in_the_year_even_a_reprimand_is_khtnv():
    discipline = [{"form": "khien_trach", "decided_on": "2024-02-02"}]
    assert ind(grades=XS, discipline=discipline)["level"] == "KHTNV"


def test_b_kht_01_self_detected_and_remedied_is_the_texts_exception():
    discipline = [{"form": "khien_trach", "decided_on": "2024-02-02", "self_detected_and_remedied": True}]
    r = ind(grades={"key": "tot", "other": "tot"}, discipline=discipline)
    assert r["level"] == "HTTNV"


def test_b_kht_02_a_criterion_graded_kem_is_khtnv():
    r = ind(grades={"key": "xuat_sac", "other": "kem"})
    assert r["level"] == "KHTNV" and rules_of(r) == ["B-KHT-02"]
    assert coll(grades={"key": "kem", "other": "tot"})["level"] == "KHTNV"


def test_b_kht_03_collective_with_a_disciplined_subordinate_unit_is_khtnv():
    r = coll("grassroots_org", grades=XS, subordinate_disciplined=True)
    assert r["level"] == "KHTNV" and rules_of(r) == ["B-KHT-03"]


def test_b_kht_03_collective_itself_disciplined_is_khtnv():
    discipline = [{"form": "khien_trach", "decided_on": "2024-09-09"}]
    assert coll("leadership_collective", grades=XS, discipline=discipline)["level"] == "KHTNV"


def test_b_kht_03_under_half_the_targets_with_key_targets_missed_is_khtnv():
    units = {"tasks_completion_ratio": 0.49, "basic_targets_missed": True}
    assert coll("leadership_collective", grades=XS, units_led=units)["level"] == "KHTNV"
    units["basic_targets_missed"] = False
    assert coll("leadership_collective", grades=XS, units_led=units)["level"] == "HTXSNV"


def test_b_kht_03_disunity_or_member_degradation_is_khtnv():
    assert coll("leadership_collective", grades=XS, degradation_concluded=True)["level"] == "KHTNV"


def test_b_kht_04_individual_concluded_degraded_or_violating_prohibitions_is_khtnv():
    assert ind(grades=XS, degradation_concluded=True)["level"] == "KHTNV"
    r = ind(grades=XS, prohibition_violated=True)
    assert r["level"] == "KHTNV" and rules_of(r) == ["B-KHT-04"]


def test_b_kht_04_leader_units_under_half_with_key_targets_missed_is_khtnv():
    units = {"tasks_completion_ratio": 0.4, "basic_targets_missed": True}
    assert ind(kind="leader", grades=XS, units_led=units)["level"] == "KHTNV"


def test_b_kht_05_earlier_violation_disciplined_this_year_re_evaluates_the_violation_year():
    discipline = [{"form": "khien_trach", "decided_on": "2024-03-03", "violation_on": "2023-10-10"}]
    r = ind(grades={"key": "tot", "other": "tot"}, discipline=discipline)
    assert r["level"] == "HTTNV"
    assert r["flags"] == ["B-KHT-05"]


def test_b_kht_06_old_unit_violation_is_attributed_by_violation_time():
    from datetime import date

    from kiemdiem.rules.procedure import violation_counts_for_new_unit

    assert violation_counts_for_new_unit(date(2024, 2, 1), transferred_on=date(2024, 3, 1)) is False
    assert violation_counts_for_new_unit(date(2024, 4, 1), transferred_on=date(2024, 3, 1)) is True


def test_b_q_01_htxsnv_above_20_percent_of_httnv_is_rejected():
    subjects = [member(f"x{i}", group="g", grades=XS) for i in range(3)]
    subjects += [member(f"t{i}", group="g", grades={"key": "tot", "other": "tot"}) for i in range(10)]
    q = quota(run(B, subjects, DAY), "g")
    assert (q["cap"], q["ok"], q["excess"]) == (2, False, 1)


def test_b_q_01_there_is_no_25_percent_exception_in_124():
    subjects = [member(f"x{i}", group="g", grades=XS) for i in range(5)]
    subjects += [member(f"t{i}", group="g", grades={"key": "tot", "other": "tot"}) for i in range(20)]
    q = quota(run(B, subjects, DAY, groups={"g": {"outstanding_unit": True}}), "g")
    assert (q["cap"], q["ok"]) == (4, False)


def test_b_au_01_directly_higher_committee_decides():
    from kiemdiem.rules.procedure import deciding_body

    assert deciding_body(get_framework(B), "cell") == "Cấp ủy cấp trên trực tiếp"


def test_b_form_01_hd25_letters_02a_non_leader_and_02b_leader():
    fw = get_framework(B)
    assert fw.form_for("member").code.startswith("Mẫu 02A")
    assert fw.form_for("member_outside").code.startswith("Mẫu 02A")
    assert fw.form_for("leader").code.startswith("Mẫu 02B")


def test_b_head_u1_head_capped_at_the_collective_by_default_under_124():
    head = {"id": "h", "kind": "leader", "heads": "c1", "grades": XS, "tasks": tasks(2, exceeded=1)}
    collective = {"id": "c1", "kind": "leadership_collective", "grades": {"key": "tot", "other": "tot"}}
    r = result(run(B, [head, collective], DAY), "h")
    assert r["level"] == "HTTNV" and "B-HEAD-U1" in rules_of(r)


def test_b_head_u1_unknown_collective_level_needs_a_decision():
    r = ind(kind="leader", heads="elsewhere", grades=XS)
    assert r["needs_decision"] == ["B-HEAD-U1"]
    assert ind(kind="leader", heads="elsewhere", grades=XS, collective_level="HTNV")["level"] == "HTNV"
