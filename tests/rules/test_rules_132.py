"""QĐ 132-QĐ/TW + HD 21 (+ QĐ 213 / HD 33): tests per rule of regulations.md §7.3, from the rule's wording."""

from __future__ import annotations

from datetime import date

from kiemdiem.rules import get_framework
from kiemdiem.rules.procedure import (
    organization_vote_is_secret,
    residence_comment_required,
    state_rating_deadline,
    state_rating_in_time,
)

from .helpers import member, one, quota, result, rules_of, run, tasks

A = "qd132-2020"
DAY = "2020-12-15"
XS = {"key": "xuat_sac", "other": "tot"}
TOT = {"key": "tot", "other": "tot"}


def ind(**facts):
    return one(A, review_date=DAY, **facts)


def test_a_ex_01_exempt_member_is_not_classified():
    r = ind(status="exempt", grades=XS)
    assert (r["classified"], r["not_classified_reason"]) == (False, "exempt")
    assert rules_of(r) == ["A-EX-01"]


def test_a_ex_01_132_has_no_six_month_exemption():
    assert ind(admitted_on="2020-11-01", grades=TOT)["classified"] is True


def test_a_ex_02_suspended_member_is_not_classified():
    r = ind(status="suspended", grades=XS)
    assert (r["classified"], r["not_classified_reason"]) == (False, "suspended")
    assert rules_of(r) == ["A-EX-02"]


def test_a_gr_01_four_grades_and_secret_ballot_for_organizations():
    assert ind(grades={"key": "trung_binh", "other": "trung_binh"})["level"] == "HTNV"
    assert "A-GR-01" in ind()["needs_decision"]
    assert organization_vote_is_secret(get_framework(A)) is True
    assert get_framework(A).form_for("cell").code == "Mẫu 01"


def test_a_lv_01_political_task_criteria_excellent_others_good_is_htxsnv():
    r = ind(grades=XS)
    assert r["level"] == "HTXSNV" and rules_of(r) == ["A-LV-01"]


def test_a_lv_01_civil_servant_must_be_state_htxsnv():
    assert ind(grades=XS, civil_servant_level="HTXSNV")["level"] == "HTXSNV"
    r = ind(grades=XS, civil_servant_level="HTTNV")
    assert r["level"] == "HTTNV" and "A-LV-01" in rules_of(r)


def test_a_kht_01_state_rating_khtnv_makes_the_member_khtnv():
    assert ind(grades=XS, civil_servant_level="KHTNV")["level"] == "KHTNV"


def test_a_kht_01_less_than_half_the_tasks_is_khtnv_exactly_half_is_not():
    assert ind(grades=TOT, tasks=tasks(10, done=4))["level"] == "KHTNV"
    assert ind(grades=TOT, tasks=tasks(10, done=5))["level"] != "KHTNV"


def test_a_kht_01_degradation_concluded_is_khtnv():
    assert ind(grades=XS, degradation_concluded=True)["level"] == "KHTNV"


def test_a_kht_01_any_discipline_in_the_year_counts_once():
    this_year = [{"form": "khien_trach", "decided_on": "2020-06-06"}]
    last_year = [{"form": "khien_trach", "decided_on": "2019-06-06"}]
    assert ind(grades=XS, discipline=this_year)["level"] == "KHTNV"
    assert ind(grades=XS, discipline=last_year)["level"] == "HTXSNV"


def test_a_kht_01_not_reaching_htnv_is_khtnv():
    r = ind(grades={"key": "kem", "other": "tot"})
    assert r["level"] == "KHTNV" and "A-KHT-01" in rules_of(r)


def _cell(**facts):
    return {"id": "cb1", "kind": "cell", "grades": XS, **facts}


def test_a_lv_02_cell_needs_same_level_bodies_httnv_or_better():
    levels = {"HTXSNV": 2, "HTTNV": 18}
    assert (
        result(run(A, [_cell(members_levels=levels, same_level_bodies_min_level="HTTNV")], DAY), "cb1")[
            "level"
        ]
        == "HTXSNV"
    )
    r = result(run(A, [_cell(members_levels=levels, same_level_bodies_min_level="HTNV")], DAY), "cb1")
    assert r["level"] == "HTTNV"


