"""Procedural rules of QĐ 366 / HD 43 (place, order, preparation, forms, authority, records, deadlines)."""

from __future__ import annotations

from datetime import date

import pytest

from kiemdiem.rules import SubCriterion, get_framework, validate_criteria, working_days_between
from kiemdiem.rules.framework import concretize_criteria
from kiemdiem.rules.procedure import (
    after_decision,
    classification_blockers,
    collective_review_merged,
    committee_reviewees,
    deciding_body,
    decision_blockers,
    draft_sent_in_time,
    meeting_duration_ok,
    missing_records,
    reclassification_form,
    remediation_status_errors,
    review_blockers,
    review_places,
    suspended_committee_member_review,
    temporary_activity_requirements,
    violation_counts_for_new_unit,
)

C = get_framework("qd366-2025")


def test_c_pl_01_temporary_activity_member_is_classified_at_the_official_cell_after_the_temporary_comment():
    place, prerequisite = temporary_activity_requirements(C)
    assert "chính thức" in place
    assert "tạm thời" in prerequisite


def test_c_pl_02_leader_is_reviewed_at_two_places_cell_first():
    assert review_places(C, "leader") == ("chi bộ nơi sinh hoạt", "tập thể lãnh đạo, quản lý nơi công tác")
    assert review_places(C, "member") == ("chi bộ nơi sinh hoạt",)
    assert review_blockers(C, "leader", at_collective=True, reviewed_at_cell=False) == ["C-PL-02"]
    assert review_blockers(C, "leader", at_collective=True, reviewed_at_cell=True) == []


def test_c_pl_03_leadership_collective_of_fewer_than_3_members_is_reviewed_within_the_agency():
    assert collective_review_merged(C, 2) is True
    assert collective_review_merged(C, 3) is False


def test_c_pl_04_cell_without_committee_reviews_its_secretary_and_deputy():
    assert "bí thư" in committee_reviewees(C, has_cell_committee=False)
    assert committee_reviewees(C, has_cell_committee=True) == "chi ủy"


def test_c_pl_05_suspended_committee_member_reviews_the_period_before_suspension_at_the_cell():
    place, period = suspended_committee_member_review(C)
    assert place == "chi bộ nơi sinh hoạt"
    assert "trước khi bị đình chỉ" in period


def test_c_ord_01_collective_reviews_before_individuals_head_before_deputies():
    assert review_blockers(C, "member", collective_reviewed=False) == ["C-ORD-01"]
    assert review_blockers(C, "member", head_reviewed=False) == ["C-ORD-01"]
    assert review_blockers(C, "leader", is_head=True, head_reviewed=False) == []
    review = [o for o in C.ordering if o.rule == "C-ORD-01"]
    assert any("Tập thể" in o.before and "Cá nhân" in o.after for o in review)
    assert any("chính quyền" in o.before and o.after == "Cấp ủy kiểm điểm" for o in review)


def test_c_ord_02_party_organization_classified_only_after_members_and_subordinates():
    assert classification_blockers(C, "cell", members_classified=False) == ["C-ORD-02"]
    assert classification_blockers(C, "grassroots_org", subordinates_classified=False) == ["C-ORD-02"]
    assert classification_blockers(C, "cell") == []


def test_c_ord_03_head_classified_only_after_the_collective():
    assert classification_blockers(C, "leader", is_head=True, collective_classified=False) == ["C-ORD-03"]
    assert classification_blockers(C, "leader", is_head=False, collective_classified=False) == []


def test_c_doc_01_draft_sent_at_least_3_working_days_before_the_meeting():
    # Monday 1/12/2025 → Thursday 4/12: Mon, Tue, Wed = 3 working days.
    assert draft_sent_in_time(C, date(2025, 12, 1), date(2025, 12, 4)) is True
    assert draft_sent_in_time(C, date(2025, 12, 2), date(2025, 12, 4)) is False
    # Friday → Wednesday: Fri, Mon, Tue = 3 (the weekend does not count).
    assert draft_sent_in_time(C, date(2025, 12, 5), date(2025, 12, 10)) is True
    # Saturday → Wednesday: Mon, Tue = 2.
    assert draft_sent_in_time(C, date(2025, 12, 6), date(2025, 12, 10)) is False
    assert draft_sent_in_time(C, date(2025, 12, 5), date(2025, 12, 10), holidays={date(2025, 12, 8)}) is False


def test_working_days_between_counts_monday_to_friday():
    assert working_days_between(date(2025, 12, 1), date(2025, 12, 8)) == 5
    assert working_days_between(date(2025, 12, 1), date(2025, 12, 29)) == 20
    assert working_days_between(date(2025, 12, 6), date(2025, 12, 8)) == 0
    assert working_days_between(date(2025, 12, 8), date(2025, 12, 1)) == 0


def test_c_doc_02_meeting_lasts_at_least_one_day():
    assert meeting_duration_ok(C, 1) is True
    assert meeting_duration_ok(C, 0.5) is False


def test_c_form_01_forms_2a_leader_2b_non_leader_2c_outside_01_collective():
    assert C.form_for("leader").code == "Mẫu 2A-HD KĐ.ĐG 2025"
    assert C.form_for("member").code == "Mẫu 2B-HD KĐ.ĐG 2025"
    assert C.form_for("member_outside").code == "Mẫu 2C-HD KĐ.ĐG 2025"
    for kind in ("cell", "grassroots_org", "leadership_collective"):
        assert C.form_for(kind).code == "Mẫu 01-HD KĐ.ĐG 2025"


