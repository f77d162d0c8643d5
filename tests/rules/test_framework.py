"""Framework data the UI shows: ids, titles, years, levels, content, parameters and adaptations."""

from __future__ import annotations

import pytest

from kiemdiem.rules import FRAMEWORKS, UNCONFIRMED_NOTE, Level, explain, framework_for_year, get_framework


def test_frameworks_by_id_and_year():
    assert set(FRAMEWORKS) == {"qd132-2020", "qd124-2023", "qd366-2025"}
    assert [framework_for_year(y).id for y in (2019, 2020, 2022, 2023, 2024, 2025, 2030)] == [
        "qd132-2020",
        "qd132-2020",
        "qd132-2020",
        "qd124-2023",
        "qd124-2023",
        "qd366-2025",
        "qd366-2025",
    ]
    with pytest.raises(ValueError):
        framework_for_year(2018)
    with pytest.raises(KeyError):
        get_framework("qd999")


def test_levels_have_vietnamese_labels_in_order():
    fw = get_framework("qd366-2025")
    assert fw.level_labels == {
        "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
        "HTTNV": "Hoàn thành tốt nhiệm vụ",
        "HTNV": "Hoàn thành nhiệm vụ",
        "KHTNV": "Không hoàn thành nhiệm vụ",
    }
    assert Level.KHTNV < Level.HTNV < Level.HTTNV < Level.HTXSNV


def test_every_framework_has_content_and_criteria_for_every_kind():
    for fw in FRAMEWORKS.values():
        for kind in fw.subject_kinds:
            assert fw.content_items[kind], (fw.id, kind)
            assert fw.criteria[kind], (fw.id, kind)
            fw.form_for(kind)


def test_content_items_split_leader_and_non_leader_from_124():
    fw = get_framework("qd366-2025")
    assert len(fw.content_items["member"]) == 4
    assert len(fw.content_items["leader"]) == 7
    assert len(fw.content_items["cell"]) == 5


def test_every_rule_has_a_source_an_effect_and_a_reading():
    for fw in FRAMEWORKS.values():
        ids = [r.id for r in fw.rules]
        assert len(ids) == len(set(ids)), fw.id
        for rule in fw.rules:
            assert rule.source and rule.effect and rule.reading, rule.id
            if rule.parameter:
                assert rule.parameter in fw.parameters, rule.id


def test_unconfirmed_parameters_are_marked_and_explained():
    fw = get_framework("qd366-2025")
    unconfirmed = {p.id for p in fw.unconfirmed_parameters}
    assert {"fall_through", "quota_rounding", "head_cap", "new_member_months"} <= unconfirmed
    assert "quota_ratio" not in unconfirmed
    text = explain(fw)
    assert UNCONFIRMED_NOTE in text and "fall_through" in text


def test_with_parameters_returns_an_adapted_copy_recording_the_reason():
    fw = get_framework("qd366-2025")
    adapted = fw.with_parameters({"quota_rounding": "round"}, reason="Tỉnh ủy hướng dẫn làm tròn")
    assert adapted.param("quota_rounding") == "round"
    assert fw.param("quota_rounding") == "floor"
    assert adapted.adaptations[-1].reason == "Tỉnh ủy hướng dẫn làm tròn"
    assert adapted.adaptations[-1].changes == (("quota_rounding", "floor", "round"),)
    assert adapted.quota.cap(38) == 8  # 7.6 rounds to 8
    with pytest.raises(ValueError):
        fw.with_parameters({"quota_rounding": "round"}, reason=" ")
    with pytest.raises(ValueError):
        fw.with_parameters({"no_such": 1}, reason="x")
    with pytest.raises(ValueError):
        fw.with_parameters({"quota_rounding": "up"}, reason="x")


def test_quota_policy_366_has_the_25_percent_exception_124_and_132_do_not():
    assert get_framework("qd366-2025").quota.outstanding_ratio == 0.25
    assert get_framework("qd124-2023").quota.outstanding_ratio is None
    assert get_framework("qd132-2020").quota.outstanding_ratio is None
    q = get_framework("qd366-2025").quota
    assert (q.cap(40), q.cap(40, outstanding=True), q.cap(39), q.cap(4)) == (8, 10, 7, 0)


def test_explain_is_vietnamese_and_covers_levels_criteria_quota():
    text = explain(get_framework("qd366-2025"))
    for needle in ("Hoàn thành xuất sắc nhiệm vụ", "Nhóm I", "30 điểm", "70 điểm", "25%", "Mẫu 2C", "31/12"):
        assert needle in text
    text_132 = explain(get_framework("qd132-2020"))
    assert "Xuất sắc / Tốt / Trung bình / Kém" in text_132 and "năm 2019–2022" in text_132