def test_a_lv_02_cell_below_80_percent_httnv_or_better_is_not_htxsnv():
    r = result(run(A, [_cell(members_levels={"HTTNV": 15, "HTNV": 5})], DAY), "cb1")  # 75%
    assert r["level"] == "HTTNV"


def test_a_lv_02_cell_without_known_member_results_needs_a_decision():
    r = result(run(A, [_cell()], DAY), "cb1")
    assert "A-LV-02" in r["needs_decision"]
    assert r["level"] != "HTXSNV"


def test_a_lv_03_grassroots_org_reads_its_cells_levels():
    cells = [
        {"id": f"cb{i}", "kind": "cell", "parent": "dbp", "grades": TOT, "members_levels": {"HTTNV": 5}}
        for i in range(5)
    ]
    ward = {"id": "dbp", "kind": "grassroots_org", "grades": XS, "same_level_bodies_min_level": "HTTNV"}
    assert result(run(A, [*cells, ward], DAY), "dbp")["level"] == "HTXSNV"
    cells[0]["grades"] = {"key": "kem", "other": "tot"}
    r = result(run(A, [*cells, ward], DAY), "dbp")
    assert r["level"] == "HTTNV" and "A-LV-03" in rules_of(r)


def test_a_lv_03_subordinate_levels_fact_is_used_when_given():
    ward = {
        "id": "dbp",
        "kind": "grassroots_org",
        "grades": XS,
        "subordinate_levels": {"HTTNV": 4, "HTNV": 1},
    }
    assert result(run(A, [ward], DAY), "dbp")["level"] == "HTXSNV"  # 80% exactly
    ward["subordinate_levels"] = {"HTTNV": 3, "HTNV": 2}
    assert result(run(A, [ward], DAY), "dbp")["level"] == "HTTNV"


def _lc(**facts):
    return result(run(A, [{"id": "lc", "kind": "leadership_collective", "grades": XS, **facts}], DAY), "lc")


def test_a_kht_02_member_disciplined_with_warning_makes_the_collective_khtnv():
    r = _lc(leadership_discipline=[{"form": "canh_cao", "decided_on": "2020-04-04"}])
    assert r["level"] == "KHTNV" and rules_of(r) == ["A-KHT-02"]


def test_a_kht_02_a_reprimand_of_a_member_is_not_enough_under_hd21():
    assert (
        _lc(leadership_discipline=[{"form": "khien_trach", "decided_on": "2020-04-04"}])["level"] == "HTXSNV"
    )


def test_a_kht_02_collective_disciplined_disunity_or_units_failing_is_khtnv():
    assert _lc(discipline=[{"form": "khien_trach", "decided_on": "2020-04-04"}])["level"] == "KHTNV"
    assert _lc(degradation_concluded=True)["level"] == "KHTNV"
    assert _lc(units_led={"tasks_completion_ratio": 0.4, "basic_targets_missed": True})["level"] == "KHTNV"


def test_a_head_01_head_never_above_the_collective():
    head = {"id": "h", "kind": "member", "heads": "cb1", "grades": XS}
    cell = _cell(members_levels={"HTTNV": 10, "HTNV": 5})  # 66% → not HTXSNV, HTTNV by criteria
    response = run(A, [head, cell], DAY)
    assert result(response, "cb1")["level"] == "HTTNV"
    r = result(response, "h")
    assert r["level"] == "HTTNV" and "A-HEAD-01" in rules_of(r)


def test_a_head_01_head_named_by_the_collective_is_capped_too():
    head = {"id": "h", "kind": "leader", "grades": XS}
    lc = {"id": "lc", "kind": "leadership_collective", "grades": TOT, "heads": "h"}
    assert result(run(A, [head, lc], DAY), "h")["level"] == "HTTNV"


