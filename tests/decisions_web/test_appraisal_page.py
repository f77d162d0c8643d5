from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kiemdiem.decisions.models import Decision
from kiemdiem.members.models import Discipline

from .conftest import build_cycle

D = dt.date


def _url(plan, **params) -> str:  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("appraisal", args=[plan.pk]) + (f"?{query}" if query else "")


@pytest.mark.parametrize("role", ["office", "standing"])
def test_office_and_standing_committee_see_the_appraisal(ward, live, login, role):
    html = login(role).get(_url(live)).content.decode()
    assert "Thẩm định, đề xuất xếp loại" in html
    assert ward.members["an"].full_name in html
    assert "Tỷ lệ HTXSNV theo nhóm" in html and "Đảng viên" in html
    # rule ids and their source clauses
    assert 'class="rule"' in html and "HD 21" in html


@pytest.mark.parametrize("role", ["secretary", "member", "residence", "higher"])
def test_other_roles_may_not_appraise(live, login, role):
    assert login(role).get(_url(live)).status_code == 403


def test_another_wards_office_does_not_find_the_plan(live, login):
    assert login("other_office").get(_url(live)).status_code == 404


def test_anonymous_is_sent_to_login(live, client):
    response = client.get(_url(live))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_a_blocking_conflict_is_shown_with_what_resolves_it(ward, live, login):
    Discipline.objects.create(
        member=ward.members["an"],
        form="khien_trach",
        decided_on=D(2020, 6, 1),
        violation_on=D(2020, 3, 1),
        duty_related=True,
    )
    html = login("office").get(_url(live, xung_dot=1)).content.decode()
    assert 'class="blocking"' in html
    assert "cao hơn mức tối đa" in html
    assert "Cách giải quyết: Quyết định mức không cao hơn mức tối đa" in html


def test_only_with_conflicts_filter_hides_clean_subjects(ward, live, login):
    client = login("office")
    everyone = client.get(_url(live)).content.decode()
    conflicts = client.get(_url(live, xung_dot=1)).content.decode()
    # Cường needs the residence cell's comment (QĐ 213): a conflict; An has none.
    assert ward.members["an"].full_name in everyone
    assert ward.members["cuong"].full_name in conflicts
    assert ward.members["an"].full_name not in conflicts.split('id="doi-tuong"')[1]


def test_filter_by_cell(ward, live, login):
    html = login("office").get(_url(live, chi_bo=ward.cell_b.pk)).content.decode()
    table = html.split('id="doi-tuong"')[1]
    assert ward.members["dung"].full_name in table
    assert ward.members["an"].full_name not in table


def test_quota_group_shows_counts_cap_and_suggested_demotions(ward, db, login):
    plan = build_cycle(ward, 3, levels=("HTXSNV", "HTTNV"))
    html = login("office").get(_url(plan)).content.decode()
    quota = html.split("Tỷ lệ HTXSNV theo nhóm")[1].split("Phân bố mức đề xuất")[0]
    assert "Trần HTXSNV" in quota
    assert 'class="num over"' in quota  # more HTXSNV than 20 % of HTTNV allows
    assert "Đề nghị xem xét hạ mức trước" in quota and "đối tượng" in quota


def test_a_cell_rating_everyone_the_same_is_flagged_next_to_the_ward(ward, db, login):
    plan = build_cycle(ward, 3, levels=("HTXSNV",))
    html = login("office").get(_url(plan)).content.decode()
    dist = html.split("Phân bố mức đề xuất theo chi bộ")[1].split('id="doi-tuong"')[0]
    assert "Toàn đảng bộ" in dist
    assert "cùng đề xuất HTXSNV" in dist
    assert "<svg" in dist and 'class="fill-HTXSNV"' in dist


def test_a_cell_with_a_varied_distribution_is_not_flagged(ward, db, login):
    plan = build_cycle(ward, 8, levels=("HTTNV", "HTTNV", "HTTNV", "HTNV"))
    html = login("office").get(_url(plan)).content.decode()
    dist = html.split("Phân bố mức đề xuất theo chi bộ")[1].split('id="doi-tuong"')[0]
    assert 'class="flag"' not in dist


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["appraisal", "decision_detail"])
def test_query_count_does_not_grow_with_the_number_of_subjects(ward, db, login, page):
    client = login("standing")

    def url(plan) -> str:  # type: ignore[no-untyped-def]
        if page == "appraisal":
            return reverse(page, args=[plan.pk])
        decision = Decision.objects.create(plan=plan, number="15-QĐ/ĐU", date=D(2020, 12, 3))
        return reverse(page, args=[decision.pk])

    small = build_cycle(ward, 2, number="07-KH/ĐU")
    big = build_cycle(ward, 15, number="08-KH/ĐU")
    assert big.subjects.count() >= small.subjects.count() + 30
    assert _queries(client, url(big)) == _queries(client, url(small))
