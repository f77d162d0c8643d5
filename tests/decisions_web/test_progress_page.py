from __future__ import annotations

import pytest
from django.urls import reverse

from kiemdiem.plans.services import acknowledge


def _url(plan, day: str = "10/12/2020") -> str:  # type: ignore[no-untyped-def]
    return reverse("plan_progress", args=[plan.pk]) + f"?ngay={day}"


@pytest.mark.parametrize("role", ["office", "standing", "higher"])
def test_office_standing_and_higher_level_see_the_progress(ward, live, login, role):
    html = login(role).get(_url(live)).content.decode()
    assert "Tiến độ thực hiện" in html
    assert ward.cell_a.name in html and ward.cell_b.name in html
    assert ("Chế độ chỉ xem" in html) == (role != "office")


@pytest.mark.parametrize("role", ["secretary", "member", "residence"])
def test_cells_and_members_do_not_see_the_wards_dashboard(live, login, role):
    assert login(role).get(_url(live)).status_code == 403


def test_another_wards_office_does_not_find_it(live, login):
    assert login("other_office").get(_url(live)).status_code == 404


def test_late_steps_are_marked_and_list_who_is_missing(ward, live, login):
    html = login("office").get(_url(live)).content.decode()
    # Nobody is decided on 10/12/2020, after the committee's deadline of 04/12/2020.
    assert '<td class="state-late"' in html and "trễ hạn" in html
    assert "Còn thiếu 2" in html
    assert ward.members["an"].full_name in html.split("Còn thiếu 2")[1]
    # Reviews and votes are all in: done.
    assert '<td class="state-done"' in html


def test_before_the_deadline_a_missing_step_is_open_not_late(live, login):
    html = login("office").get(_url(live, "01/12/2020")).content.decode()
    assert '<td class="state-open"' in html and '<td class="state-late"' not in html


def test_acknowledgement_of_the_plan_per_cell(ward, live, login):
    acknowledge(live, ward.cell_a, ward.users["secretary"])
    html = login("office").get(_url(live)).content.decode()
    assert "1/2" in html.split("chi bộ xác nhận đã nhận kế hoạch")[0].rsplit('class="n"', 1)[1]
    assert "chưa xác nhận" in html


def test_a_malformed_date_falls_back_to_today_with_a_message(live, login):
    html = login("office").get(_url(live, "2020-12-10")).content.decode()
    assert "Ngày không hợp lệ (cần dạng dd/mm/yyyy)" in html