def test_a_head_01_head_of_two_bodies_is_not_above_either_whatever_the_order():
    """A head of the standing committee (HTXSNV) who is also secretary of a cell (HTTNV) is HTTNV.

    HD 21: the head is not classified above the collective or organization they head: every body.
    """
    lc = {"id": "lc", "kind": "leadership_collective", "grades": XS}
    cell = {"id": "cb1", "kind": "cell", "grades": XS, "members_levels": {"HTNV": 10}}
    for head_names, body_names in (("lc", "cb1"), ("cb1", "lc")):
        head = {"id": "h", "kind": "leader", "heads": head_names, "grades": XS}
        bodies = [{**b, "heads": "h"} if b["id"] == body_names else b for b in (lc, cell)]
        response = run(A, [head, *bodies], DAY)
        assert result(response, "lc")["level"] == "HTXSNV"
        assert result(response, "cb1")["level"] == "HTTNV"  # A-LV-02: its members are not HTTNV
        r = result(response, "h")
        assert r["level"] == "HTTNV" and "A-HEAD-01" in rules_of(r), head_names


def test_a_head_01_two_bodies_naming_the_same_head_both_cap_them():
    head = {"id": "h", "kind": "leader", "grades": XS}
    lc = {"id": "lc", "kind": "leadership_collective", "grades": XS, "heads": "h"}
    cell = {"id": "cb1", "kind": "cell", "grades": XS, "members_levels": {"HTNV": 10}, "heads": "h"}
    assert result(run(A, [head, lc, cell], DAY), "h")["level"] == "HTTNV"
    assert result(run(A, [cell, lc, head], DAY), "h")["level"] == "HTTNV"
    assert result(run(A, [head, lc], DAY), "h")["level"] == "HTXSNV"  # the collective alone: no cap


def test_a_head_01_head_below_the_collective_is_unchanged():
    head = {"id": "h", "kind": "leader", "heads": "lc", "grades": TOT}
    lc = {"id": "lc", "kind": "leadership_collective", "grades": XS}
    r = result(run(A, [head, lc], DAY), "h")
    assert r["level"] == "HTTNV" and "A-HEAD-01" not in rules_of(r)


def test_a_q_01_members_of_one_grassroots_organization_are_capped_at_20_percent_of_httnv():
    subjects = [member(f"x{i}", group="dbp", grades=XS) for i in range(3)]
    subjects += [member(f"t{i}", group="dbp", grades=TOT) for i in range(10)]
    q = quota(run(A, subjects, DAY), "dbp")
    assert (q["cap"], q["ok"], q["excess"], len(q["suggested_demotions"])) == (2, False, 1, 1)
    assert q["suggested_demotions"] == ["x0"]  # no scores under 132: order given


def test_a_q_02_leaders_of_equivalent_titles_are_capped_too():
    subjects = [{"id": f"l{i}", "kind": "leader", "group": "chu-tich", "grades": XS} for i in range(2)]
    subjects += [{"id": f"t{i}", "kind": "leader", "group": "chu-tich", "grades": TOT} for i in range(5)]
    q = quota(run(A, subjects, DAY), "chu-tich")
    assert (q["cap"], q["ok"]) == (1, False)


def test_a_q_01_organizations_have_no_quota_under_132():
    cells = [_cell(id=f"cb{i}", members_levels={"HTTNV": 5}) for i in range(3)]
    q = quota(run(A, cells, DAY), "cell")
    assert (q["HTXSNV"], q["cap"], q["ok"]) == (3, None, True)


def test_a_res_01_member_working_elsewhere_needs_the_residence_cell_comment():
    assert residence_comment_required(get_framework(A), works_elsewhere=True) is True
    assert residence_comment_required(get_framework(A), works_elsewhere=False) is False


def test_a_res_02_hd33_categories_get_no_routine_residence_comment():
    fw = get_framework(A)
    for category in ("army_police_barracks", "student_far_from_home", "full_time_training_12_months"):
        assert residence_comment_required(fw, works_elsewhere=True, hd33_category=category) is False


def test_a_cb_01_state_rating_before_15_december_and_before_the_party_rating():
    assert state_rating_deadline(2020) == date(2020, 12, 15)
    assert state_rating_in_time(2020, date(2020, 12, 10), date(2020, 12, 20)) is True
    assert state_rating_in_time(2020, date(2020, 12, 15), date(2020, 12, 20)) is False
    assert state_rating_in_time(2020, date(2020, 12, 10), date(2020, 12, 5)) is False
