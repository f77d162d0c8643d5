from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kiemdiem.decisions.models import Decision, DecisionEntry, Reclassification
from kiemdiem.decisions.services import Choice, decide
from kiemdiem.plans.models import SubjectKind

from .conftest import subject_of

D = dt.date


def _decide_url(decision) -> str:  # type: ignore[no-untyped-def]
    return reverse("decision_detail", args=[decision.pk]) + "?loc=1"


# --- decision list and creation -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["office", "standing"])
def test_office_and_standing_committee_open_the_decision_page(live, login, role):
    response = login(role).get(reverse("decision_list", args=[live.pk]))
    assert response.status_code == 200
    assert ("Tạo quyết định mới" in response.content.decode()) == (role == "standing")


@pytest.mark.parametrize("role", ["secretary", "member", "residence", "higher"])
def test_other_roles_may_not_open_the_decision_pages(live, decision, login, role):
    client = login(role)
    assert client.get(reverse("decision_list", args=[live.pk])).status_code == 403
    assert client.get(reverse("decision_detail", args=[decision.pk])).status_code == 403
    assert client.get(reverse("decision_results", args=[live.pk])).status_code == 403


def test_another_wards_office_does_not_find_the_decisions(live, decision, login):
    client = login("other_office")
    assert client.get(reverse("decision_list", args=[live.pk])).status_code == 404
    assert client.get(reverse("decision_detail", args=[decision.pk])).status_code == 404


def test_the_standing_committee_creates_a_decision(live, login):
    response = login("standing").post(
        reverse("decision_list", args=[live.pk]),
        {"number": "15-QĐ/ĐU", "date": "03/12/2020"},
    )
    decision = Decision.objects.get(plan=live)
    assert response.status_code == 302 and response["Location"] == reverse(
        "decision_detail", args=[decision.pk]
    )
    assert decision.number == "15-QĐ/ĐU" and decision.date == D(2020, 12, 3)


def test_a_decision_date_must_be_dd_mm_yyyy_and_not_before_the_plan(live, login):
    client = login("standing")
    url = reverse("decision_list", args=[live.pk])
    bad = client.post(url, {"number": "15-QĐ/ĐU", "date": "2020-12-03"})
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.content.decode()
    early = client.post(url, {"number": "15-QĐ/ĐU", "date": "01/11/2020"})
    assert "không được trước ngày ban hành kế hoạch (18/11/2020)" in early.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_number_is_unique_in_the_plan(live, decision, login):
    response = login("standing").post(
        reverse("decision_list", args=[live.pk]), {"number": "15-QĐ/ĐU", "date": "04/12/2020"}
    )
    assert response.status_code == 400 and "đã có quyết định số 15-QĐ/ĐU" in response.content.decode()
    assert Decision.objects.count() == 1


def test_the_office_may_not_create_a_decision(live, login):
    response = login("office").post(
        reverse("decision_list", args=[live.pk]), {"number": "15-QĐ/ĐU", "date": "03/12/2020"}
    )
    assert response.status_code == 403 and not Decision.objects.exists()


# --- deciding per subject -----------------------------------------------------------------------


def test_deciding_one_subject_as_proposed(ward, live, decision, login):
    an = subject_of(live, ward.members["an"])
    response = login("standing").post(
        _decide_url(decision), {"action": "decide", f"pick_{an.pk}": "on", f"level_{an.pk}": "HTTNV"}
    )
    assert response.status_code == 302
    entry = DecisionEntry.objects.get(subject=an)
    assert entry.level == "HTTNV" and entry.decision == decision and entry.proposed_level == "HTTNV"