def test_forms_lettering_per_year():
    assert get_framework("qd132-2020").form_for("leader").code == "Mẫu 02-HD KĐ.ĐG 2019"
    assert get_framework("qd132-2020").form_for("member").code == "Mẫu 02-HD KĐ.ĐG 2019"
    assert get_framework("qd124-2023").form_for("member").code == "Mẫu 02A-HD KĐ.ĐG 2023"
    assert get_framework("qd124-2023").form_for("leader").code == "Mẫu 02B-HD KĐ.ĐG 2023"
    codes = [f.code for f in C.forms]
    assert "Mẫu 03-HD KĐ.ĐG 2025" in codes and "Mẫu 04-HD KĐ.ĐG 2025" in codes


def test_c_sc_02_default_sub_criteria_sum_to_30_and_70_for_every_annex():
    for kind, criteria in C.criteria.items():
        assert validate_criteria(criteria) == [], kind
        assert [g.max_points for g in criteria.groups] == [30, 70]


def test_c_sc_02_concretized_sub_criteria_must_still_sum_to_30_and_70():
    criteria = C.criteria["member"]
    good = {"I": [SubCriterion("a", "Chính trị", 20), SubCriterion("b", "Tự phê bình", 10)]}
    assert validate_criteria(criteria, good) == []
    assert concretize_criteria(criteria, good).groups[0].sub_criteria[0].id == "a"
    bad = {"I": [SubCriterion("a", "Chính trị", 20), SubCriterion("b", "Tự phê bình", 5)], "II": []}
    errors = validate_criteria(criteria, bad)
    assert any("phải bằng 30" in e for e in errors)
    assert any("Nhóm II" in e for e in errors)
    assert validate_criteria(criteria, {"III": [SubCriterion("x", "?", 1)]})
    assert validate_criteria(criteria, {"I": [SubCriterion("a", "x", 15), SubCriterion("a", "y", 15)]})
    with pytest.raises(ValueError):
        concretize_criteria(criteria, bad)


def test_c_au_01_cells_are_decided_by_the_ward_party_committee():
    assert deciding_body(C, "cell") == "Đảng ủy cơ sở (đảng ủy phường)"


def test_c_au_02_ward_under_the_province_is_decided_by_the_provincial_standing_committee():
    assert "Tỉnh ủy" in deciding_body(C, "grassroots_org", under_province=True)
    assert "cấp trên trực tiếp" in deciding_body(C, "grassroots_org", under_province=False)


def test_c_au_03_pending_complaint_blocks_the_final_decision():
    assert decision_blockers(C, pending_complaint=True) == ["C-AU-03"]
    assert decision_blockers(C, signs_of_disunity=True) == ["C-AU-03"]
    assert decision_blockers(C) == []


def test_c_au_04_reclassification_uses_form_03():
    form = reclassification_form(C)
    assert form is not None and form.code == "Mẫu 03-HD KĐ.ĐG 2025"


def test_c_pub_01_decision_is_notified_and_published():
    steps = after_decision(C)
    assert any("đối tượng" in s for s in steps)
    assert any("quản lý trực tiếp" in s for s in steps)
    assert any("Công khai" in s for s in steps)


def test_c_rec_01_record_file_needs_residence_comment_except_special_cases():
    present = {"ban_kiem_diem", "bien_ban_hoi_nghi", "tong_hop_tham_dinh", "quyet_dinh_xep_loai"}
    assert missing_records(C, present) == ["nhan_xet_noi_cu_tru"]
    assert missing_records(C, present, special_case=True) == []
    assert missing_records(C, set()) == [
        "ban_kiem_diem",
        "nhan_xet_noi_cu_tru",
        "bien_ban_hoi_nghi",
        "tong_hop_tham_dinh",
        "quyet_dinh_xep_loai",
    ]


def test_c_rem_01_each_shortcoming_reports_its_remediation_status():
    assert remediation_status_errors([("remedied", None), ("in_progress", 40), ("not_remedied", None)]) == []
    assert remediation_status_errors([("in_progress", None)])
    assert remediation_status_errors([("done", None)])


def test_c_tl_01_review_must_finish_before_31_december():
    assert C.review_end_limit(2025) == date(2025, 12, 31)
    assert C.check_review_end(2025, date(2025, 12, 30)) == []
    assert C.check_review_end(2025, date(2025, 12, 31))
    assert C.check_review_end(2025, date(2026, 1, 10), special_unit=True) == []
    assert C.check_review_end(2025, date(2026, 1, 15), special_unit=True)
    assert get_framework("qd132-2020").check_review_end(2020, date(2020, 12, 31)) == []


def test_c_tl_02_records_reach_the_central_organization_commission_before_1_february():
    assert C.records_limit(2025) == date(2026, 2, 1)


def test_c_kht_08_violation_at_the_old_unit_does_not_count_against_the_new_unit():
    assert violation_counts_for_new_unit(date(2025, 3, 1), transferred_on=date(2025, 5, 1)) is False
    assert violation_counts_for_new_unit(date(2025, 6, 1), transferred_on=date(2025, 5, 1)) is True
    assert violation_counts_for_new_unit(date(2025, 6, 1), transferred_on=None) is True