def test_a_refused_decision_changes_nothing_and_lists_every_problem(ward, live, decision, login):
    an = subject_of(live, ward.members["an"])
    cell_a = live.subjects.get(kind=SubjectKind.CELL, organization=ward.cell_a)
    response = login("standing").post(
        _decide_url(decision),
        {
            "action": "decide",
            # different from the proposal without a reason
            f"pick_{an.pk}": "on",
            f"level_{an.pk}": "HTNV",
            # the cell before its other member (Bình) is decided
            f"pick_{cell_a.pk}": "on",
            f"level_{cell_a.pk}": "HTTNV",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa quyết định được — không có gì được lưu" in html
    assert "khác mức đề xuất (HTTNV) cần ghi lý do" in html
    assert "chưa được quyết định xếp loại" in html
    assert not DecisionEntry.objects.exists()


def test_a_blocking_conflict_needs_an_override_with_a_reason(ward, live, decision, login):
    cuong = subject_of(live, ward.members["cuong"])  # the residence cell's comment is missing
    client = login("standing")
    base = {"action": "decide", f"pick_{cuong.pk}": "on", f"level_{cuong.pk}": "HTTNV"}
    refused = client.post(_decide_url(decision), base)
    assert refused.status_code == 400 and "nơi cư trú" in refused.content.decode()
    no_reason = client.post(_decide_url(decision), {**base, f"override_{cuong.pk}": "missing_residence"})
    assert "cần ghi lý do" in no_reason.content.decode()
    assert not DecisionEntry.objects.exists()
    accepted = client.post(
        _decide_url(decision),
        {
            **base,
            f"override_{cuong.pk}": "missing_residence",
            f"reason_{cuong.pk}": "Chi ủy nơi cư trú đã nhận xét bằng văn bản giấy",
        },
    )
    assert accepted.status_code == 302
    entry = DecisionEntry.objects.get(subject=cuong)
    assert entry.overrides == ["missing_residence"] and "văn bản giấy" in entry.reason


def test_choosing_no_subject_is_refused_in_vietnamese(live, decision, login):
    response = login("standing").post(_decide_url(decision), {"action": "decide"})
    assert response.status_code == 400 and "Chưa chọn đối tượng nào" in response.content.decode()


def test_the_office_may_not_decide(ward, live, decision, login):
    an = subject_of(live, ward.members["an"])
    response = login("office").post(
        _decide_url(decision), {"action": "decide", f"pick_{an.pk}": "on", f"level_{an.pk}": "HTTNV"}
    )
    assert response.status_code == 403 and not DecisionEntry.objects.exists()


def test_the_office_sees_the_decision_page_without_the_forms(live, decision, login):
    html = login("office").get(_decide_url(decision)).content.decode()
    assert "Quyết định 15-QĐ/ĐU" in html
    assert 'name="action"' not in html


# --- bulk acceptance ----------------------------------------------------------------------------


def test_bulk_accept_for_a_cell_decides_its_members_and_the_cell(ward, live, decision, login):
    response = login("standing").post(
        _decide_url(decision), {"action": "bulk", "target": f"cell:{ward.cell_a.pk}"}
    )
    assert response.status_code == 302
    decided = set(DecisionEntry.objects.values_list("subject__name", flat=True))
    assert decided == {ward.members["an"].full_name, ward.members["binh"].full_name, ward.cell_a.name}
    assert set(DecisionEntry.objects.values_list("level", flat=True)) == {"HTTNV"}


def test_bulk_accept_for_the_ward_skips_conflicts_and_what_is_out_of_order(ward, live, decision, login):
    client = login("standing")
    response = client.post(_decide_url(decision), {"action": "bulk", "target": "all"}, follow=True)
    html = response.content.decode()
    decided = set(DecisionEntry.objects.values_list("subject__name", flat=True))
    # Cường has a conflict (residence comment), so cell B and the ward committee wait.
    assert ward.members["cuong"].full_name not in decided
    assert ward.cell_b.name not in decided and ward.ward.name not in decided
    assert {ward.members["an"].full_name, ward.members["dung"].full_name, ward.cell_a.name} <= decided
    assert "chưa đúng thứ tự xếp loại" in html


def test_bulk_accept_with_nothing_to_accept_says_so(ward, live, decision, login):
    client = login("standing")
    client.post(_decide_url(decision), {"action": "bulk", "target": f"cell:{ward.cell_a.pk}"})
    again = client.post(_decide_url(decision), {"action": "bulk", "target": f"cell:{ward.cell_a.pk}"})
    assert again.status_code == 400 and "Không có đề xuất nào" in again.content.decode()
    assert DecisionEntry.objects.count() == 3


# --- results, re-classification, publication ---------------------------------------------------


def _decide_an(ward, live, decision):  # type: ignore[no-untyped-def]
    an = subject_of(live, ward.members["an"])
    (entry,) = decide(decision, [Choice(an, "HTTNV")], ward.users["standing"])
    return entry


def test_results_list_the_decided_subjects_per_level(ward, live, decision, login):
    _decide_an(ward, live, decision)
    html = login("office").get(reverse("decision_results", args=[live.pk])).content.decode()
    assert "Danh sách 2: Hoàn thành tốt nhiệm vụ (HTTNV) — 1 đối tượng" in html
    assert "Danh sách 1: Hoàn thành xuất sắc nhiệm vụ (HTXSNV) — 0 đối tượng" in html
    assert ward.members["an"].full_name in html and "15-QĐ/ĐU, 03/12/2020" in html


def test_reclassification_records_mau_03_with_reason_number_and_date(ward, live, decision, login):
    entry = _decide_an(ward, live, decision)
    url = reverse("decision_reclassify", args=[entry.pk])
    client = login("standing")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "new_level": "HTNV",
            "reason": "Phát hiện kê khai chưa trung thực",
            "number": "20-QĐ/ĐU",
            "date": "20/01/2021",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    rec = Reclassification.objects.get(entry=entry)
    assert entry.level == "HTNV" and rec.old_level == "HTTNV" and rec.number == "20-QĐ/ĐU"
    assert rec.date == D(2021, 1, 20)


def test_reclassification_without_reason_or_to_the_same_level_changes_nothing(ward, live, decision, login):
    entry = _decide_an(ward, live, decision)
    url = reverse("decision_reclassify", args=[entry.pk])
    client = login("standing")
    no_reason = client.post(
        url, {"new_level": "HTNV", "reason": "", "number": "20-QĐ/ĐU", "date": "20/01/2021"}
    )
    assert no_reason.status_code == 400 and "Cần ghi lý do xếp loại lại" in no_reason.content.decode()
    same = client.post(url, {"new_level": "HTTNV", "reason": "x", "number": "20-QĐ/ĐU", "date": "20/01/2021"})
    assert "trùng với mức đã quyết định" in same.content.decode()
    entry.refresh_from_db()
    assert entry.level == "HTTNV" and not Reclassification.objects.exists()


@pytest.mark.parametrize("role", ["office", "secretary", "member", "higher"])
def test_only_the_standing_committee_reclassifies(ward, live, decision, login, role):
    entry = _decide_an(ward, live, decision)
    response = login(role).post(
        reverse("decision_reclassify", args=[entry.pk]),
        {"new_level": "HTNV", "reason": "x", "number": "20-QĐ/ĐU", "date": "20/01/2021"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.level == "HTTNV"


def test_the_standing_committee_publishes_the_results(ward, live, decision, login):
    entry = _decide_an(ward, live, decision)
    response = login("standing").post(reverse("decision_publish", args=[live.pk]), follow=True)
    assert "Đã công bố 1 kết quả xếp loại" in response.content.decode()
    entry.refresh_from_db()
    assert entry.published_at is not None


@pytest.mark.parametrize("role", ["office", "secretary", "member", "higher"])
def test_others_may_not_publish(ward, live, decision, login, role):
    entry = _decide_an(ward, live, decision)
    assert login(role).post(reverse("decision_publish", args=[live.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.published_at is None


def test_the_quota_is_shown_on_the_decision_page(live, decision, login):
    html = login("standing").get(_decide_url(decision)).content.decode()
    assert "Tỷ lệ HTXSNV theo nhóm" in html and "Trần HTXSNV" in html
    assert "20% số HTTNV của nhóm, làm tròn xuống" in html
